"""04_zero_initialization: init_params (graded by properties), hidden_unit_spread."""

from __future__ import annotations

import numpy as np

from ..encode import encode
from ..properties import HINTS
from ..results import Case
from . import A, ExerciseSpec, Mutant, R

ASSIGNMENT = "04_zero_initialization"


# ----- init_params ----------------------------------------------------------------------------------------------

def init_cases(rng):
    big = [int(rng.integers(120, 200)), int(rng.integers(40, 90)), int(rng.integers(2, 6))]
    cases = []
    for method, layers in (("zeros", [int(rng.integers(2, 8)), int(rng.integers(1, 6)), 1]),
                           ("zeros", [int(rng.integers(2, 8)), 1]),
                           ("normal", big),
                           ("xavier", big),
                           ("normal", [int(rng.integers(2, 6)), 1, 1]),
                           ("xavier", [int(rng.integers(60, 120)), int(rng.integers(150, 250)), 1])):
        seed = int(rng.integers(0, 2**31))
        cases.append(Case(f"method={method!r}, layers {layers}", (encode(list(layers)), encode(method)),
                          probe="init_params",
                          options={"layers": list(layers), "method": method, "seed": seed,
                                   "other_seed": seed + 1}))
    n = int(rng.integers(2, 6))
    for layers, why in (([n], "a network needs at least an input and an output size"),
                        ([n, 0, 1], "every layer needs at least one unit")):
        for method in ("zeros", "normal"):
            cases.append(Case(f"method={method!r}, layers {layers}", (encode(layers), encode(method), encode(0)),
                              grades="raises-layers", kind=f"method={method!r}, a layer list with a bad size",
                              options={"raises_because": why}))
    return cases


def _ref_init(layers, method, rng):
    from course_lib.initializers import init_params
    return init_params(layers, method, rng)


def init_scaled(layers, method, rng):
    p = _ref_init(layers, method, rng)
    return {k: (0.01 * v if method == "normal" else v) for k, v in p.items()}


def _glorot_variant(layers, method, rng, std_fn):
    if method != "xavier":
        return _ref_init(layers, method, rng)
    p = {}
    for l in range(1, len(layers)):
        p[f"theta_{l}"] = rng.standard_normal((layers[l - 1], layers[l])) * std_fn(layers[l - 1], layers[l])
        p[f"b{l}"] = np.zeros(layers[l])
    return p


def init_global(layers, method, rng):
    if method == "zeros" or len(layers) < 2 or min(layers) < 1:   # only the random draws differ
        return _ref_init(layers, method, rng)
    if method not in ("normal", "xavier"):
        raise ValueError(method)
    p = {}
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        std = 1.0 if method == "normal" else np.sqrt(2 / (n_in + n_out))
        p[f"theta_{l}"] = np.random.randn(n_in, n_out) * std
        p[f"b{l}"] = np.random.randn(n_out) if method == "normal" else np.zeros(n_out)
    return p


def init_bias_first(layers, method, rng):
    """Right distributions, but each bias drawn BEFORE its weights."""
    if method != "normal":
        return _ref_init(layers, method, rng)
    p = {}
    for l in range(1, len(layers)):
        b = rng.standard_normal(layers[l])
        p[f"theta_{l}"], p[f"b{l}"] = rng.standard_normal((layers[l - 1], layers[l])), b
    return p


def init_transposed(layers, method, rng):
    return {k: (v.T.copy() if k.startswith("theta") else v) for k, v in _ref_init(layers, method, rng).items()}


def init_bias_row(layers, method, rng):
    return {k: (v.reshape(1, -1) if k.startswith("b") else v) for k, v in _ref_init(layers, method, rng).items()}


def init_fallback(layers, method, rng):
    return _ref_init(layers, method if method in ("zeros", "normal", "xavier", "he") else "normal", rng)


def init_constant(layers, method, rng):
    p = _ref_init(layers, method, rng)
    return {k: (np.full_like(v, 0.5) if k.startswith("theta") and method != "zeros" else v) for k, v in p.items()}


def init_ones(layers, method, rng):
    p = _ref_init(layers, method, rng)
    return {k: (np.ones_like(v) if method == "zeros" else v) for k, v in p.items()}


