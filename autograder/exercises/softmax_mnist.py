"""09_softmax_mnist: one_hot, softmax, cross_entropy, softmax_cross_entropy_backward, softmax_forward_and_backward,
and two thinking questions (predict_softmax_change, predict_logit_gradient)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, Mutant, R, S
from ._gen import enc_dict, params_for
from .questions import choice, number, question, several

ASSIGNMENT = "09_softmax_mnist"

CLIP_WHY = "clip P to [eps, 1] with a small eps (e.g. 1e-15) before the log, so that log(0) never appears"


def _softmax(Z):
    Z = np.asarray(Z, float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _labels(rng, m, k):
    """m labels in 0..k-1; with m >= k every class appears at least once."""
    y = rng.integers(0, k, m)
    if m >= k:
        y[:k] = rng.permutation(k)
    return y


def _onehot(y, k):
    return np.eye(k)[np.asarray(y)]


def _probabilities(rng, m, k, scale=2.0):
    return _softmax(rng.normal(0, scale, (m, k)))


# ----- one_hot --------------------------------------------------------------------------------------------------

def one_hot_cases(rng):
    m, k = int(rng.integers(12, 30)), int(rng.integers(3, 11))
    return [
        Case(f"{m} labels, K = {k}", (A(_labels(rng, m, k), dtype=np.int64), S(k)), kind="random labels"),
        Case("the ten digits, K = 10", (A(rng.permutation(10), dtype=np.int64), S(10)),
             kind="the ten digits in a shuffled order"),
        Case("m = 1", (A([int(rng.integers(0, 4))], dtype=np.int64), S(4))),
        Case("one class absent: labels 0..2 with K = 5", (A(_labels(rng, 9, 3), dtype=np.int64), S(5))),
        Case("a negative label", (A([0, 2, -1], dtype=np.int64), S(3)), grades="raises-label",
             options={"raises_because": "labels must lie in 0..K-1; y = -1 would silently mark class K-1"}),
    ]


def _one_hot_unchecked(y, n_classes):
    return np.eye(n_classes)[np.asarray(y)]


ONE_HOT = ExerciseSpec(
    "one_hot", ASSIGNMENT, 1, "course_lib.softmax:one_hot", one_hot_cases,
    mutants=(
        Mutant("transposed", "one row per sample: Y has shape (m, K), with Y[i, y[i]] = 1",
               lambda y, n_classes: _one_hot_unchecked(y, n_classes).T,
               second_hint='print one_hot(np.array([0, 1, 2]), 4).shape: (3, 4) is expected'),
        Mutant("off_by_one", "label d puts its 1 in column d, counting from 0 (digit 0 in column 0)",
               lambda y, n_classes: np.roll(_one_hot_unchecked(y, n_classes), 1, axis=1),
               second_hint='print one_hot(np.array([0]), 3): [[1, 0, 0]] is expected'),
        Mutant("integers", "return a float array (np.zeros((m, K)) is float64): Y takes part in float arithmetic",
               lambda y, n_classes: np.eye(n_classes, dtype=np.int64)[np.asarray(y)],
               second_hint='print the dtype of what you return: float64 is expected'),
        Mutant("unchecked", "check that every label lies in 0..K-1 and raise ValueError otherwise: a negative "
                            "index silently counts from the end", _one_hot_unchecked,
               second_hint=('call one_hot(np.array([-1]), 3): a ValueError is expected; yours puts a 1 in the last '
                            'column')),
    ),
    arg_names=("y", "n_classes"), rtol=0.0, atol=0.0,
    requirements=(
        R("values", "return the float array `Y` of shape $(m, K)$", "Y : ndarray of shape (m, n_classes), float",
          by="values"),
        R("raises-label", "Raise a `ValueError` if a label lies outside", by="raises-label"),
    ),
)


# ----- softmax --------------------------------------------------------------------------------------------------

def softmax_cases(rng):
    m, k = int(rng.integers(4, 9)), int(rng.integers(3, 8))
    if m == k:
        m += 1
    return [
        Case(f"random logits ({m}, {k})", (A(rng.normal(0, 3, (m, k))),)),
        Case("m = 1: one row of 10 logits", (A(rng.normal(0, 2, (1, 10))),)),
        Case("two classes, one row per sample", (A(rng.normal(0, 2, (int(rng.integers(3, 7)), 2))),)),
        Case("equal logits in a row", (A(np.repeat(rng.normal(0, 2, (3, 1)), 4, axis=1)),)),
        Case("large logits +-1000", (A([[1000.0, 1000.0, 990.0], [-1000.0, -1001.0, -1010.0],
                                         [10.0, -10.0, 0.0]]),)),
        Case("rows on very different scales", (A([[800.0, 790.0, 780.0, 770.0], [-800.0, -801.0, -802.0, -803.0]]),)),
    ]


def _softmax_no_shift(Z):
    E = np.exp(np.asarray(Z, float))
    return E / E.sum(axis=1, keepdims=True)


def _softmax_global_shift(Z):
    Z = np.asarray(Z, float)
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


def _softmax_axis0(Z):
    Z = np.asarray(Z, float)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _softmax_whole_matrix(Z):
    Z = np.asarray(Z, float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum()


SHIFT_HINT = ("np.exp(1000) overflows to inf (and inf / inf is nan): subtract each row's maximum, "
              "Z - Z.max(axis=1, keepdims=True), before exponentiating; the result is the same mathematically")

SOFTMAX = ExerciseSpec(
    "softmax", ASSIGNMENT, 2, "course_lib.softmax:softmax", softmax_cases,
    mutants=(
        Mutant("no_shift", SHIFT_HINT, _softmax_no_shift,
               second_hint=('try the row [1000, 1000]: [0.5, 0.5] is expected, yours is nan; adding the same number '
                            'to a whole row does not change its softmax')),
        Mutant("global_shift", "subtract each ROW's maximum (axis=1, keepdims=True): the maximum of the whole "
                               "matrix can push a row so low that all its exponentials underflow to 0",
               _softmax_global_shift,
               second_hint=('try Z = [[0, 0], [2000, 2000]]: both rows give [0.5, 0.5]; with one shift for the whole '
                            'matrix the first row underflows')),
        Mutant("axis0", "each row (one sample) is a probability distribution over the K classes: take the max and "
                        "the sum along axis=1, not axis=0 (which mixes different samples)", _softmax_axis0,
               second_hint='print softmax(Z).sum(axis=1): every entry must be 1; yours sums to 1 down the columns'),
        Mutant("whole_matrix", "divide by each row's own sum (axis=1, keepdims=True), not by the sum of the whole "
                               "matrix: every row must sum to 1", _softmax_whole_matrix,
               second_hint=('print softmax(Z).sum(axis=1): every entry must be 1; yours add up to 1 over the whole '
                            'matrix')),
        Mutant("sigmoid", "softmax couples the classes: exponentiate, then divide by the row sum (a sigmoid "
                          "treats each class on its own and the rows no longer sum to 1)",
               lambda Z: 0.5 * (1.0 + np.tanh(np.asarray(Z, float) / 2.0)),
               second_hint='print softmax(Z).sum(axis=1): every entry must be 1; your classes are treated one by one'),
    ),
    arg_names=("Z",), rtol=1e-9, atol=1e-15, fail_warnings=(("overflow", SHIFT_HINT),), purity=True,
    description="row-wise softmax, stable for large logits",
    requirements=(
        R("values", "return $P$ of the same shape, each row the softmax of the row of `Z`",
          "every row a probability distribution", by="values"),
        R("no-warning", "give finite probabilities and no warning", by="judge:warnings"),
        R("pure", "Do not modify `Z`", by="judge:purity"),
    ),
)


# ----- cross_entropy --------------------------------------------------------------------------------------------

def cross_entropy_cases(rng):
    cases = []
    for label, m, k in (("m = 1", 1, 10), ("random", int(rng.integers(5, 20)), int(rng.integers(3, 8))),
                        ("ten classes", int(rng.integers(20, 60)), 10)):
        y = _labels(rng, m, k)
        cases.append(Case(f"{label}: P and Y of shape ({m}, {k})", (A(_probabilities(rng, m, k)), A(_onehot(y, k)))))
    m, k = int(rng.integers(4, 9)), int(rng.integers(3, 6))
    Y = _onehot(_labels(rng, m, k), k)
    cases.append(Case("P equal to Y: certain and right", (A(Y.copy()), A(Y)), grades="finite",
                      options={"rule": "finite_between", "lo": -1e-6, "hi": 1e-5,
                               "why": "every prediction is certain and right, so the loss is (almost) 0; "
                                      "the zero probabilities of the other classes must not give nan"}))
    m, k = int(rng.integers(4, 9)), int(rng.integers(3, 6))
    y = _labels(rng, m, k)
    P = _probabilities(rng, m, k)
    P[0] = _onehot([(y[0] + 1) % k], k)[0]          # sample 0: certain, and wrong (P = 0 for its true class)
    rest = -float(np.sum(np.log(P[np.arange(1, m), y[1:]])))
    lo, hi = (rest - math.log(1e-5)) / m, (rest - math.log(1e-17)) / m
    cases.append(Case("P exactly 0 for a true class", (A(P), A(_onehot(y, k))), grades="finite",
                      options={"rule": "finite_between", "lo": lo, "hi": hi, "why": CLIP_WHY}))
    m = int(rng.integers(3, 7))
    cases.append(Case("Y given as labels (m,) instead of one-hot rows",
                      (A(_probabilities(rng, m, 3)), A(rng.integers(0, 3, m), dtype=np.int64)), grades="raises-shape",
                      options={"raises_because": "Y must be one-hot with P's shape (m, K): a label vector would "
                                                 "broadcast against P and give a wrong number"}))
    return cases


def _ce_terms(P, Y):
    return np.asarray(Y, float) * np.log(np.clip(np.asarray(P, float), 1e-15, 1.0))


def _ce_no_clip(P, Y):
    with np.errstate(all="ignore"):
        return float(-np.sum(np.asarray(Y, float) * np.log(np.asarray(P, float))) / len(P))


def _ce_binary_form(P, Y):
    P = np.clip(np.asarray(P, float), 1e-15, 1 - 1e-15)
    Y = np.asarray(Y, float)
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / len(P))


def _ce_largest(P, Y):
    return float(-np.mean(np.log(np.clip(np.asarray(P, float), 1e-15, 1.0).max(axis=1))))


CROSS_ENTROPY = ExerciseSpec(
    "cross_entropy", ASSIGNMENT, 2, "course_lib.softmax:cross_entropy", cross_entropy_cases,
    mutants=(
        Mutant("no_clip", "log(0) is -inf (and 0 * -inf is nan): " + CLIP_WHY, _ce_no_clip,
               second_hint=('try P = [[0.0, 1.0]] with Y = [[1, 0]]: a large finite loss is expected, yours is inf or'
                            ' nan')),
        Mutant("sum", "the loss is the MEAN over the m samples: divide the sum by m",
               lambda P, Y: float(-np.sum(_ce_terms(P, Y))),
               second_hint='repeat the batch twice: the mean loss stays the same, yours doubles'),
        Mutant("mean_all", "sum over the K classes, then average over the m samples: np.mean of the whole (m, K) "
                           "array also divides by K", lambda P, Y: float(-np.mean(_ce_terms(P, Y))),
               second_hint='with K classes your loss is K times too small: average over the samples only'),
        Mutant("no_minus", "the loss is MINUS the mean log-probability of the true class: it is >= 0",
               lambda P, Y: float(np.sum(_ce_terms(P, Y)) / len(P)),
               second_hint='your loss is negative: the log of a probability is <= 0, so the loss is its opposite'),
        Mutant("binary_form", "with a softmax each sample contributes one term, -log P[i, true class]; the "
                              "(1 - Y) log(1 - P) term belongs to a single sigmoid output", _ce_binary_form,
               second_hint=('with a perfect prediction (P equal to Y) the loss is 0; yours is not when K > 2: only '
                            "the true class's term belongs to each sample")),
        Mutant("largest", "use the probability of the TRUE class (where Y is 1), not the largest predicted one",
               _ce_largest,
               second_hint=('try a wrong prediction, P = [[0.9, 0.1]] with Y = [[0, 1]]: its loss must be large, '
                            'yours is small')),
    ),
    # rtol 1e-6 accepts a small epsilon inside the log (np.log(P + 1e-10)), another valid way to stay finite
    arg_names=("P", "Y"), rtol=1e-6, atol=1e-9,
    requirements=(
        R("values", "return $L$ as a Python `float`", "Mean cross-entropy of predicted probabilities", by="values"),
        R("finite", "finite even when an entry of `P` is exactly 0", by="finite"),
        R("raises-shape", "If `Y` does not have the shape of `P`", "raise a `ValueError`: broadcasting would otherwise",
          by="raises-shape"),
    ),
)


# ----- softmax_cross_entropy_backward ---------------------------------------------------------------------------

def backward_cases(rng):
    cases = []
    for label, m, k in (("m = 1", 1, 10), ("two classes", int(rng.integers(3, 9)), 2),
                        ("random", int(rng.integers(5, 20)), int(rng.integers(3, 8))),
                        ("ten classes", int(rng.integers(20, 60)), 10)):
        cases.append(Case(f"{label}: P and Y of shape ({m}, {k})",
                          (A(_probabilities(rng, m, k)), A(_onehot(_labels(rng, m, k), k)))))
    return cases


SOFTMAX_CROSS_ENTROPY_BACKWARD = ExerciseSpec(
    "softmax_cross_entropy_backward", ASSIGNMENT, 1, "course_lib.softmax:softmax_cross_entropy_backward",
    backward_cases,
    mutants=(
        Mutant("not_averaged", "the loss is a MEAN over the m samples, so its gradient carries 1/m: (P - Y) / m",
               lambda P, Y: np.asarray(P, float) - np.asarray(Y, float),
               second_hint='repeat the batch twice: the gradient of each sample must halve, yours does not change'),
        Mutant("sign", "the gradient is (P - Y) / m: it is positive for the classes the network overrates",
               lambda P, Y: (np.asarray(Y, float) - np.asarray(P, float)) / len(P),
               second_hint='step Z - 0.1 * grad: the loss must go down, with yours it goes up'),
        Mutant("by_size", "divide by the number of samples m = P.shape[0], not by P.size = m K",
               lambda P, Y: (np.asarray(P, float) - np.asarray(Y, float)) / np.size(P),
               second_hint=('with K classes your gradient is K times too small: which number of things does the mean '
                            'run over?')),
        Mutant("jacobian_again", "the softmax's Jacobian is already inside (P - Y) / m: do not multiply by "
                                 "P (1 - P) as well",
               lambda P, Y: (np.asarray(P, float) - np.asarray(Y, float)) * np.asarray(P, float)
               * (1 - np.asarray(P, float)) / len(P),
               second_hint=('compare your gradient with a finite difference of the loss in Z: yours has an extra '
                            'factor')),
    ),
    arg_names=("P", "Y"), rtol=1e-9, atol=1e-12,
    requirements=(
        R("values", "Return $\\mathrm{d}Z = \\partial L / \\partial Z$", "dZ : ndarray of shape (m, K)", by="values"),
    ),
)


# ----- softmax_forward_and_backward -----------------------------------------------------------------------------

def network_cases(rng):
    cases = []
    for label, m, n0, n1, k in (("m = 1", 1, int(rng.integers(3, 10)), int(rng.integers(2, 6)), 3),
                                ("a single hidden unit", int(rng.integers(3, 12)), int(rng.integers(3, 10)), 1, 4),
                                ("random", int(rng.integers(5, 30)), int(rng.integers(5, 30)),
                                 int(rng.integers(3, 12)), int(rng.integers(2, 6))),
                                ("MNIST-like (14 x 14 pixels, 10 classes)", 16, 196, 8, 10)):
        X = rng.uniform(0, 1, (m, n0))
        Y = _onehot(_labels(rng, m, k), k)
        params = params_for(rng, [n0, n1, k], scale=0.5)
        cases.append(Case(f"{label}: layers [{n0}, {n1}, {k}], m = {m}", (A(X), A(Y), enc_dict(params))))
    return cases


def _network(X, Y, p, not_averaged=False, no_relu_grad=False, sum_loss=False, axis=1):
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    m = X.shape[0]
    Z1 = X @ p["theta_1"] + p["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ p["theta_2"] + p["b2"]
    E = np.exp(Z2 - Z2.max(axis=axis, keepdims=True))
    P = E / E.sum(axis=axis, keepdims=True)
    total = -float(np.sum(Y * np.log(np.clip(P, 1e-15, 1.0))))
    loss = total if sum_loss else total / m
    dZ2 = (P - Y) if not_averaged else (P - Y) / m
    dA1 = dZ2 @ p["theta_2"].T
    dZ1 = dA1 if no_relu_grad else dA1 * (Z1 > 0)
    return loss, {"dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0), "dtheta_2": A1.T @ dZ2, "db2": dZ2.sum(0)}


SOFTMAX_FORWARD_AND_BACKWARD = ExerciseSpec(
    "softmax_forward_and_backward", ASSIGNMENT, 3, "course_lib.softmax:softmax_forward_and_backward",
    network_cases,
    mutants=(
        Mutant("not_averaged", "the loss is the MEAN cross-entropy, so the gradient at the logits is (P - Y) / m",
               lambda X, Y, p: _network(X, Y, p, not_averaged=True),
               second_hint='repeat the batch twice: the gradients must stay the same, yours double'),
        Mutant("no_relu_grad", ("the gradients of the output layer are right, those of the first layer are not: between dA1 "
                                "and dZ1 the chain rule passes through the ReLU, and its derivative is missing"),
               lambda X, Y, p: _network(X, Y, p, no_relu_grad=True),
               second_hint=("the ReLU's derivative is 1 where its input Z1 was positive and 0 elsewhere: dZ1 is "
                            "dA1 with the entries of the inactive units set to 0")),
        Mutant("sum_loss", "the loss is the MEAN cross-entropy over the batch, not the sum",
               lambda X, Y, p: _network(X, Y, p, sum_loss=True),
               second_hint='repeat the batch twice: the mean loss stays the same, yours doubles'),
        Mutant("axis0", "the softmax normalises each ROW (one sample) over the K classes: axis=1",
               lambda X, Y, p: _network(X, Y, p, axis=0),
               second_hint="print the row sums of your probabilities: every sample's must be 1"),
    ),
    output_names=("loss", "grads"), arg_names=("X", "Y", "params"), rtol=1e-7, atol=1e-10, purity=True,
    requirements=(
        R("values", "Return `(loss, grads)`", "grads : dict with dtheta_1, db1, dtheta_2, db2", by="values"),
        R("pure", "Do not modify `params`", by="judge:purity"),
    ),
)

# ----- thinking questions ---------------------------------------------------------------------------------------

PREDICT_SOFTMAX_CHANGE = question(
    "predict_softmax_change", ASSIGNMENT, 1, "c", choice("a", "b", "c", "d"),
    hint="multiplying numerator and denominator by the same e^c changes nothing: softmax(z + c) = softmax(z) for "
         "any number c added to every logit of the row; which change is not of that kind?",
    description="which change of a row of logits changes its softmax",
)

PREDICT_LOGIT_GRADIENT = question(
    "predict_logit_gradient", ASSIGNMENT, 1, (-0.075, 0.0), several(entry=number(3), row_sum=number(3)),
    hint="combine -y_k / p_k with the Jacobian p_k (delta_kj - p_j), use sum_k y_k = 1, and remember that the loss is "
         "the MEAN over the m = 4 images",
    description="dZ[0, 1] and the sum of row 0 of dZ, derived before the exercise",
)

PREDICT_SOFTMAX_CHANGE = replace(PREDICT_SOFTMAX_CHANGE, requirements=(
    R("answer", "Which one changes that row's softmax?", by="judge:answer"),))
PREDICT_LOGIT_GRADIENT = replace(PREDICT_LOGIT_GRADIENT, requirements=(
    R("answer", "Using the gradient you derived on paper, what are", "Return both, rounded to 3 decimals",
      by="judge:answer"),))

SPECS = [ONE_HOT, PREDICT_SOFTMAX_CHANGE, SOFTMAX, CROSS_ENTROPY, PREDICT_LOGIT_GRADIENT, SOFTMAX_CROSS_ENTROPY_BACKWARD,
         SOFTMAX_FORWARD_AND_BACKWARD]
