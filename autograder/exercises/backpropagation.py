"""03_backpropagation: binary_cross_entropy, backward_propagation, numerical_gradient, relative_error,
update_params."""

from __future__ import annotations

import math

import numpy as np

from ..encode import function_arg
from ..results import Case
from . import A, ExerciseSpec, Mutant, R, S
from ._gen import enc_dict, labels, network_shapes, params_for

ASSIGNMENT = "03_backpropagation"


# ----- binary_cross_entropy -------------------------------------------------------------------------------------

def bce_cases(rng):
    cases = []
    for label, m in (("m = 1", 1), ("random", int(rng.integers(4, 20))), ("random", int(rng.integers(20, 60)))):
        Y = labels(rng, m)
        cases.append(Case(f"{label} (m = {m})", (A(Y), A(rng.uniform(0.02, 0.98, (m, 1))))))
    m = int(rng.integers(4, 10))
    Y = labels(rng, m)
    cases.append(Case("h exactly 0 or 1, all correct", (A(Y), A(Y.copy())), grades="clip",
                      options={"rule": "finite_between", "lo": -1e-6, "hi": 1e-5,
                               "why": "every prediction is certain and right, so the cost is (almost) 0; clipping "
                                      "h keeps it finite"}))
    # one certain and WRONG prediction: the value depends on the clipping constant; accept any sensible clipping
    m = int(rng.integers(4, 10))
    Y = labels(rng, m)
    h = rng.uniform(0.05, 0.95, (m, 1))
    h[0, 0] = 1.0  # Y[0] = 0: confidently wrong
    rest = -np.sum(Y[1:] * np.log(h[1:]) + (1 - Y[1:]) * np.log(1 - h[1:]))
    lo, hi = float((rest - math.log(1e-5)) / m), float((rest - math.log(1e-17)) / m)
    cases.append(Case("h exactly 1 where Y = 0", (A(Y), A(h)), grades="clip",
                      options={"rule": "finite_between", "lo": lo, "hi": hi,
                               "why": "a certain and wrong prediction costs a large but finite amount once h is "
                                      "clipped"}))
    m = int(rng.integers(3, 8))
    Y, h = labels(rng, m), rng.uniform(0.05, 0.95, (m, 1))
    why = ("mixing (m,) and (m, 1) broadcasts Y * log(h) to an (m, m) matrix, whose mean is a wrong number "
           "that looks plausible")
    cases += [
        Case(f"Y flat of shape ({m},), h ({m}, 1)", (A(Y.ravel()), A(h)), grades="raises-shapes",
             options={"raises_because": f"Y must be a column (m, 1): {why}", "names_one_of": [[m]]}),
        Case(f"h flat of shape ({m},), Y ({m}, 1)", (A(Y), A(h.ravel())), grades="raises-shapes",
             options={"raises_because": f"h must be a column (m, 1): {why}", "names_one_of": [[m]]}),
        Case(f"Y ({m}, 1) with h ({m + 1}, 1)", (A(Y), A(rng.uniform(0.05, 0.95, (m + 1, 1)))), grades="raises-shapes",
             options={"raises_because": "Y and h must have the same number of rows",
                      "names_one_of": [[m, 1], [m + 1, 1]]}),
    ]
    return cases


def _bce_terms(Y, h):
    hc = np.clip(np.asarray(h, float), 1e-15, 1 - 1e-15)
    return np.asarray(Y, float) * np.log(hc) + (1 - np.asarray(Y, float)) * np.log(1 - hc)


def _bce_clip_in_place(Y, h):
    np.clip(h, 1e-15, 1 - 1e-15, out=h)
    return float(-np.mean(_bce_terms(Y, h)))


def _bce_no_clip(Y, h):
    with np.errstate(all="ignore"):
        return float(-np.mean(Y * np.log(h) + (1 - Y) * np.log(1 - h)))


