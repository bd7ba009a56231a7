"""Tuning's mutants, correct variants and example submissions (see tools/variants.py)."""

from tools.variants import RESEEDED, Variant, by_mistake, edit, reseeded

COST_L1 = "compute_cost_with_l1"
BACKWARD_L1 = "backward_propagation_with_l1"
SPLIT = "split_dataset"
CHOOSE = "choose_lambda"
EARLY = "model_with_early_stopping"
L1_TERM = "(np.sum(np.abs(W1)) + np.sum(np.abs(W2)) + np.sum(np.abs(W3)))"
L1_LINE = f"(lambd / m) * {L1_TERM}"
BEST_LINE = "best = np.flatnonzero(np.array(dev_accuracies) == np.max(dev_accuracies))[-1]"

MUTANTS = [
    # The L1 cost
    Variant(COST_L1, edit(L1_LINE, "0"), "no L1 term", "cross-entropy cost alone"),
    Variant(COST_L1, edit("(lambd / m) *", "lambd *"), "missing 1/m", "forget the 1/m"),
    Variant(COST_L1, edit("(lambd / m) *", "(lambd / (2 * m)) *"), "the 1/2 of L2 kept", "the 1/2 belongs"),
    Variant(COST_L1, edit(L1_TERM, L1_TERM.replace("np.abs", "np.square")), "squares instead of absolute values",
            "squares the weights (that is L2)"),
    Variant(COST_L1, edit(L1_TERM, f"({L1_TERM[1:-1]} + np.sum(np.abs(parameters['b1'])) + "
                                   "np.sum(np.abs(parameters['b2'])) + np.sum(np.abs(parameters['b3'])))"),
            "biases penalised", "biases are penalised too"),
    Variant(COST_L1, edit(" + np.sum(np.abs(W3))", ""), "W3 left out", "leaves out W3"),
    Variant(COST_L1, edit(L1_TERM, "(np.abs(np.sum(W1)) + np.abs(np.sum(W2)) + np.abs(np.sum(W3)))"),
            "absolute value of the sum", "absolute value of each matrix's sum"),
    Variant(COST_L1, edit(L1_TERM, "(np.sum(W1) + np.sum(W2) + np.sum(W3))"), "signed sum, no absolute value",
            "with their signs"),
    Variant(COST_L1, edit(L1_TERM, L1_TERM.replace("np.sum", "np.mean")), "mean instead of sum", "np.mean"),
    Variant(COST_L1, edit("(lambd / m)", "(lambd / 5)"), "m hard-coded to the documented case's 5", None,
            visible=False),
    Variant(COST_L1, edit("np.abs(W1)", "np.abs(W1, out=W1)"), "absolute values of W1 taken in place",
            "in place: the caller's arrays are not the same"),
    Variant(COST_L1, reseeded("    m = Y.shape[1]\n"), "numpy's global generator reseeded", RESEEDED, visible=False),
    # The gradients with L1
    Variant(BACKWARD_L1, edit(" + (lambd / m) * np.sign(W2)", ""), "no L1 term in dW2",
            "by exactly (lambd/m)*np.sign(W2): did you forget the regularisation term?"),
    Variant(BACKWARD_L1, edit("(lambd / m) * np.sign(W1)", "(lambd / m) * W1"), "L2 gradient instead of L1",
            "the gradient of the L2 cost"),
    Variant(BACKWARD_L1, edit("(lambd / m) * np.sign(W3)", "lambd * np.sign(W3)"), "lambd instead of lambd/m",
            "divide it by m"),
    Variant(BACKWARD_L1, edit("+ (lambd / m) * np.sign(W2)", "- (lambd / m) * np.sign(W2)"), "term subtracted",
            "subtracted"),
    Variant(BACKWARD_L1, edit("np.sign(W1)", "np.abs(W1)"), "np.abs instead of np.sign",
            "the derivative of |w| is the sign of w"),
    Variant(BACKWARD_L1, edit("np.sign(W2)", "np.where(W2 >= 0, 1, -1)"), "sign of 0 taken as +1",
            "np.sign(0) is 0"),
    Variant(BACKWARD_L1, edit("np.sign(W2)", "(np.abs(W2) / W2)"), "sign as |W| / W, NaN at 0", "divides 0 by 0"),
    Variant(BACKWARD_L1, edit("db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)",
                              "db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True) + (lambd / m) * np.sign(b3)"),
            "regularisation added to db3", "db3 has a regularisation term"),
    Variant(BACKWARD_L1, edit("dZ3 = A3 - Y", "dZ3 = A3\n    dZ3 -= Y"), "the cache's A3 changed in place",
            "in place: the caller's arrays are not the same"),
    Variant(BACKWARD_L1, reseeded("    m = X.shape[1]\n"), "numpy's global generator reseeded", RESEEDED,
            visible=False),
    # The split
    Variant(SPLIT, edit("rng = np.random.default_rng(seed)", "np.random.seed(seed)")
            + edit("rng.permutation(m)", "np.random.permutation(m)"),
            "global generator reseeded", "np.random.seed(seed) then np.random.permutation"),
    Variant(SPLIT, edit("rng = np.random.default_rng(seed)", "rng = np.random.RandomState(seed)"),
            "legacy generator RandomState(seed)", "np.random.RandomState(seed)"),
    Variant(SPLIT, edit("rng.permutation(m)", "np.random.permutation(m)"), "global generator, not seeded",
            "two different splits in two calls with the same seed"),
    Variant(SPLIT, edit("rng = np.random.default_rng(seed)", "rng = np.random.default_rng()"), "generator without the seed",
            "two different splits in two calls with the same seed"),
    Variant(SPLIT, edit("rng = np.random.default_rng(seed)", "rng = np.random.default_rng(1)"), "seed hard-coded to 1",
            "it is the split of seed = 1", visible=False),
    Variant(SPLIT, edit("Y_shuffled = Y[:, permutation]", "Y_shuffled = Y"), "labels not shuffled",
            "Y was not shuffled"),
    Variant(SPLIT, edit("Y_shuffled = Y[:, permutation]", "Y_shuffled = Y[:, rng.permutation(m)]"),
            "labels shuffled in another order", "Y was shuffled in another order than X"),
    Variant(SPLIT, edit("X_shuffled = X[:, permutation]", "X_shuffled = rng.permuted(X, axis=1)"),
            "each row of X shuffled on its own", "move whole columns"),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = int(dev_fraction * m)  #"), "size truncated with int",
            "int(dev_fraction * m), which truncates"),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = int(np.ceil(dev_fraction * m))  #"),
            "size rounded up", "math.ceil, which rounds up", visible=False),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = int(dev_fraction * m + 0.5)  #"),
            "a half rounded up", "rounding a half up", visible=False),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = m - round((1 - dev_fraction) * m)  #"),
            "the training set's size rounded instead", "rounding the training set's size instead", visible=False),
    Variant(SPLIT, edit("X_dev = X_shuffled[:, m_train:]", "X_dev = X_shuffled[:, -m_dev:]")
            + edit("Y_dev = Y_shuffled[:, m_train:]", "Y_dev = Y_shuffled[:, -m_dev:]"),
            "dev set sliced from the end, every example when m_dev is 0", "X_shuffled[:, -m_dev:]", visible=False),
    Variant(SPLIT, edit("    return X_train, Y_train, X_dev, Y_dev", "    np.random.seed(seed)\n    return X_train, Y_train, X_dev, Y_dev"),
            "the global generator reseeded besides", RESEEDED, visible=False),
    Variant(SPLIT, edit("X_dev = X_shuffled[:, m_train:]", "X_dev = X_shuffled[:, m_train - 1:m - 1]")
            + edit("Y_dev = Y_shuffled[:, m_train:]", "Y_dev = Y_shuffled[:, m_train - 1:m - 1]"),
            "the two parts overlap by one example", "exactly once"),
    Variant(SPLIT, edit("X_train = X_shuffled[:, :m_train]", "X_train = X_shuffled[:, m_dev:]")
            + edit("Y_train = Y_shuffled[:, :m_train]", "Y_train = Y_shuffled[:, m_dev:]")
            + edit("X_dev = X_shuffled[:, m_train:]", "X_dev = X_shuffled[:, :m_dev]")
            + edit("Y_dev = Y_shuffled[:, m_train:]", "Y_dev = Y_shuffled[:, :m_dev]"),
            "dev set taken first", "the dev set is taken from the start"),
    Variant(SPLIT, edit("X_shuffled = X[:, permutation]", "X_shuffled = X; rng.shuffle(X_shuffled, axis=1)")
            + edit("Y_shuffled = Y[:, permutation]", "Y_shuffled = Y; rng.shuffle(Y_shuffled, axis=1)"),
            "X and Y shuffled in place, each on its own", "in place: the caller's arrays are not the same"),
    Variant(SPLIT, edit("return X_train, Y_train, X_dev, Y_dev", "return X_train, X_dev, Y_train, Y_dev"),
            "sklearn's order of the results", "in the order (X_train, Y_train, X_dev, Y_dev)"),
    # Choosing lambd
    Variant(CHOOSE, edit("dev_accuracy = accuracy(trained, X_dev, Y_dev)", "dev_accuracy = accuracy(trained, X_train, Y_train)"),
            "dev accuracy measured on the training set", "dev_accuracies equals train_accuracies"),
    Variant(CHOOSE, edit(BEST_LINE, "best = int(np.argmax(dev_accuracies))"), "ties go to the smallest lambd",
            "ties go to the largest"),
    Variant(CHOOSE, edit(BEST_LINE, BEST_LINE.replace("dev_accuracies", "train_accuracies")),
            "chosen by training accuracy", "choose lambd by its dev accuracy"),
    Variant(CHOOSE, edit(BEST_LINE, "best = int(np.flatnonzero(np.array(dev_accuracies[:-1]) == np.max(dev_accuracies[:-1]))[-1]) "
                                    "if len(lambdas) > 1 else 0"),
            "the last lambd left out of the choice", "the best of every lambd but the last", visible=False),
    Variant(CHOOSE, edit(BEST_LINE, "best = min(np.flatnonzero(np.array(dev_accuracies) == np.max(dev_accuracies)), "
                                    "key=lambda i: abs(train_accuracies[i] - dev_accuracies[i]))"),
            "ties broken by the smallest train-dev gap", "ties go to the largest of them", visible=False),
    Variant(CHOOSE, edit(BEST_LINE, "best = np.flatnonzero(np.round(dev_accuracies, 1) == np.max(np.round(dev_accuracies, 1)))[-1]"),
            "dev accuracies compared rounded to one decimal", "rounded to 1 decimal(s)", visible=False),
    Variant(CHOOSE, edit("best_lambd = lambdas[best]", "best_lambd = best"), "index returned instead of lambd",
            "position of the best lambd"),
    Variant(CHOOSE, edit("train_model(X_train, Y_train, parameters, lambd,", "train_model(X_train, Y_train, parameters, 0,"),
            "lambd not passed to train_model", "pass lambd to train_model"),
    Variant(CHOOSE, edit("train_accuracy = accuracy(trained, X_train, Y_train)",
                         "train_accuracy = 1 - accuracy(trained, X_train, Y_train)")
            + edit("dev_accuracy = accuracy(trained, X_dev, Y_dev)", "dev_accuracy = 1 - accuracy(trained, X_dev, Y_dev)"),
            "error rates instead of accuracies", "error rates"),
    Variant(CHOOSE, edit("trained = train_model(X_train, Y_train, parameters,",
                         "trained = parameters = train_model(X_train, Y_train, parameters,"),
            "each lambd trained on from the previous one's parameters", None),
    Variant(CHOOSE, reseeded("    for lambd in lambdas:\n"), "numpy's global generator reseeded", RESEEDED,
            visible=False),
    # Early stopping
    Variant(EARLY, edit("best_parameters = copy.deepcopy(parameters)  # a copy", "best_parameters = parameters  # a copy"),
            "no copy of the best parameters", "copy.deepcopy(parameters)"),
    Variant(EARLY, edit("best_parameters = copy.deepcopy(parameters)  # a copy", "best_parameters = dict(parameters)  # a copy"),
            "shallow copy of the best parameters", "keeps the same arrays"),
    Variant(EARLY, edit("dev_cost = compute_cost(forward_propagation(X_dev, parameters)[0], Y_dev)",
                        "dev_cost = compute_cost(forward_propagation(X_train, parameters)[0], Y_train)"),
            "cost measured on the training set", "costs on the training set"),
    Variant(EARLY, edit("improved = dev_cost < dev_costs[best_iteration]", "improved = dev_cost <= dev_costs[best_iteration]"),
            "ties go to the last iteration", "strictly smaller"),
    Variant(EARLY, edit("improved = dev_cost < dev_costs[best_iteration]", "improved = dev_cost < dev_costs[-1]"),
            "compared with the previous cost, not the best", "not with the previous one"),
    Variant(EARLY, edit("best_iteration = i  #", "best_iteration = i - 1  #"), "iteration off by one", "one off"),
    Variant(EARLY, edit("    parameters = copy.deepcopy(parameters)  # the loop",
                        "    best_parameters = parameters\n    parameters = copy.deepcopy(parameters)  # the loop")
            + edit("    best_parameters = copy.deepcopy(parameters)\n    best_iteration = 0", "    best_iteration = 0"),
            "the caller's parameters returned when iteration 0 is best", "arrays that belong to the caller"),
    Variant(EARLY, edit("    parameters = copy.deepcopy(parameters)  # the loop", "    parameters = parameters  # the loop"),
            "the caller's parameters changed in place", "in place: the caller's arrays are not the same"),
    Variant(EARLY, edit("range(1, num_iterations + 1)", "range(1, num_iterations)"), "one step too few",
            None),
    Variant(EARLY, edit("    best_parameters = copy.deepcopy(parameters)\n    best_iteration = 0",
                        "    best_parameters = None\n    best_iteration = 0"),
            "no best parameters unless a step improves", "best_parameters is still None"),
    Variant(EARLY, reseeded("    best_iteration = 0\n"), "numpy's global generator reseeded", RESEEDED, visible=False),
]

