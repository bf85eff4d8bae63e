"""02_forward_propagation: layer_forward, forward_propagation, forward_one_sample."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, MethodRule, Mutant, R
from ._gen import enc_dict, network_shapes, params_for

ASSIGNMENT = "02_forward_propagation"


def _sig(z):
    from course_lib.activations import sigmoid
    return sigmoid(z)


# ----- layer_forward --------------------------------------------------------------------------------------------

def layer_cases(rng):
    cases = []
    for label, m, n_in, n_out in (("m = 1", 1, int(rng.integers(2, 6)), int(rng.integers(2, 6))),
                                  ("a single unit", int(rng.integers(3, 9)), int(rng.integers(2, 6)), 1),
                                  ("square theta", int(rng.integers(3, 9)), 4, 4),
                                  ("random", int(rng.integers(3, 15)), int(rng.integers(2, 8)),
                                   int(rng.integers(2, 8)))):
        cases.append(Case(f"{label}: A_prev ({m}, {n_in}), theta ({n_in}, {n_out})",
                          (A(rng.normal(0, 1, (m, n_in))), A(rng.normal(0, 1, (n_in, n_out))),
                           A(rng.normal(0, 1, n_out)))))
    cases.append(Case("large |z| (+-1e3)", (A([[1.0, -1.0]]), A([[1e3], [0.0]]), A([0.0]))))
    n_in, n_out = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    theta, b = A(rng.normal(0, 1, (n_in, n_out))), A(rng.normal(0, 1, n_out))
    cases += [
        Case(f"A_prev flat of shape ({n_in},)", (A(rng.normal(0, 1, n_in)), theta, b), grades="raises-shapes",
             options={"raises_because": "A_prev must be 2-D (m, n_in), one row per sample", "names_one_of": [[n_in]]}),
        Case(f"A_prev (3, {n_in + 1}) with theta ({n_in}, {n_out})", (A(rng.normal(0, 1, (3, n_in + 1))), theta, b),
             grades="raises-shapes", options={"raises_because": "A_prev.shape[1] != theta.shape[0]",
                                              "names_one_of": [[3, n_in + 1], [n_in, n_out]]}),
        Case(f"b a row of shape (1, {n_out})", (A(rng.normal(0, 1, (3, n_in))), theta,
                                                 A(rng.normal(0, 1, (1, n_out)))), grades="raises-shapes",
             options={"raises_because": "b must have shape (theta.shape[1],), a flat vector of one bias per unit",
                      "names_one_of": [[1, n_out]]}),
    ]
    return cases


def _lin(A_prev, theta, b):
    return np.asarray(A_prev) @ np.asarray(theta) + b


LAYER_FORWARD = ExerciseSpec(
    "layer_forward", ASSIGNMENT, 2, "course_lib.network:layer_forward", layer_cases,
    mutants=(
        Mutant("no_sigmoid", "a layer outputs A = sigmoid(Z) with Z = A_prev @ theta + b: apply the sigmoid",
               _lin,
               second_hint='some of your activations lie outside (0, 1): the last step, from Z to A, is missing'),
        Mutant("no_bias", "add the bias b (broadcast over the rows) before the sigmoid",
               lambda A_prev, theta, b: _sig(np.asarray(A_prev) @ np.asarray(theta)),
               second_hint='your output does not change when b changes: find where b enters Z'),
        Mutant("transposed", "Z = A_prev @ theta: theta has shape (n_in, n_out), no transpose",
               lambda A_prev, theta, b: _sig(np.asarray(A_prev) @ np.asarray(theta).T + b),
               second_hint=('print theta.shape and the shape of your product: theta is (n_in, n_out), and A_prev @ '
                            'theta is already (m, n_out) without any transpose')),
        Mutant("relu", "this course's layers use the sigmoid, not ReLU",
               lambda A_prev, theta, b: np.maximum(_lin(A_prev, theta, b), 0.0),
               second_hint=('your activations are exactly 0 wherever Z < 0: the activation you apply is not the one '
                            'this notebook defines')),
    ),
    arg_names=("A_prev", "theta", "b"), atol=1e-12,
    method=MethodRule(require=("@", "np.dot", "np.matmul", "np.einsum"), max_loops=0,
                      says="one matrix product, no Python loop"),
    requirements=(
        R("values", "Implement `layer_forward(A_prev, theta, b)`", "A : ndarray of shape (m, n_out)", by="values"),
        R("method", "One matrix product, no Python loop", by="judge:method"),
        R("raises-shapes", "Raise a `ValueError` naming the shapes when they do not fit together", by="raises-shapes"),
    ),
)


# ----- forward_propagation --------------------------------------------------------------------------------------

def forward_cases(rng):
    cases = []
    for label, m, layers in network_shapes(rng, depth_max=4):
        X = rng.normal(0, 1, (m, layers[0]))
        cases.append(Case(f"{label}: layers {layers}, m = {m}", (A(X), enc_dict(params_for(rng, layers))),
                          grades="depth" if len(layers) > 3 else "values"))
    n = int(rng.integers(2, 5))
    cases.append(Case(f"X flat of shape ({n},)", (A(rng.normal(0, 1, n)), enc_dict(params_for(rng, [n, 2, 1]))),
                      grades="raises-X-1d", options={"raises_because": "X must be 2-D (m, n0): one sample is a row "
                                                                       "X[None, :], not a flat vector"}))
    return cases


def _n_layers(params):
    return sum(1 for k in params if k.startswith("theta_"))


def _forward_variant(X, params, act_hidden=None, act_out=None, bias=True):
    act_hidden = act_hidden or _sig
    act_out = act_out or _sig
    L = _n_layers(params)
    cache, a = {}, np.asarray(X, dtype=float)
    for l in range(1, L + 1):
        z = a @ params[f"theta_{l}"] + (params[f"b{l}"] if bias else 0.0)
        a = act_out(z) if l == L else act_hidden(z)
        cache[f"Z{l}"], cache[f"A{l}"] = z, a
    return a, cache


FORWARD_PROPAGATION = ExerciseSpec(
    "forward_propagation", ASSIGNMENT, 3, "course_lib.network:forward_propagation", forward_cases,
    mutants=(
        Mutant("linear_output", "the output layer applies the sigmoid too: h = sigmoid(Z_L) is a probability",
               lambda X, p: _forward_variant(X, p, act_out=lambda z: z),
               second_hint=("compare your h with sigmoid of the last Z in your cache: the output layer's activation "
                            'is missing')),
        Mutant("no_bias", "each layer adds its bias: Z_l = A_{l-1} @ theta_l + b_l",
               lambda X, p: _forward_variant(X, p, bias=False),
               second_hint="your output does not change when the b's change: check how each layer computes its Z"),
        Mutant("relu_hidden", "every layer of this network uses the sigmoid (hidden layers too)",
               lambda X, p: _forward_variant(X, p, act_hidden=lambda z: np.maximum(z, 0.0)),
               second_hint=('your hidden activations are exactly 0 wherever Z < 0: the hidden layers use the '
                            "notebook's activation too")),
        Mutant("two_layers_only", "loop over all the layers in params (theta_1 ... theta_L), not a fixed two",
               lambda X, p: _forward_variant(X, {k: v for k, v in p.items() if k[-1] in "12"}),
               second_hint=('count the theta_ keys of params for a network of three layers: theta_1, theta_2, '
                            'theta_3; your loop stops after the second')),
    ),
    output_names=("h", "cache"), arg_names=("X", "params"), atol=1e-12,
    requirements=(
        R("values", "returning `(h, cache)`", "cache : dict", by="values"),
        R("depth", "for **any number of layers**", "Run a sigmoid network of any depth on a batch", by="depth"),
        R("raises-X-1d", "Raise a `ValueError` when `X` is not 2-D", by="raises-X-1d"),
    ),
)


# ----- forward_one_sample ---------------------------------------------------------------------------------------

def one_sample_cases(rng):
    cases = []
    for label, _, layers in network_shapes(rng, depth_max=4):
        cases.append(Case(f"{label}: layers {layers}",
                          (A(rng.normal(0, 1, layers[0])), enc_dict(params_for(rng, layers)))))
    return cases


def _one(x, params, **kw):
    h, _ = _forward_variant(np.asarray(x, dtype=float).reshape(1, -1), params, **kw)
    return h


FORWARD_ONE_SAMPLE = ExerciseSpec(
    "forward_one_sample", ASSIGNMENT, 2, "course_lib.network:forward_one_sample", one_sample_cases,
    mutants=(
        Mutant("row", "for one sample x of shape (n0,) return a flat vector of shape (n_L,), not (1, n_L)",
               lambda x, p: _one(x, p),
               second_hint='print the .shape of what you return: (n_L,) is asked; yours has an extra leading axis'),
        Mutant("no_sigmoid", "each neuron applies the sigmoid to its weighted sum plus bias",
               lambda x, p: _one(x, p, act_hidden=lambda z: z, act_out=lambda z: z)[0],
               second_hint=("some of your activations lie outside (0, 1): after a neuron's weighted sum plus bias, "
                            'its activation is missing')),
        Mutant("no_bias", "each neuron adds its bias b[j] to the weighted sum",
               lambda x, p: _one(x, p, bias=False)[0],
               second_hint="your output does not change when the b's change: each neuron's sum needs its own bias"),
        Mutant("linear_output", "the output layer applies the sigmoid too",
               lambda x, p: _one(x, p, act_out=lambda z: z)[0],
               second_hint=("your hidden layers are right but the output layer is not: the last layer's neurons need "
                            'their activation too')),
    ),
    arg_names=("x", "params"), atol=1e-12,
    method=MethodRule(forbid=("@", "np.dot", "np.matmul", "np.einsum", "sum of a product"), min_loops=3,
                      says="explicit Python loops over the layers, the units and the inputs; no matrix or dot "
                           "product"),
    requirements=(
        R("values", "Implement `forward_one_sample(x, params)`", "the activations of the output layer", by="values"),
        R("method", "with explicit Python loops over the layers, the units and the inputs",
          "**no** matrix or dot product", "computed neuron by neuron with explicit loops (no matrix product)",
          by="judge:method"),
        R("uses-sigmoid", "You may apply your `sigmoid` to each scalar", advice=True),
    ),
)

SPECS = [LAYER_FORWARD, FORWARD_PROPAGATION, FORWARD_ONE_SAMPLE]
