"""Wrong and right variants of the instructor solutions, to test the tests.

MUTANTS and CORRECT are Regularization's; TUNING_MUTANTS and TUNING_CORRECT are Tuning's.

Each variant edits a graded function's cell of the source notebook (text
replacements, applied in order). A mutant models one plausible student
mistake, named in `mistake`; `cause` is a fragment of the message the tests
must give for it (None: it must be caught, but no specific message is
expected). A correct variant is another right way to write the function and
must get full marks. `visible` is False when the visible test cannot tell:
a mutant right on the documented case (only the hidden tests catch it), or a
correct variant that draws its masks with another numpy call (only the hidden
tests, which grade dropout by what it is, accept it; the visible test compares
with the documented masks).
"""

from dataclasses import dataclass

import nbformat


@dataclass(frozen=True)
class Variant:
    function: str
    edits: tuple  # (find, replace) pairs
    mistake: str = ""
    cause: str | None = None
    visible: bool = True

    @property
    def label(self):
        return f"{self.function}: {self.mistake or self.edits[0][1][:40]}"


COST = "compute_cost_with_regularization"
BACKWARD_L2 = "backward_propagation_with_regularization"
FORWARD_DROPOUT = "forward_propagation_with_dropout"
BACKWARD_DROPOUT = "backward_propagation_with_dropout"
L2_TERM = "(np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))"
L2_LINE = f"(1 / m) * (lambd / 2) * {L2_TERM}"
FORWARD_LAYER_1 = ("    D1 = np.random.rand(A1.shape[0], A1.shape[1])  # Step 1: uniform random values, shape of A1\n"
                   "    D1 = (D1 < keep_prob).astype(int)  # Step 2: 1 with probability keep_prob, else 0\n"
                   "    A1 = A1 * D1  # Step 3: switch off the dropped units\n"
                   "    A1 = A1 / keep_prob  # Step 4: scale the kept units up\n")


def edit(find, replace):
    return ((find, replace),)