CORRECT = [
    Variant(COST_L1, edit(L1_TERM, "(np.sum(np.sqrt(W1 ** 2)) + np.sum(np.sqrt(W2 ** 2)) + np.sum(np.sqrt(W3 ** 2)))")),
    Variant(COST_L1, edit(L1_LINE, "lambd * sum(np.linalg.norm(W.ravel(), 1) for W in (W1, W2, W3)) / m")),
    Variant(COST_L1, edit(L1_LINE, "sum(np.abs(parameters[f'W{l}']).sum() for l in (1, 2, 3)) * lambd / m")),
    Variant(BACKWARD_L1, edit("np.sign(W1)", "np.where(W1 > 0, 1, np.where(W1 < 0, -1, 0))")),
    Variant(BACKWARD_L1, edit("dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * np.sign(W3)",
                              "dW3 = (np.dot(dZ3, A2.T) + lambd * np.sign(W3)) / m")),
    Variant(BACKWARD_L1, edit("(lambd / m) * np.sign(W2)", "lambd * ((W2 > 0).astype(float) - (W2 < 0)) / m")),
    Variant(SPLIT, edit("permutation = rng.permutation(m)", "permutation = np.arange(m); rng.shuffle(permutation)")),
    Variant(SPLIT, edit("X_shuffled = X[:, permutation]", "X_shuffled = np.take(X, permutation, axis=1)")),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = int(np.round(dev_fraction * m))  #")),
    Variant(SPLIT, edit("X_shuffled = X[:, permutation]", "X_shuffled = np.stack([X[:, i] for i in permutation], axis=1)")),
    Variant(SPLIT, edit("X_train = X_shuffled[:, :m_train]", "X_train, X_dev = np.split(X_shuffled, [m_train], axis=1)")
            + edit("X_dev = X_shuffled[:, m_train:]", "pass")),
    Variant(CHOOSE, edit(BEST_LINE, "best = len(dev_accuracies) - 1 - int(np.argmax(dev_accuracies[::-1]))")),
    Variant(CHOOSE, edit("best_lambd = lambdas[best]",
                         "best_lambd = max(l for l, a in zip(lambdas, dev_accuracies) if a == max(dev_accuracies))")),
    Variant(CHOOSE, edit(BEST_LINE, "best = max(range(len(lambdas)), key=lambda i: (dev_accuracies[i], i))")),
    Variant(CHOOSE, edit("dev_accuracy = accuracy(trained, X_dev, Y_dev)",
                         "dev_accuracy = np.sum(predict_dec(trained, X_dev) == Y_dev) / Y_dev.shape[1]")),
    Variant(EARLY, edit("best_parameters = copy.deepcopy(parameters)  # a copy",
                        "best_parameters = {key: value.copy() for key, value in parameters.items()}  # a copy")),
    Variant(EARLY, edit("improved = dev_cost < dev_costs[best_iteration]", "improved = dev_cost < min(dev_costs)")),
    Variant(EARLY, edit("best_parameters = copy.deepcopy(parameters)  # a copy",
                        "best_parameters = {key: np.array(value) for key, value in parameters.items()}  # a copy")),
]

EXAMPLES = {
    "ada": [],
    "ben": [by_mistake(MUTANTS, "the 1/2 of L2 kept"), by_mistake(MUTANTS, "labels not shuffled"),
            by_mistake(MUTANTS, "no copy of the best parameters")],
    "cleo": None,
    "dev": [next(variant for variant in CORRECT if variant.function == function)  # one other way to write each
            for function in (COST_L1, BACKWARD_L1, SPLIT, CHOOSE, EARLY)],
}