INIT_PARAMS = ExerciseSpec(
    "init_params", ASSIGNMENT, 3, "course_lib.initializers:init_params", init_cases,
    mutants=(
        Mutant("scaled", HINTS["init_scale"], init_scaled),
        Mutant("fan_in", HINTS["init_fan_in"],
               lambda layers, method, rng: _glorot_variant(layers, method, rng, lambda i, o: np.sqrt(1 / i))),
        Mutant("he", HINTS["init_he"],
               lambda layers, method, rng: _glorot_variant(layers, method, rng, lambda i, o: np.sqrt(2 / i))),
        Mutant("global", HINTS["init_global"], init_global),
        Mutant("transposed", HINTS["init_transposed"], init_transposed),
        Mutant("bias_row", HINTS["init_bias_shape"], init_bias_row),
        Mutant("fallback", HINTS["init_unknown"], init_fallback),
        Mutant("ones", HINTS["init_constant"], init_ones),
        Mutant("constant", HINTS["init_symmetric"], init_constant),
        Mutant("bias_first", HINTS["init_draw_order"], init_bias_first),
    ),
    judge_kind="init_params", arg_names=("layers", "method", "rng"),
    requirements=(
        R("values", "initialised by `method`, one of", "theta_l of shape (n_{l-1}, n_l) and bl of shape (n_l,)",
          '"zeros":  all weights and biases 0', '"normal": weights and biases drawn from the standard normal',
          '"xavier": weights from N(0, 2 / (n_in + n_out)) (Glorot normal), biases 0', by="judge:init_params"),
        R("rng", "All draws come from the `numpy.random.Generator` passed in as `rng`", "so the same seed gives the "
          "same network", by="judge:init_params"),
        R("draw-order", "Draw in this order", by="judge:init_params"),
        R("raises-method", "Raise a `ValueError` for any other method", by="judge:init_params"),
        R("raises-layers", "for fewer than two layer sizes or a size below 1", "at least two, each >= 1",
          by="raises-layers"),
    ),
)


# ----- hidden_unit_spread ---------------------------------------------------------------------------------------

def spread_cases(rng):
    n_in, n_h = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    col = rng.normal(0, 1, (n_in, 1))
    return [
        Case(f"random theta ({n_in}, {n_h})", (A(rng.normal(0, 1, (n_in, n_h))),)),
        Case("tall random theta", (A(rng.normal(0, 2, (n_in + 5, 3))),)),
        Case("identical hidden columns (spread 0)", (A(np.repeat(col, n_h, axis=1)),)),
        Case("a single hidden unit", (A(rng.normal(0, 1, (n_in, 1))),)),
        Case("a single input row", (A(rng.normal(0, 1, (1, n_h))),)),
        Case("rows with different spreads", (A([[0.0, 1.0, 0.5], [2.0, -3.0, 0.0], [1.0, 1.0, 1.0]]),)),
        Case(f"a flat theta of shape ({n_h},)", (A(rng.normal(0, 1, n_h)),), grades="raises-shape",
             options={"raises_because": "theta must be 2-D (n_in, n_hidden): a flat vector has no hidden-unit axis"}),
        Case("an empty theta of shape (0, 3)", (A(np.zeros((0, 3))),), grades="raises-shape",
             options={"raises_because": "an empty theta has no spread (np.ptp of nothing is an error or a NaN)"}),
    ]


HIDDEN_UNIT_SPREAD = ExerciseSpec(
    "hidden_unit_spread", ASSIGNMENT, 1, "course_lib.symmetry:hidden_unit_spread", spread_cases,
    mutants=(
        Mutant("axis0", "compare the hidden units (the COLUMNS of theta) for each input row: np.ptp(theta, axis=1)",
               lambda t: float(np.ptp(t, axis=0).max()),
               second_hint=('print the shape of the spreads you compute before taking the largest: one value per '
                            'input row (n_in of them) is expected; yours has one per hidden unit')),
        Mutant("global", "take the spread across the hidden units row by row, then the largest: a global "
                         "max - min mixes different inputs", lambda t: float(np.ptp(t)),
               second_hint=('on theta = [[0, 1], [5, 6]] every row spreads by 1, so the answer is 1; yours mixes the '
                            'rows and gives 6')),
        Mutant("std", "the spread is max - min across the hidden columns (np.ptp), not a standard deviation",
               lambda t: float(np.std(t, axis=1).max()),
               second_hint='on theta = [[0, 2]] the spread is 2; a standard deviation gives 1'),
        Mutant("mean", "take the LARGEST row spread (.max()), not the mean",
               lambda t: float(np.ptp(t, axis=1).mean()),
               second_hint=('on theta = [[0, 0], [0, 4]] the row spreads are 0 and 4: the answer is the larger one, '
                            '4, not 2')),
    ),
    arg_names=("theta",), atol=1e-12,
    requirements=(
        R("values", "returning a `float`", "0.0 exactly when all columns of `theta` are equal", by="values"),
        R("ptp", "(hint: `np.ptp`", advice=True),
        R("raises-shape", "Raise a `ValueError` if `theta` is not a non-empty 2-D array", by="raises-shape"),
    ),
)

SPECS = [INIT_PARAMS, HIDDEN_UNIT_SPREAD]