BINARY_CROSS_ENTROPY = ExerciseSpec(
    "binary_cross_entropy", ASSIGNMENT, 2, "course_lib.losses:binary_cross_entropy", bce_cases,
    mutants=(
        Mutant("no_minus", "the cost is MINUS the mean log-likelihood: it is positive, and smaller is better",
               lambda Y, h: float(np.mean(_bce_terms(Y, h))),
               second_hint=('your cost is negative: the log of a probability is <= 0, so the mean log-likelihood is '
                            '<= 0 and the cost is its opposite')),
        Mutant("sum", "the cost is the MEAN over the batch, not the sum (divide by m)",
               lambda Y, h: float(-np.sum(_bce_terms(Y, h))),
               second_hint=('your cost grows with the number of samples (repeat a batch twice and it doubles): the '
                            'cost is the average per sample')),
        Mutant("one_term", "both terms are needed: Y log h + (1 - Y) log(1 - h)",
               lambda Y, h: float(-np.mean(np.asarray(Y) * np.log(np.clip(h, 1e-15, 1)))),
               second_hint=('with every label 1 (or every label 0) your cost is right, with the other label it is '
                            'not: the samples of one label contribute nothing')),
        Mutant("inverted", "label 1 goes with log(h) and label 0 with log(1 - h)",
               lambda Y, h: float(-np.mean(_bce_terms(1 - np.asarray(Y, float), h))),
               second_hint=('a confident right prediction (h close to Y) must cost almost nothing; with your formula '
                            'it costs a lot: check which label goes with which log')),
        Mutant("matrix", "a product of an (m, 1) transposed with an (m, 1) column is a (1, 1) array, not a number: "
                         "the exercise asks for a Python float",
               lambda Y, h: -(np.asarray(Y).T @ np.log(np.clip(h, 1e-15, 1 - 1e-15))
                              + (1 - np.asarray(Y)).T @ np.log(1 - np.clip(h, 1e-15, 1 - 1e-15))) / len(Y),
               second_hint=('print the type and the shape of what you return: a (1, 1) array is not a number, and the'
                            ' exercise asks for a Python float')),
        Mutant("no_clip", "log(0) is -inf (and 0 * -inf is nan): a prediction of exactly 0 or 1 must never reach "
                          "the log; re-read the exercise's sentence on clipping", _bce_no_clip,
               second_hint=('try Y = [[1]] with h = [[0.0]]: your cost is inf or nan; the clipping must happen before'
                            ' the log')),
        Mutant("clip_in_place", "np.clip(h, ..., out=h) (or h[h < eps] = eps) clips the CALLER's array: clip into a "
                                "new array", _bce_clip_in_place,
               second_hint=("print the caller's h before and after calling your function: it changed; the clipped "
                            'values belong in a new array')),
    ),
    # rtol 1e-6 accepts a small epsilon inside the log (np.log(h + 1e-8)), another valid way to stay finite
    arg_names=("Y", "h"), rtol=1e-6, atol=1e-9, purity=True,
    requirements=(
        R("values", "returning the mean cost as a Python `float`", by="values"),
        R("clip", "Clip `h` to", "with h clipped to [1e-15, 1 - 1e-15]", by="clip"),
        R("pure", "without modifying the caller's array", by="judge:purity"),
        R("raises-shapes", "Both arguments must be columns of shape", "raise a `ValueError` naming the shapes otherwise",
          by="raises-shapes"),
    ),
)


# ----- backward_propagation -------------------------------------------------------------------------------------

