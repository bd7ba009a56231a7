"""Wrong and right variants of the instructor solutions, to test the tests.

Each variant replaces one piece of text in a graded function's cell of the
source notebook. A mutant is a plausible student mistake: the public test
must fail on it, naming the likely cause, and the hidden tests must fail too.
A correct variant is another right way to write the function: every test must
pass on it.
"""

from dataclasses import dataclass

import nbformat


@dataclass(frozen=True)
class Variant:
    function: str
    find: str
    replace: str
    cause: str | None = None  # for a mutant: a fragment of the likely cause its public test must name


COST = "compute_cost_with_regularization"
BACKWARD_L2 = "backward_propagation_with_regularization"
FORWARD_DROPOUT = "forward_propagation_with_dropout"
BACKWARD_DROPOUT = "backward_propagation_with_dropout"
L2_TERM = "(np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))"

MUTANTS = [
    Variant(COST, f"(1 / m) * (lambd / 2) * {L2_TERM}", "0", "cross-entropy cost alone"),
    Variant(COST, "(lambd / 2)", "lambd", "twice too large"),
    Variant(COST, "(1 / m) * (lambd / 2)", "(lambd / 2)", "forget the 1/m"),
    Variant(COST, " + np.sum(np.square(W3))", "", "leaves out W3"),
    Variant(COST, "np.square(W2)", "np.abs(W2)"),  # caught, without a likely cause (one layer only)
    Variant(COST, L2_TERM, "(np.sum(np.abs(W1)) + np.sum(np.abs(W2)) + np.sum(np.abs(W3)))", "absolute values"),
    Variant(BACKWARD_L2, "dW2 = 1. / m * np.dot(dZ2, A1.T) + (lambd / m) * W2", "dW2 = 1. / m * np.dot(dZ2, A1.T)",
            "by exactly (lambd/m)*W2: did you forget the regularisation term?"),
    Variant(BACKWARD_L2, "(lambd / m) * W1", "lambd * W1", "divide it by m"),
    Variant(BACKWARD_L2, "(lambd / m) * W3", "(lambd / (2 * m)) * W3", "the derivative of"),
    Variant(FORWARD_DROPOUT, "(D1 < keep_prob)", "(D1 > keep_prob)", "probability 1 - keep_prob"),
    Variant(FORWARD_DROPOUT, "A1 = A1 / keep_prob", "A1 = A1", "masked but not scaled"),
    Variant(FORWARD_DROPOUT, "A1 = A1 / keep_prob", "A1 = A1 * keep_prob", "multiplied by keep_prob"),
    Variant(FORWARD_DROPOUT, "    Z1 = np.dot(W1, X) + b1", "    np.random.seed(1)\n    Z1 = np.dot(W1, X) + b1",
            "reseeds numpy's generator"),
    Variant(FORWARD_DROPOUT, "D1 = (D1 < keep_prob).astype(int)", "D1 = D1", "only 0s and 1s"),
    Variant(BACKWARD_DROPOUT, "dA2 = dA2 / keep_prob", "dA2 = dA2", "masked but not scaled"),
    Variant(BACKWARD_DROPOUT, "dA1 = dA1 / keep_prob", "dA1 = dA1 * keep_prob", "multiplied by keep_prob"),
    Variant(BACKWARD_DROPOUT, "dA2 = dA2 * D2", "dA2 = dA2", "scaled but not masked"),
    Variant(BACKWARD_DROPOUT, "dA1 = dA1 * D1", "dA1 = dA1 * D2[:2]"),
]

CORRECT = [
    Variant(COST, f"(1 / m) * (lambd / 2) * {L2_TERM}",
            "lambd / (2 * m) * sum(np.sum(W ** 2) for W in (W1, W2, W3))"),
    Variant(BACKWARD_L2, "dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * W3",
            "dW3 = (np.dot(dZ3, A2.T) + lambd * W3) / m"),
    Variant(FORWARD_DROPOUT, "D1 = np.random.rand(A1.shape[0], A1.shape[1])", "D1 = np.random.rand(*A1.shape)"),
    Variant(FORWARD_DROPOUT, "D1 = (D1 < keep_prob).astype(int)", "D1 = D1 < keep_prob"),
    Variant(FORWARD_DROPOUT, "A1 = A1 / keep_prob", "A1 /= keep_prob"),
    Variant(BACKWARD_DROPOUT, "dA2 = dA2 * D2", "dA2 = np.multiply(dA2, D2)"),
    Variant(BACKWARD_DROPOUT, "dA1 = dA1 / keep_prob", "dA1 /= keep_prob"),
]


def graded_cell(notebook_path, function):
    """Source of the cell that defines a graded function."""
    notebook = nbformat.read(notebook_path, as_version=4)
    return next(cell.source for cell in notebook.cells
                if cell.source.startswith(f"# GRADED FUNCTION: {function}\n"))


def apply(variant, notebook_path, namespace):
    """The variant's function, defined in a copy of namespace (the notebook's definitions).

    Fails if the text to replace is not in the cell, so that a variant never silently
    becomes the unchanged solution when the notebook is edited.
    """
    source = graded_cell(notebook_path, variant.function)
    assert variant.find in source, f"{variant.function}'s cell no longer contains {variant.find!r}"
    scope = dict(namespace)
    exec(compile(source.replace(variant.find, variant.replace, 1), variant.function, "exec"), scope)
    return scope[variant.function]