MUTANTS = [
    # The L2 cost
    Variant(COST, edit(L2_LINE, "0"), "no L2 term", "cross-entropy cost alone"),
    Variant(COST, edit("(lambd / 2)", "lambd"), "missing 1/2", "twice too large"),
    Variant(COST, edit("(1 / m) * (lambd / 2)", "(lambd / 2)"), "missing 1/m", "forget the 1/m"),
    Variant(COST, edit(" + np.sum(np.square(W3))", ""), "W3 left out", "leaves out W3"),
    Variant(COST, edit(" + np.sum(np.square(W2))", ""), "W2 left out", "leaves out W2"),
    Variant(COST, edit(L2_TERM, L2_TERM.replace("np.square", "np.abs")), "L1 instead of L2", "absolute values"),
    Variant(COST, edit(L2_TERM, f"({L2_TERM[1:-1]} + np.sum(np.square(parameters['b1'])) + "
                                "np.sum(np.square(parameters['b2'])) + np.sum(np.square(parameters['b3'])))"),
            "biases regularised", "biases are regularised too"),
    Variant(COST, edit(L2_TERM, "(np.sum(W1) ** 2 + np.sum(W2) ** 2 + np.sum(W3) ** 2)"),
            "square of the sum", "squares the sum"),
    Variant(COST, edit(L2_TERM, L2_TERM.replace("np.sum", "np.mean")), "mean instead of sum", "np.mean"),
    Variant(COST, edit("(1 / m)", "(1 / 5)"), "m hard-coded to the documented case's 5", "fails", visible=False),
    Variant(COST, edit("np.square(W2)", "np.abs(W2)"), "abs on one layer", None),
    # The gradients with L2
    Variant(BACKWARD_L2, edit("dW2 = 1. / m * np.dot(dZ2, A1.T) + (lambd / m) * W2", "dW2 = 1. / m * np.dot(dZ2, A1.T)"),
            "no L2 term in dW2", "by exactly (lambd/m)*W2: did you forget the regularisation term?"),
    Variant(BACKWARD_L2, edit("(lambd / m) * W1", "lambd * W1"), "lambd instead of lambd/m", "divide it by m"),
    Variant(BACKWARD_L2, edit("(lambd / m) * W3", "(lambd / (2 * m)) * W3"), "lambd/(2m) instead of lambd/m",
            "the derivative of"),
    Variant(BACKWARD_L2, edit("(lambd / m) * W2", "2 * (lambd / m) * W2"), "term doubled", "twice (lambd/m)*W2"),
    Variant(BACKWARD_L2, edit("+ (lambd / m) * W1", "- (lambd / m) * W1"), "term subtracted", "subtracted"),
    Variant(BACKWARD_L2, edit("db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)",
                              "db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True) + (lambd / m) * b3"),
            "regularisation added to db3", "db3 has a regularisation term"),
    Variant(BACKWARD_L2, edit("(lambd / m) * W2", "(lambd // m) * W2"), "integer division lambd // m",
            "did you forget the regularisation term"),
    Variant(BACKWARD_L2, edit("dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * W3", "dW3 = (lambd / m) * W3"),
            "the L2 term alone", "the L2 term alone: add it to the gradient of the cross-entropy, 1. / m * np.dot(dZ3"),
    Variant(BACKWARD_L2, edit("dW2 = 1. / m * np.dot(dZ2, A1.T)", "dW2 = np.dot(dZ2, A1.T)"),
            "no 1/m on the cross-entropy's gradient", "has no 1/m: it is 1. / m * np.dot(dZ2, A1.T)"),
    Variant(BACKWARD_L2, edit("dW1 = 1. / m * np.dot(dZ1, X.T) + (lambd / m) * W1", "dW1 = dW1 + (lambd / m) * W1"),
            "the L2 term added to a dW1 never computed", "reads dW1 before any line has given it a value"),
    # Dropout, forward
    Variant(FORWARD_DROPOUT, edit("(D1 < keep_prob)", "(D1 > keep_prob)"), "mask threshold reversed",
            "the threshold is reversed"),
    Variant(FORWARD_DROPOUT, edit("(D1 < keep_prob)", "(D1 < 1 - keep_prob)"), "mask threshold 1 - keep_prob",
            "the threshold is reversed"),
    Variant(FORWARD_DROPOUT, edit("A1 = A1 / keep_prob", "A1 = A1"), "no scaling by keep_prob",
            "masked but not scaled"),
    Variant(FORWARD_DROPOUT, edit("A1 = A1 / keep_prob", "A1 = A1 * keep_prob"), "multiplied by keep_prob",
            "multiplied by keep_prob"),
    Variant(FORWARD_DROPOUT, edit("A1 = A1 / keep_prob", "A1 = A1 / (1 - keep_prob)"), "scaled by 1 - keep_prob",
            "divided by 1 - keep_prob"),
    Variant(FORWARD_DROPOUT, edit("    Z1 = np.dot(W1, X) + b1", "    np.random.seed(1)\n    Z1 = np.dot(W1, X) + b1"),
            "reseeding inside the function", "reseeds numpy's generator"),
    Variant(FORWARD_DROPOUT, edit("D1 = (D1 < keep_prob).astype(int)", "D1 = D1"), "random values used as the mask",
            "only 0s and 1s"),
    Variant(FORWARD_DROPOUT, edit("np.random.rand(A1.shape[0], A1.shape[1])", "np.random.randn(A1.shape[0], A1.shape[1])"),
            "randn instead of rand", "randn"),
    Variant(FORWARD_DROPOUT, edit("A3 = sigmoid(Z3)",
                                  "A3 = sigmoid(Z3) * (np.random.rand(*Z3.shape) < keep_prob) / keep_prob"),
            "dropout on the output layer", "only the hidden layers get dropout"),
    Variant(FORWARD_DROPOUT, edit("cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)",
                                  "cache = (Z1, A1, D1, W1, b1, Z2, A2, D2, W2, b2, Z3, A3, W3, b3)"),
            "cache in the wrong order", "the cache is not in the order"),
    Variant(FORWARD_DROPOUT, edit("np.random.rand(A1.shape[0], A1.shape[1])", "np.random.rand(A1.shape[0], 1)"),
            "one mask per unit instead of per unit and example", "should have shape (2, 5)"),
    Variant(FORWARD_DROPOUT, edit("A2 = A2 * D2", "A2 = A2") + edit("A2 = A2 / keep_prob", "A2 = A2"),
            "no dropout on the second hidden layer", "A2 in the cache"),
    # Dropout, backward
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 / keep_prob", "dA2 = dA2"), "no scaling in backward",
            "masked but not scaled"),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 / keep_prob", "dA1 = dA1 * keep_prob"), "multiplied by keep_prob",
            "multiplied by keep_prob"),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 = dA2"), "mask not re-applied", "scaled but not masked"),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 / keep_prob", "dA1 = dA1 / (1 - keep_prob)"),
            "scaled by 1 - keep_prob", "divided by 1 - keep_prob"),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 = dA2 * (np.random.rand(*dA2.shape) < keep_prob)"),
            "a new mask drawn in backward", "never draw a new one"),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 = dA2")
            + edit("dA2 = dA2 / keep_prob", "dA2 = dA2")
            + edit("dZ2 = np.multiply(dA2, np.int64(A2 > 0))", "dZ2 = np.multiply(dA2, np.int64(A2 > 0)) * D2 / keep_prob"),
            "mask applied to dZ2 instead of dA2", "instead of dA2"),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 * D1", "dA1 = dA1 * D2[:2]"), "wrong mask", None),
]