def backward_cases(rng):
    from course_lib.network import forward_propagation
    cases = []
    for label, m, layers in network_shapes(rng, depth_max=4):
        layers = layers[:-1] + [1]                      # one output unit (the cost compares it with Y)
        X = rng.normal(0, 1, (m, layers[0]))
        Y = labels(rng, m)
        params = params_for(rng, layers)
        _, cache = forward_propagation(X, params)
        cases.append(Case(f"{label}: layers {layers}, m = {m}",
                          (A(X), A(Y), enc_dict(params), enc_dict(cache)),
                          grades="depth" if len(layers) > 3 else "values"))
    m, layers = int(rng.integers(3, 8)), [int(rng.integers(2, 5)), int(rng.integers(2, 5)), 1]
    X, Y, params = rng.normal(0, 1, (m, layers[0])), labels(rng, m), params_for(rng, layers)
    _, cache = forward_propagation(X, params)
    cases.append(Case(f"Y flat of shape ({m},)", (A(X), A(Y.ravel()), enc_dict(params), enc_dict(cache)),
                      grades="raises-flat-Y",
                      options={"raises_because": "Y must be a column (m, 1): h - Y with h (m, 1) and Y (m,) "
                                                 "broadcasts to an (m, m) matrix and every gradient is wrong"}))
    return cases


def _backward_variant(X, Y, params, cache, scale=None, sign=1.0, no_deriv=False, transpose=False,
                      db_keepdims=False, db_unsummed=False, from_z=False, two_layers=False):
    """The reference's backward pass for any depth, with one misconception switched on."""
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    m = X.shape[0]
    L = 2 if two_layers else sum(1 for k in params if k.startswith("theta_"))
    dZ = sign * (cache[f"A{L}"] - Y) / (m if scale is None else scale)
    grads = {}
    for l in range(L, 0, -1):
        A_prev = cache[f"A{l - 1}"] if l > 1 else X
        dtheta = A_prev.T @ dZ
        grads[f"dtheta_{l}"] = dtheta.T if transpose else dtheta
        grads[f"db{l}"] = dZ if db_unsummed else dZ.sum(axis=0, keepdims=db_keepdims)
        if l > 1:
            dA = dZ @ params[f"theta_{l}"].T
            if no_deriv:
                dZ = dA
            elif from_z:   # sigma'(Z) written as A * (1 - A) but fed with Z instead of A
                Z = cache[f"Z{l - 1}"]
                dZ = dA * Z * (1 - Z)
            else:
                dZ = dA * A_prev * (1 - A_prev)
    return {k: grads[k] for k in sorted(grads, key=lambda k: (int(k.lstrip("dthetab_")), k.startswith("db")))}


BACKWARD_PROPAGATION = ExerciseSpec(
    "backward_propagation", ASSIGNMENT, 4, "course_lib.network:backward_propagation", backward_cases,
    mutants=(
        Mutant("summed", "your gradients are m times too large: the cost is a MEAN over the batch, so the error at "
                         "the output layer carries a 1/m; look at where your backward pass starts",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, scale=1.0),
               second_hint=('grade your function on a batch and on the same batch repeated twice: the gradients of a '
                            'mean cost are equal, yours double; the 1/m belongs to the first dZ, at the output layer')),
        Mutant("sign", "the signs are flipped (that is gradient ascent): dZ_L = h - Y, not Y - h",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, sign=-1.0),
               second_hint=('take a small step params - learning_rate * grads: the cost must go down, with your '
                            "gradients it goes up; check the sign of the output layer's dZ")),
        Mutant("no_sigmoid_derivative", "going back through a hidden layer's sigmoid multiplies by its derivative "
                                        "(chain rule): that factor is missing between dA and dZ",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, no_deriv=True),
               second_hint=('the gradients of the last layer are right, those of the earlier layers are not: between '
                            "a hidden layer's dA and its dZ the chain rule passes through that layer's activation")),
        Mutant("transposed", "dtheta_l = A_{l-1}.T @ dZ_l has the shape of theta_l (n_{l-1}, n_l); yours is "
                             "transposed", lambda X, Y, p, c: _backward_variant(X, Y, p, c, transpose=True),
               second_hint=('print dtheta_l.shape next to theta_l.shape for every l: they must be equal; in the '
                            'product that gives dtheta_l the previous activations come first, transposed')),
        Mutant("db_keepdims", "db_l has the shape of b_l, (n_l,): sum over the samples without keepdims",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, db_keepdims=True),
               second_hint=('print db_l.shape next to b_l.shape: they must be equal; your sum over the samples keeps '
                            'an extra axis')),
        Mutant("db_unsummed", "db_l sums dZ_l over the samples (axis=0)",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, db_unsummed=True),
               second_hint="db_l has one entry per unit, not one per sample and unit: compare its shape with b_l's"),
        Mutant("sigma_prime_from_Z", "sigma'(Z) = A * (1 - A) needs the layer's ACTIVATION A = sigmoid(Z): your "
                                     "derivative is computed from the pre-activation Z. Check which cache entry "
                                     "feeds the derivative", lambda X, Y, p, c: _backward_variant(X, Y, p, c,
                                                                                                 from_z=True),
               second_hint=('print the values your derivative is computed from: activations all lie in (0, 1), pre-'
                            "activations do not; read the cache entry of the layer's A")),
        Mutant("two_layers_only", "your gradients stop after theta_2: loop over every layer in params, from L down to "
                                  "1 (a network may have more than one hidden layer)",
               lambda X, Y, p, c: _backward_variant(X, Y, p, c, two_layers=True),
               second_hint=('try a network of three layers (theta_1 to theta_3): the gradients of its first layer are'
                            ' missing; the loop must visit every l from L down to 1')),
    ),
    arg_names=("X", "Y", "params", "cache"), output_names=("grads",), rtol=1e-6, atol=1e-10, purity=True,
    requirements=(
        R("values", "returning the dict of gradients", "the shapes of the params", by="values"),
        R("depth", "a loop over the layers from $L$ down to 1 handles any depth", by="depth"),
        R("raises-flat-Y", "Raise a `ValueError` when `Y` is not a column of shape", by="raises-flat-Y"),
        R("pure", "Do not modify any argument", by="judge:purity"),
    ),
)


