"""Numerical gradient checks by centred differences, and small random problems to check on."""

import numpy as np

from checking import Problem
from testCases import network_parameters


def relative_error(cost, parameters, gradients, epsilon=1e-7):
    """Compare analytic gradients with centred differences of a cost.

    Arguments:
    cost -- function mapping a parameters dict to a float
    parameters -- dict of arrays "W1", "b1", ...; left unchanged
    gradients -- dict holding "dW1", "db1", ... for every key of parameters
    epsilon -- the step of the centred difference

    Returns:
    error -- ||analytic - numerical|| / (||analytic|| + ||numerical||) over all parameters
    """
    analytic, numerical = [], []
    for name in sorted(parameters):
        values = parameters[name]
        for index in np.ndindex(values.shape):
            shifted = {key: value.copy() for key, value in parameters.items()}
            shifted[name][index] = values[index] + epsilon
            cost_plus = cost(shifted)
            shifted[name][index] = values[index] - epsilon
            cost_minus = cost(shifted)
            numerical.append((cost_plus - cost_minus) / (2 * epsilon))
            analytic.append(gradients["d" + name][index])
    analytic, numerical = np.array(analytic), np.array(numerical)
    return np.linalg.norm(analytic - numerical) / (np.linalg.norm(analytic) + np.linalg.norm(numerical))


def gradient_problems(function, cost, parameters, gradients, tolerance):
    """A Problem for a student if the gradients differ from centred differences of the cost (else an empty list).

    Arguments:
    function -- name of the graded function that returned the gradients, for the message
    cost, parameters, gradients -- as for relative_error
    tolerance -- the largest relative error accepted
    """
    error = relative_error(cost, parameters, gradients)
    if error > tolerance:
        return [Problem(f"{function}: the gradients dW1, db1, ..., db3 do not match the numerical gradient of the "
                        f"cost (relative error {error:.1e}, at most {tolerance:.0e} expected).", "gradient-check")]
    return []


def random_problem(seed, layer_dims=(2, 5, 4, 1), m=7):
    """Random data, labels and parameters for a small network.

    Returns:
    X -- input data, of shape (layer_dims[0], m)
    Y -- labels (0 or 1), of shape (1, m)
    parameters -- dict of W1, b1, ... (W scaled by 1/sqrt(fan-in), small nonzero biases)
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(layer_dims[0], m))
    Y = (rng.uniform(size=(1, m)) < 0.5).astype(np.int64)
    # Scaled like the course's initialisation, so that the sigmoid does not saturate:
    # 1 - A3 near 0 would lose the digits a centred difference needs.
    return X, Y, network_parameters(lambda shape: rng.normal(size=shape), layer_dims, bias_scale=0.1)