CORRECT = [
    Variant(COST, edit(L2_LINE, "lambd / (2 * m) * sum(np.sum(W ** 2) for W in (W1, W2, W3))")),
    Variant(COST, edit(L2_LINE, "(np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2 + np.linalg.norm(W3) ** 2)"
                                " * lambd / (2 * m)")),
    Variant(COST, edit(L2_LINE, "lambd * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3)) / 2 / m")),
    Variant(BACKWARD_L2, edit("dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * W3",
                              "dW3 = (np.dot(dZ3, A2.T) + lambd * W3) / m")),
    Variant(BACKWARD_L2, edit("1. / m * np.dot(dZ2, A1.T) + (lambd / m) * W2", "(dZ2 @ A1.T) / m + lambd * W2 / m")),
    Variant(FORWARD_DROPOUT, edit("D1 = np.random.rand(A1.shape[0], A1.shape[1])", "D1 = np.random.rand(*A1.shape)")),
    Variant(FORWARD_DROPOUT, edit("D1 = (D1 < keep_prob).astype(int)", "D1 = D1 < keep_prob")),
    Variant(FORWARD_DROPOUT, edit("A1 = A1 / keep_prob", "A1 /= keep_prob")),
    Variant(FORWARD_DROPOUT, edit(FORWARD_LAYER_1, "    D1 = np.random.rand(*A1.shape) <= keep_prob\n"
                                                   "    A1 = np.multiply(A1, D1) / keep_prob\n")),
    Variant(FORWARD_DROPOUT, edit(FORWARD_LAYER_1, "    D1 = (np.random.random(A1.shape) < keep_prob).astype(float)\n"
                                                   "    A1 = A1 * D1 * (1 / keep_prob)\n")),
    Variant(FORWARD_DROPOUT, edit(FORWARD_LAYER_1, "    D1 = np.random.binomial(1, keep_prob, size=A1.shape)\n"
                                                   "    A1 = A1 * D1 / keep_prob\n"), visible=False),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 = np.multiply(dA2, D2)")),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 / keep_prob", "dA1 /= keep_prob")),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 *= D2")),
]


def graded_cell(notebook_path, function):
    """Source of the cell that defines a graded function."""
    notebook = nbformat.read(notebook_path, as_version=4)
    return next(cell.source for cell in notebook.cells
                if cell.source.startswith(f"# GRADED FUNCTION: {function}\n"))


def edited_source(variant, source):
    """The cell source with the variant's edits; fails if a text to replace is missing, so that a
    variant never silently becomes the unchanged solution when the notebook is edited."""
    for find, replace in variant.edits:
        assert find in source, f"{variant.function}'s cell no longer contains {find!r}"
        source = source.replace(find, replace, 1)
    return source


def apply(variant, notebook_path, namespace):
    """The variant's function, defined in a copy of namespace (the notebook's definitions)."""
    scope = dict(namespace)
    source = edited_source(variant, graded_cell(notebook_path, variant.function))
    exec(compile(source, variant.function, "exec"), scope)
    return scope[variant.function]