# ----- numerical_gradient ---------------------------------------------------------------------------------------

def numgrad_cases(rng):
    cases = []
    for label, shape in (("x of shape (1, 1)", (1, 1)), ("x of shape (4,)", (4,)), ("x of shape (2, 3)", (2, 3))):
        f = function_arg("sin_quad", w=rng.uniform(0.5, 2.0, shape), v=rng.uniform(0.5, 2.0, shape))
        cases.append(Case(f"f(x) = sum(sin(w x)) + ...; {label}", (f, A(rng.normal(0, 1, shape)), S(1e-5))))
    n = int(rng.integers(2, 5))
    X = rng.normal(0, 1, (12, n))
    y = np.where(rng.random(12) < 0.5, -1.0, 1.0)
    cases.append(Case(f"logistic loss of theta ({n},)", (function_arg("logistic", X=X, y=y),
                                                        A(rng.normal(0, 1, n)), S(1e-5))))
    cases.append(Case("cubic f, default eps", (function_arg("cubic", a=rng.uniform(-1, 1, (3,))),
                                               A(rng.normal(0, 1, 3)))))
    return cases


def _numgrad_forward(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    g, fx = np.zeros_like(x), f(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += eps
        g[i] = (f(xp) - fx) / eps
    return g


def _numgrad_scaled(f, x, eps=1e-5, div=1.0):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (div * eps)
    return g


def _numgrad_in_place(f, x, eps=1e-5):
    g = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += eps
        fp = f(x)
        x[i] -= 2 * eps
        fm = f(x)
        x[i] += eps
        g[i] = (fp - fm) / (2 * eps)
    return g


NUMERICAL_GRADIENT = ExerciseSpec(
    "numerical_gradient", ASSIGNMENT, 2, "course_lib.gradcheck:numerical_gradient", numgrad_cases,
    mutants=(
        Mutant("forward", "use CENTRAL differences (f(x + eps) - f(x - eps)) / (2 eps): forward differences are "
                          "only accurate to O(eps)", _numgrad_forward,
               second_hint=('on f(x) = x**3 at x = 1 your estimate is off by about 3 eps: it looks at f on one side '
                            'of x only')),
        Mutant("eps_not_2eps", "the central difference divides by 2 * eps (the distance between x - eps and "
                               "x + eps); your gradient is twice too large",
               lambda f, x, eps=1e-5: _numgrad_scaled(f, x, eps, 1.0),
               second_hint=('on f(x) = x**2 at x = 1 your estimate is 4 instead of 2: divide by the distance between '
                            'the two points where you evaluated f')),
        Mutant("in_place", "x must be unchanged afterwards: adding and subtracting eps in place does not restore "
                           "it exactly in floating point; perturb a copy, or save x[i] and put it back",
               _numgrad_in_place,
               second_hint=('compare x before and after your function with np.array_equal: adding and then '
                            'subtracting eps leaves rounding errors behind; restore the value you saved')),
    ),
    purity=True, arg_names=("f", "x", "eps"), rtol=1e-7, atol=1e-8,
    requirements=(
        R("values", "return the central-difference gradient, an array shaped like `x`",
          "visits every entry of an array of any shape", "x : ndarray of any shape", by="values"),
        R("pure", "the caller's array must be unchanged afterwards", by="judge:purity"),
    ),
)


# ----- relative_error -------------------------------------------------------------------------------------------

def relerr_cases(rng):
    shape = (int(rng.integers(2, 5)), int(rng.integers(2, 5)))
    a = rng.normal(0, 1, shape)
    v = rng.normal(0, 1, int(rng.integers(2, 9)))
    return [
        Case("random matrices", (A(a), A(rng.normal(0, 1, shape)))),
        Case("close vectors", (A(v), A(v + rng.normal(0, 1e-6, v.shape)))),
        Case("equal arrays", (A(a), A(a.copy())))
        , Case("both zero", (A(np.zeros(shape)), A(np.zeros(shape)))),
        Case("one zero", (A(np.zeros(3)), A(rng.normal(0, 1, 3)))),
        Case("a (3,) against a (3, 1) array", (A(v[:3]), A(v[:3].reshape(-1, 1))), grades="raises-shapes",
             options={"raises_because": "the shapes differ: a - b would broadcast (3,) and (3, 1) to a (3, 3) array"}),
        Case("different lengths", (A(np.ones(3)), A(np.ones(4))), grades="raises-shapes",
             options={"raises_because": "a and b have different shapes"}),
    ]


def _relerr_var(a, b, kind):
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = np.linalg.norm(a - b)
    if kind == "no_denominator":
        return float(d)
    if kind == "max":
        den = np.max(np.abs(a)) + np.max(np.abs(b))
        return float(np.max(np.abs(a - b)) / den) if den else 0.0
    if kind == "no_zero_guard":
        with np.errstate(all="ignore"):
            return float(d / (np.linalg.norm(a) + np.linalg.norm(b)))
    if kind == "norm_of_sum":
        s = np.linalg.norm(a + b)
        return float(d / s) if s else 0.0
    raise ValueError(kind)


RELATIVE_ERROR = ExerciseSpec(
    "relative_error", ASSIGNMENT, 1, "course_lib.gradcheck:relative_error", relerr_cases,
    mutants=(
        Mutant("no_denominator", "divide by ||a|| + ||b||: the relative error is scale-free",
               lambda a, b: _relerr_var(a, b, "no_denominator"),
               second_hint='multiply both a and b by 1000: a relative error does not change, yours grows 1000 times'),
        Mutant("max", "use the Frobenius norm (np.linalg.norm of the whole array), not the largest entry",
               lambda a, b: _relerr_var(a, b, "max"),
               second_hint=('change one entry of b a little: your error ignores how large the other entries are; the '
                            'norm runs over every entry')),
        Mutant("no_zero_guard", "when a and b are both zero the relative error is 0.0 (avoid 0 / 0 = nan)",
               lambda a, b: _relerr_var(a, b, "no_zero_guard"),
               second_hint=('call your function on two arrays of zeros: 0.0 is expected, yours is nan; handle a zero '
                            'denominator before dividing')),
        Mutant("norm_of_sum", "the denominator is ||a|| + ||b||, not ||a + b||",
               lambda a, b: _relerr_var(a, b, "norm_of_sum"),
               second_hint=('try b = -a: your denominator is 0 although neither array is; the two norms are added, '
                            'not taken of the sum')),
    ),
    arg_names=("a", "b"), rtol=1e-9, atol=1e-15,
    requirements=(
        R("values", "returning a `float`, with `0.0` when both are all zeros", by="values"),
        R("raises-shapes", "Raise a `ValueError` when the shapes differ", by="raises-shapes"),
    ),
)


# ----- update_params --------------------------------------------------------------------------------------------

def update_cases(rng):
    cases = []
    for label, _, layers in network_shapes(rng):
        params = params_for(rng, layers)
        grads = {f"d{k}": rng.normal(0, 1, v.shape) for k, v in params.items()}
        cases.append(Case(f"{label}: layers {layers}", (enc_dict(params), enc_dict(grads),
                                                        S(float(np.round(rng.uniform(0.01, 2.0), 3))))))
    params = params_for(rng, [3, 2, 1])
    grads = {f"d{k}": rng.normal(0, 1, v.shape) for k, v in params.items()}
    missing = {k: v for k, v in grads.items() if k != "db2"}
    wrong = dict(grads, dtheta_1=grads["dtheta_1"].T.copy())
    cases += [
        Case("grads without db2", (enc_dict(params), enc_dict(missing), S(0.1)), grades="raises-grads",
             options={"raises_because": "the gradient of b2 is missing: silently keeping b2 would hide a bug in "
                                        "backward_propagation"}),
        Case("dtheta_1 transposed", (enc_dict(params), enc_dict(wrong), S(0.1)), grades="raises-grads",
             options={"raises_because": "grads['dtheta_1'] does not have the shape of params['theta_1']"}),
    ]
    return cases


def _update_var(params, grads, lr, sign=-1.0, use_lr=True, biases=True):
    out = {}
    for k, v in params.items():
        if k.startswith("b") and not biases:
            out[k] = np.array(v, copy=True)
        else:
            out[k] = v + sign * (lr if use_lr else 1.0) * grads[f"d{k}"]
    return out


def _update_in_place(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[f"d{k}"]
    return params


UPDATE_PARAMS = ExerciseSpec(
    "update_params", ASSIGNMENT, 1, "course_lib.network:update_params", update_cases,
    mutants=(
        Mutant("plus", "gradient DEscent subtracts: theta - learning_rate * dtheta (with + the cost goes up)",
               lambda p, g, lr: _update_var(p, g, lr, sign=1.0),
               second_hint=('after one update with a small learning rate the cost must go down, with yours it goes '
                            'up: look at the sign of the step')),
        Mutant("no_lr", "multiply each gradient by the learning rate",
               lambda p, g, lr: _update_var(p, g, lr, use_lr=False),
               second_hint='call your function with two learning rates: your update does not depend on it'),
        Mutant("no_biases", "update the biases too: b_l - learning_rate * db_l",
               lambda p, g, lr: _update_var(p, g, lr, biases=False),
               second_hint="compare params['b1'] before and after your update: the biases must move too"),
        Mutant("in_place", "return a NEW dict of new arrays; `params[k] -= ...` changes the caller's arrays",
               _update_in_place,
               second_hint=("compare the caller's params before and after your call: they changed; compute each new "
                            'array with an expression instead of an augmented assignment')),
    ),
    purity=True, arg_names=("params", "grads", "learning_rate"), output_names=("new_params",), atol=1e-12,
    requirements=(
        R("values", "returning a **new** dict", "and so on for every key of `params`", by="values"),
        R("pure", "Do not modify the arrays in `params`", "params is not modified", by="judge:purity"),
        R("raises-grads", "Raise a `ValueError` when a gradient is missing or has the wrong shape", by="raises-grads"),
    ),
)

SPECS = [BINARY_CROSS_ENTROPY, BACKWARD_PROPAGATION, NUMERICAL_GRADIENT, RELATIVE_ERROR, UPDATE_PARAMS]
