"""08_relu_mse_mnist: relu, relu_backward, mse, mse_backward, linear_backward, forward_and_backward."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, Mutant, R
from ._gen import enc_dict, params_for

ASSIGNMENT = "08_relu_mse_mnist"


def _with_zeros(rng, shape):
    """Positive, negative and exactly-zero entries (relu'(0) = 0 by convention), in a random arrangement."""
    v = np.abs(rng.normal(0, 1, int(np.prod(shape)))) + 0.05
    v[1::3] *= -1.0
    v[::3] = 0.0
    return rng.permutation(v).reshape(shape)


# ----- relu -----------------------------------------------------------------------------------------------------

def relu_cases(rng):
    m, n = int(rng.integers(2, 8)), int(rng.integers(2, 8))
    return [
        Case(f"a matrix ({m}, {n}) with negative entries and exact zeros", (A(_with_zeros(rng, (m, n))),)),
        Case("all negative", (A(-rng.uniform(0.1, 5, (3, 2))),)),
        Case("a vector", (A(rng.normal(0, 3, int(rng.integers(2, 9)))),)),
        Case("m = 1", (A(rng.normal(0, 1, (1, 4))),)),
        Case("large values +-1e3", (A([[-1e3, 1e3, -0.0, 0.0]]),)),
    ]


RELU = ExerciseSpec(
    "relu", ASSIGNMENT, 1, "course_lib.activations:relu", relu_cases,
    mutants=(
        Mutant("abs", "ReLU sets negative inputs to 0; np.abs flips their sign instead", lambda Z: np.abs(Z),
               second_hint='relu(-3) must be 0; yours is 3'),
        Mutant("min", "relu(Z) = max(Z, 0): keep the positive part", lambda Z: np.minimum(Z, 0.0),
               second_hint='relu(3) must be 3 and relu(-3) 0; yours keeps the negative part'),
        Mutant("mask", "return the values max(Z, 0), not the boolean mask Z > 0", lambda Z: np.asarray(Z) > 0,
               second_hint=('print relu(np.array([2.0, -1.0])): [2.0, 0.0] is expected, yours gives True/False (or '
                            '1/0)')),
        Mutant("leaky", "plain ReLU outputs exactly 0 for negative inputs (this is a leaky ReLU)",
               lambda Z: np.where(np.asarray(Z) > 0, Z, 0.01 * np.asarray(Z)),
               second_hint='relu(-3) must be exactly 0.0; yours is a small negative number'),
    ),
    arg_names=("Z",), rtol=0.0, atol=0.0, purity=True,
    requirements=(
        R("values", "element-wise; any shape; return a new float array", "float ndarray of the same shape", by="values"),
        R("pure", "do not modify `Z`", by="judge:purity"),
    ),
)


# ----- relu_backward --------------------------------------------------------------------------------------------

def relu_backward_cases(rng):
    cases = []
    for label, shape in (("random with exact zeros in Z", (int(rng.integers(2, 7)), int(rng.integers(2, 6)))),
                         ("m = 1", (1, int(rng.integers(2, 6)))), ("a single unit", (int(rng.integers(2, 7)), 1))):
        cases.append(Case(label, (A(rng.normal(0, 1, shape)), A(_with_zeros(rng, shape)))))
    m = int(rng.integers(2, 6))
    cases.append(Case(f"dA ({m}, 1) with Z ({m},)", (A(rng.normal(0, 1, (m, 1))), A(_with_zeros(rng, (m,)))),
                      grades="raises-shapes", options={"raises_because": "dA and Z have different shapes: dA * (Z > 0) "
                                                                         "would broadcast (m, 1) and (m,) to (m, m)"}))
    return cases


RELU_BACKWARD = ExerciseSpec(
    "relu_backward", ASSIGNMENT, 1, "course_lib.relu_mse:relu_backward", relu_backward_cases,
    mutants=(
        Mutant("ge", "the gradient at Z == 0 is 0 in this course: use Z > 0, not Z >= 0",
               lambda dA, Z: dA * (np.asarray(Z) >= 0),
               second_hint='try Z = [0.0] with dA = [1.0]: the gradient there is 0.0 in this course; yours is 1.0'),
        Mutant("no_dA", "multiply the upstream gradient dA by the mask (Z > 0): chain rule",
               lambda dA, Z: (np.asarray(Z) > 0).astype(float),
               second_hint='multiply dA by 2: the gradient must double, yours does not change'),
        Mutant("times_Z", "the ReLU's derivative is 1 where Z > 0 and 0 elsewhere, not Z itself",
               lambda dA, Z: dA * np.maximum(Z, 0),
               second_hint='try Z = [3.0] with dA = [1.0]: the gradient is 1.0, yours is 3.0'),
        Mutant("relu_of_dA", "mask with the forward input Z, not with the sign of dA",
               lambda dA, Z: np.maximum(dA, 0.0),
               second_hint=('try Z = [-1.0] with dA = [5.0]: the unit was off, so the gradient is 0.0; yours looks at'
                            " dA's sign")),
    ),
    arg_names=("dA", "Z"), rtol=0.0, atol=0.0,
    requirements=(
        R("values", "return $\\mathrm{d}Z = \\mathrm{d}A \\odot \\mathbb 1[Z > 0]$ (0 at $Z = 0$)", by="values"),
        R("raises-shapes", "Raise a `ValueError` if the shapes differ", by="raises-shapes"),
    ),
)


# ----- mse / mse_backward ---------------------------------------------------------------------------------------

def mse_cases(rng):
    cases = []
    for label, m in (("m = 1", 1), ("random", int(rng.integers(3, 30))), ("random", int(rng.integers(30, 80)))):
        cases.append(Case(f"{label} (m = {m})", (A(rng.normal(0, 2, (m, 1))), A(rng.normal(0, 2, (m, 1))))))
    t = rng.normal(0, 1, (5, 1))
    cases.append(Case("a perfect prediction", (A(t), A(t.copy()))))
    m = int(rng.integers(3, 9))
    out, target = rng.normal(0, 2, (m, 1)), rng.normal(0, 2, (m, 1))
    why = "out - target with shapes (m, 1) and (m,) broadcasts to an (m, m) matrix: a plausible-looking wrong number"
    cases += [
        Case(f"target flat of shape ({m},)", (A(out), A(target.ravel())), grades="raises-shapes",
             options={"raises_because": f"target must be a column (m, 1): {why}"}),
        Case(f"out flat of shape ({m},)", (A(out.ravel()), A(target)), grades="raises-shapes",
             options={"raises_because": f"out must be a column (m, 1): {why}"}),
        Case(f"out ({m}, 1) with target ({m + 1}, 1)", (A(out), A(rng.normal(0, 2, (m + 1, 1)))),
             grades="raises-shapes", options={"raises_because": "out and target must have the same m"}),
    ]
    return cases


def _d(out, target):
    return np.asarray(out, float) - np.asarray(target, float)


MSE = ExerciseSpec(
    "mse", ASSIGNMENT, 1, "course_lib.losses:mse", mse_cases,
    mutants=(
        Mutant("sum", "the loss is the MEAN of the squared errors, not their sum",
               lambda o, t: float(np.sum(_d(o, t) ** 2)),
               second_hint='repeat a batch twice: the mean squared error stays the same, yours doubles'),
        Mutant("half", "this course's MSE is mean((out - target)**2), without a factor 1/2",
               lambda o, t: float(0.5 * np.mean(_d(o, t) ** 2)),
               second_hint='your loss is exactly half of the expected one: look for a factor in your formula'),
        Mutant("rmse", "no square root: that would be the RMSE", lambda o, t: float(np.sqrt(np.mean(_d(o, t) ** 2))),
               second_hint='your loss is the square root of the expected one'),
        Mutant("abs", "square the errors (that is the mean absolute error)", lambda o, t: float(np.mean(np.abs(_d(o, t)))),
               second_hint='with every error equal to 2 your loss is 2, not 4: the errors are squared'),
        Mutant("square_of_mean", "square first, then average: mean((out - target)**2), not mean(out - target)**2",
               lambda o, t: float(np.mean(_d(o, t)) ** 2),
               second_hint='with errors +1 and -1 your loss is 0, not 1: each error is squared before the average'),
    ),
    arg_names=("out", "target"), rtol=1e-9, atol=1e-12,
    requirements=(
        R("values", "The mean of $(\\hat y_i - y_i)^2$ as a Python `float`", "out (m, 1), target (m, 1) -> float",
          by="values"),
        R("raises-shapes", "Both arguments must be columns $(m, 1)$ with the same $m$",
          "raise a `ValueError` otherwise", "The check is not pedantry",
          "forget the squeeze and `out - targ` with shapes", by="raises-shapes"),
    ),
)

MSE_BACKWARD = ExerciseSpec(
    "mse_backward", ASSIGNMENT, 1, "course_lib.losses:mse_backward", mse_cases,
    mutants=(
        Mutant("no_2", "the derivative of (out - target)**2 is 2 (out - target): the factor 2 is missing",
               lambda o, t: _d(o, t) / len(o),
               second_hint='compare with a finite difference of mse: your gradient is exactly half of it'),
        Mutant("no_m", "the loss is a mean over m samples, so its gradient is divided by m",
               lambda o, t: 2 * _d(o, t),
               second_hint='repeat the batch twice: the gradient of each sample must halve, yours does not change'),
        Mutant("sign", "the gradient with respect to out is 2 (out - target) / m, not 2 (target - out) / m",
               lambda o, t: -2 * _d(o, t) / len(o),
               second_hint='step out - 0.1 * grad: the loss must go down, with yours it goes up'),
        Mutant("flat", "return the gradient with the shape of out, (m, 1)", lambda o, t: (2 * _d(o, t) / len(o)).ravel(),
               second_hint='print the .shape of what you return: (m, 1), like out, is expected'),
    ),
    arg_names=("out", "target"), rtol=1e-9, atol=1e-12,
    requirements=(
        R("values", "dL/dout of the mean squared error", by="values"),
        R("raises-shapes", "with the same shape checks as `mse`", by="raises-shapes"),
    ),
)


# ----- linear_backward ------------------------------------------------------------------------------------------

def linear_backward_cases(rng):
    cases = []
    for label, m, n_in, n_out in (("m = 1", 1, int(rng.integers(2, 6)), int(rng.integers(2, 5))),
                                  ("a single unit", int(rng.integers(3, 9)), int(rng.integers(2, 6)), 1),
                                  ("square theta", int(rng.integers(3, 9)), 4, 4),
                                  ("random", int(rng.integers(5, 20)), int(rng.integers(2, 8)),
                                   int(rng.integers(2, 6)))):
        cases.append(Case(f"{label}: A_prev ({m}, {n_in}), theta ({n_in}, {n_out})",
                          (A(rng.normal(0, 1, (m, n_out))), A(rng.normal(0, 1, (m, n_in))),
                           A(rng.normal(0, 1, (n_in, n_out))))))
    m, n_in, n_out = int(rng.integers(3, 7)), int(rng.integers(2, 5)), int(rng.integers(2, 5))
    cases += [
        Case(f"A_prev ({m}, {n_in + 1}) with theta ({n_in}, {n_out})",
             (A(rng.normal(0, 1, (m, n_out))), A(rng.normal(0, 1, (m, n_in + 1))), A(rng.normal(0, 1, (n_in, n_out)))),
             grades="raises-shapes", options={"raises_because": "A_prev.shape[1] must equal theta.shape[0]"}),
        Case(f"dZ ({m + 1}, {n_out}) with A_prev ({m}, {n_in})",
             (A(rng.normal(0, 1, (m + 1, n_out))), A(rng.normal(0, 1, (m, n_in))), A(rng.normal(0, 1, (n_in, n_out)))),
             grades="raises-shapes", options={"raises_because": "dZ must have one row per row of A_prev"}),
    ]
    return cases


def _lb(dZ, A_prev, theta, avg=False, trans=False, keep=False, no_T=False):
    dZ, A_prev, theta = (np.asarray(x, float) for x in (dZ, A_prev, theta))
    s = dZ.shape[0] if avg else 1.0
    dtheta = (dZ.T @ A_prev if trans else A_prev.T @ dZ) / s
    db = dZ.sum(axis=0, keepdims=keep) / s
    dA = dZ @ theta if no_T else dZ @ theta.T
    return dA, dtheta, db


LINEAR_BACKWARD = ExerciseSpec(
    "linear_backward", ASSIGNMENT, 2, "course_lib.relu_mse:linear_backward", linear_backward_cases,
    mutants=(
        Mutant("averaged", "linear_backward SUMS over the batch; the 1/m is already in dZ (from mse_backward)",
               lambda dZ, A_prev, theta: _lb(dZ, A_prev, theta, avg=True),
               second_hint=('compare your dtheta with A_prev.T times dZ summed over the batch: yours is m times '
                            'smaller, so the mean is taken twice')),
        Mutant("transposed", "dtheta = A_prev.T @ dZ has theta's shape (n_in, n_out)",
               lambda dZ, A_prev, theta: _lb(dZ, A_prev, theta, trans=True),
               second_hint='print dtheta.shape next to theta.shape: they must be equal'),
        Mutant("keepdims", "db has b's shape (n_out,): sum over axis 0 without keepdims",
               lambda dZ, A_prev, theta: _lb(dZ, A_prev, theta, keep=True),
               second_hint='print db.shape next to b.shape: they must be equal'),
        Mutant("no_transpose", "dA_prev = dZ @ theta.T (theta transposed)",
               lambda dZ, A_prev, theta: _lb(dZ, A_prev, theta, no_T=True),
               second_hint=('print dA_prev.shape next to A_prev.shape: they must be equal; check the order and '
                            'orientation of the product')),
    ),
    output_names=("dA_prev", "dtheta", "db"), arg_names=("dZ", "A_prev", "theta"), rtol=1e-9, atol=1e-12,
    requirements=(
        R("values", "Return the tuple `(dA_prev, dtheta, db)`", "**sums** over the batch", by="values"),
        R("raises-shapes", "Raise a `ValueError` when the shapes do not fit together", by="raises-shapes"),
    ),
)


# ----- forward_and_backward -------------------------------------------------------------------------------------

def fb_cases(rng):
    cases = []
    for label, m, n0, n1 in (("m = 1", 1, int(rng.integers(3, 10)), int(rng.integers(2, 6))),
                             ("a single hidden unit", int(rng.integers(3, 12)), int(rng.integers(3, 10)), 1),
                             ("random", int(rng.integers(5, 30)), int(rng.integers(5, 30)), int(rng.integers(3, 12))),
                             ("MNIST-like (14 x 14 pixels)", 16, 196, 8)):
        X = rng.uniform(0, 1, (m, n0))
        y = rng.integers(0, 10, (m, 1)).astype(float)
        params = params_for(rng, [n0, n1, 1], scale=0.5)
        cases.append(Case(f"{label}: layers [{n0}, {n1}, 1], m = {m}", (A(X), A(y), enc_dict(params))))
    m, n0, n1 = int(rng.integers(3, 9)), int(rng.integers(3, 8)), int(rng.integers(2, 5))
    cases.append(Case(f"y flat of shape ({m},)", (A(rng.uniform(0, 1, (m, n0))),
                                                  A(rng.integers(0, 10, m).astype(float)),
                                                  enc_dict(params_for(rng, [n0, n1, 1], scale=0.5))),
                      grades="raises-flat-y",
                      options={"raises_because": "y must be a column (m, 1): out - y with out (m, 1) and y (m,) "
                                                 "broadcasts to (m, m), and loss and gradients are silently wrong"}))
    return cases


def _fb(X, y, p, no_relu_grad=False, no_2=False, sum_loss=False, sign=1.0):
    X, y = np.asarray(X, float), np.asarray(y, float)
    m = X.shape[0]
    Z1 = X @ p["theta_1"] + p["b1"]
    A1 = np.maximum(Z1, 0)
    out = A1 @ p["theta_2"] + p["b2"]
    loss = float(np.sum((out - y) ** 2)) if sum_loss else float(np.mean((out - y) ** 2))
    dout = sign * (1.0 if no_2 else 2.0) * (out - y) / m
    dA1 = dout @ p["theta_2"].T
    dZ1 = dA1 if no_relu_grad else dA1 * (Z1 > 0)
    return loss, {"dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0), "dtheta_2": A1.T @ dout, "db2": dout.sum(0)}


FORWARD_AND_BACKWARD = ExerciseSpec(
    "forward_and_backward", ASSIGNMENT, 3, "course_lib.relu_mse:forward_and_backward", fb_cases,
    mutants=(
        Mutant("no_relu_grad", ("the gradients of the output layer are right, those of the first layer are not: between dA1 "
                                "and dZ1 the chain rule passes through the ReLU, and its derivative is missing"),
               lambda X, y, p: _fb(X, y, p, no_relu_grad=True),
               second_hint=("the ReLU's derivative is 1 where its input Z1 was positive and 0 elsewhere: dZ1 is "
                            "dA1 with the entries of the inactive units set to 0")),
        Mutant("no_2", "d/d out of mean((out - y)**2) is 2 (out - y) / m: the factor 2 is missing",
               lambda X, y, p: _fb(X, y, p, no_2=True),
               second_hint='compare your gradients with finite differences of your loss: they are exactly half'),
        Mutant("sum_loss", "the loss is the MEAN squared error over the batch, not the sum",
               lambda X, y, p: _fb(X, y, p, sum_loss=True),
               second_hint='repeat the batch twice: the mean squared error stays the same, yours doubles'),
        Mutant("sign", "the gradients point the wrong way: dout = 2 (out - y) / m",
               lambda X, y, p: _fb(X, y, p, sign=-1.0),
               second_hint='step params - 0.01 * grads: the loss must go down, with yours it goes up'),
    ),
    output_names=("loss", "grads"), arg_names=("X", "y", "params"), rtol=1e-7, atol=1e-10,
    requirements=(
        R("values", "Return `(loss, grads)`", "Returns loss (float) and grads",
          "Loss and gradients of the [n0, n1, 1] ReLU network with mean squared error", by="values"),
        R("raises-flat-y", "`y` must be a column", "raise a `ValueError` for a flat $(m,)$ vector", by="raises-flat-y"),
    ),
)

SPECS = [RELU, RELU_BACKWARD, MSE, MSE_BACKWARD, LINEAR_BACKWARD, FORWARD_AND_BACKWARD]