def submission(release_path, source_path, variants=(), filled=True):
    """A student's notebook built from the release: the instructor's solutions in its graded cells
    (unless not filled), with the variants' edits applied to their functions' cells."""
    notebook = nbformat.read(release_path, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source
                 for cell in nbformat.read(source_path, as_version=4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if filled:
            cell.source = solutions[grade_id]
        for variant in variants:
            if variant.function == grade_id:
                cell.source = edited_source(variant, cell.source)
    return notebook


# ---------------------------------------------------------------------------
# Tuning
# ---------------------------------------------------------------------------

COST_L1 = "compute_cost_with_l1"
BACKWARD_L1 = "backward_propagation_with_l1"
SPLIT = "split_dataset"
CHOOSE = "choose_lambda"
EARLY = "model_with_early_stopping"
L1_TERM = "(np.sum(np.abs(W1)) + np.sum(np.abs(W2)) + np.sum(np.abs(W3)))"
L1_LINE = f"(lambd / m) * {L1_TERM}"
BEST_LINE = "best = np.flatnonzero(np.array(dev_accuracies) == np.max(dev_accuracies))[-1]"

TUNING_MUTANTS = [
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
    Variant(COST_L1, edit("(lambd / m)", "(lambd / 5)"), "m hard-coded to the documented case's 5", "fails",
            visible=False),
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
    # The split
    Variant(SPLIT, edit("rng = np.random.default_rng(seed)", "np.random.seed(seed)")
            + edit("rng.permutation(m)", "np.random.permutation(m)"),
            "global generator reseeded", "reseeded (np.random.seed(seed)"),
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
            "round to the nearest integer"),
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
    Variant(CHOOSE, edit("best_lambd = lambdas[best]", "best_lambd = best"), "index returned instead of lambd",
            "position of the best lambd"),
    Variant(CHOOSE, edit("train_model(X_train, Y_train, parameters, lambd,", "train_model(X_train, Y_train, parameters, 0,"),
            "lambd not passed to train_model", "pass lambd to train_model"),
    Variant(CHOOSE, edit("train_accuracy = accuracy(trained, X_train, Y_train)",
                         "train_accuracy = 1 - accuracy(trained, X_train, Y_train)")
            + edit("dev_accuracy = accuracy(trained, X_dev, Y_dev)", "dev_accuracy = 1 - accuracy(trained, X_dev, Y_dev)"),
            "error rates instead of accuracies", "error rates"),
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
    Variant(EARLY, edit("    parameters = copy.deepcopy(parameters)  # the loop", "    parameters = parameters  # the loop"),
            "the caller's parameters changed in place", "in place: the caller's arrays are not the same"),
]

TUNING_CORRECT = [
    Variant(COST_L1, edit(L1_TERM, "(np.sum(np.sqrt(W1 ** 2)) + np.sum(np.sqrt(W2 ** 2)) + np.sum(np.sqrt(W3 ** 2)))")),
    Variant(COST_L1, edit(L1_LINE, "lambd * sum(np.linalg.norm(W.ravel(), 1) for W in (W1, W2, W3)) / m")),
    Variant(BACKWARD_L1, edit("np.sign(W1)", "np.where(W1 > 0, 1, np.where(W1 < 0, -1, 0))")),
    Variant(BACKWARD_L1, edit("(lambd / m) * np.sign(W2)", "lambd * ((W2 > 0).astype(float) - (W2 < 0)) / m")),
    Variant(SPLIT, edit("permutation = rng.permutation(m)", "permutation = np.arange(m); rng.shuffle(permutation)")),
    Variant(SPLIT, edit("X_shuffled = X[:, permutation]", "X_shuffled = np.take(X, permutation, axis=1)")),
    Variant(SPLIT, edit("m_dev = round(dev_fraction * m)  #", "m_dev = int(np.round(dev_fraction * m))  #")),
    Variant(CHOOSE, edit(BEST_LINE, "best = len(dev_accuracies) - 1 - int(np.argmax(dev_accuracies[::-1]))")),
    Variant(CHOOSE, edit("best_lambd = lambdas[best]",
                         "best_lambd = max(l for l, a in zip(lambdas, dev_accuracies) if a == max(dev_accuracies))")),
    Variant(CHOOSE, edit("dev_accuracy = accuracy(trained, X_dev, Y_dev)",
                         "dev_accuracy = np.sum(predict_dec(trained, X_dev) == Y_dev) / Y_dev.shape[1]")),
    Variant(EARLY, edit("best_parameters = copy.deepcopy(parameters)  # a copy",
                        "best_parameters = {key: value.copy() for key, value in parameters.items()}  # a copy")),
    Variant(EARLY, edit("improved = dev_cost < dev_costs[best_iteration]", "improved = dev_cost < min(dev_costs)")),
]
