"""Regularization's mutants, correct variants and example submissions (see tools/variants.py)."""

from tools.variants import RESEEDED, Variant, by_mistake, edit, reseeded

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
    Variant(COST, edit("(1 / m)", "(1 / 5)"), "m hard-coded to the documented case's 5", None, visible=False),
    Variant(COST, edit("np.square(W2)", "np.abs(W2)"), "abs on one layer", None),
    Variant(COST, edit("np.square(W1)", "np.square(W1, out=W1)"), "W1 squared in place",
            "in place: the caller's arrays are not the same"),
    Variant(COST, reseeded("    m = Y.shape[1]\n"), "numpy's global generator reseeded", RESEEDED, visible=False),
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
    Variant(BACKWARD_L2, edit("dZ3 = A3 - Y", "dZ3 = A3\n    dZ3 -= Y"), "the cache's A3 changed in place",
            "in place: the caller's arrays are not the same"),
    Variant(BACKWARD_L2, reseeded("    m = X.shape[1]\n"), "numpy's global generator reseeded", RESEEDED,
            visible=False),
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
    Variant(FORWARD_DROPOUT, edit("    Z3 = np.dot(W3, A2) + b3", "    parameters['D1'], parameters['D2'] = D1, D2\n"
                                                               "    Z3 = np.dot(W3, A2) + b3"),
            "the masks stored in the caller's parameters", "in place: the caller's arrays are not the same"),
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
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 * D1", "dA1 = dA1 * D2[:2]"), "wrong mask",
            "masked with a mask other than D1"),
    Variant(BACKWARD_DROPOUT, edit("dZ3 = A3 - Y", "dZ3 = A3\n    dZ3 -= Y"), "the cache's A3 changed in place",
            "in place: the caller's arrays are not the same"),
]

CORRECT = [
    Variant(COST, edit(L2_LINE, "lambd / (2 * m) * sum(np.sum(W ** 2) for W in (W1, W2, W3))")),
    Variant(COST, edit(L2_LINE, "(np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2 + np.linalg.norm(W3) ** 2)"
                                " * lambd / (2 * m)")),
    Variant(COST, edit(L2_LINE, "lambd * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3)) / 2 / m")),
    Variant(COST, edit(L2_LINE, "sum(float(np.dot(W.ravel(), W.ravel())) for W in (W1, W2, W3)) * lambd / (2 * m)")),
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
    Variant(FORWARD_DROPOUT, edit("np.random.rand(A1.shape[0], A1.shape[1])", "np.random.uniform(size=A1.shape)")),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 = np.multiply(dA2, D2)")),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 * D1", "dA1 = dA1 * D1 / keep_prob") + edit("dA1 = dA1 / keep_prob", "pass")),
    Variant(BACKWARD_DROPOUT, edit("dA1 = dA1 / keep_prob", "dA1 /= keep_prob")),
    Variant(BACKWARD_DROPOUT, edit("dA2 = dA2 * D2", "dA2 *= D2")),
]

EXAMPLES = {
    "ada": [],
    "ben": [by_mistake(MUTANTS, "missing 1/2"), by_mistake(MUTANTS, "reseeding inside the function"),
            by_mistake(MUTANTS, "no scaling in backward")],
    "cleo": None,
    "dev": [variant for variant in CORRECT if not variant.visible
            or "@" in variant.edits[0][1] or "*=" in variant.edits[0][1]],
}
