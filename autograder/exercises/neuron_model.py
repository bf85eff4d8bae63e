"""01_neuron_model: sigmoid, neuron_output, count_quadratic_terms."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, MethodRule, Mutant, R, S

ASSIGNMENT = "01_neuron_model"

OVERFLOW_HINT = ("exp(-z) overflows to inf for large negative z (exp(1000) does not fit in a float64), and NumPy "
                 "warns: re-read \"The fix\" in section 4, and find a form of g(z) in which the exponential only "
                 "ever receives a number <= 0")


def _sig(z):
    from course_lib.activations import sigmoid
    return sigmoid(z)


# ----- sigmoid --------------------------------------------------------------------------------------------------

def sigmoid_cases(rng):
    m, n = int(rng.integers(2, 7)), int(rng.integers(2, 6))
    return [
        Case("z = 0.0 (a Python float)", (S(0.0),), kind="edge case: z is a Python float, not an array"),
        Case("a scalar z", (S(float(np.round(rng.normal(0, 3), 3))),)),
        Case(f"a vector of shape ({m},)", (A(rng.normal(0, 3, m)),)),
        Case(f"a matrix of shape ({m}, {n})", (A(rng.normal(0, 4, (m, n))),)),
        Case("m = 1: shape (1, 1)", (A(rng.normal(0, 2, (1, 1))),)),
        Case("an integer array", (A(rng.integers(-5, 6, 7), dtype=np.int64),)),
        Case("z = +-1e3", (A([-1e3, -50.0, -1.0, 0.0, 1.0, 50.0, 1e3]),)),
        Case("z = +-1e4", (A([[-1e4, 1e4], [-745.5, 745.5]]),)),
    ]


def sigmoid_overflow(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_sign(z):
    return _sig(-np.asarray(z, dtype=float))


def sigmoid_no_one(z):
    with np.errstate(over="ignore"):
        return 1.0 / np.exp(-np.asarray(z, dtype=float))


def sigmoid_tanh(z):
    return np.tanh(z)


SIGMOID = ExerciseSpec(
    "sigmoid", ASSIGNMENT, 2, "course_lib.activations:sigmoid", sigmoid_cases,
    mutants=(
        Mutant("overflow", OVERFLOW_HINT, sigmoid_overflow,
               second_hint=('look at the argument your code passes to np.exp: for negative z it is large and '
                            'positive. Multiplying the numerator and the denominator by e^z gives a form whose '
                            'exponential is at most 1 for those z; use each form only on the entries where it is safe'
                            ' (a boolean mask selects them)')),
        Mutant("sign", "sigmoid(z) = 1 / (1 + exp(-z)): mind the minus sign (sigmoid(0) = 0.5, large z -> 1)",
               sigmoid_sign,
               second_hint=('compute sigmoid(-10), sigmoid(0) and sigmoid(10) with your function: about 0, exactly '
                            '0.5 and about 1 are expected; yours are mirrored, so look at the sign inside the '
                            'exponential')),
        Mutant("no_one", "the denominator is 1 + exp(-z): the 1 + is missing", sigmoid_no_one,
               second_hint='evaluate your denominator at z = 0: exp(0) = 1, and the sigmoid must give 1 / 2 there'),
        Mutant("tanh", "np.tanh is a different function: its values lie in (-1, 1), the sigmoid's in (0, 1); the two "
                       "are related, but not equal (compare them at z = 0)", sigmoid_tanh,
               second_hint=('plot your function and the sigmoid on [-5, 5]: the two curves differ by a scaling of the'
                            ' input and a shift and scaling of the output; go back to the definition with exp')),
    ),
    rtol=1e-7, atol=1e-12, fail_warnings=(("overflow", OVERFLOW_HINT),), arg_names=("z",), purity=True,
    description="logistic function, stable for large |z|",
    requirements=(
        R("values", "Implement `sigmoid(z)` for a scalar or an array of any shape", "z : float or ndarray of any shape",
          "give `0.0` and `1.0` there", by="values"),
        R("same-shape-float", "must return an array of the same shape with float values", by="values"),
        R("no-warning", "emit no warning for any finite input", by="judge:warnings"),
        R("pure", "must not modify its input", by="judge:purity"),
    ),
)


# ----- neuron_output --------------------------------------------------------------------------------------------

def neuron_output_ref(X, theta, b):
    X, theta = np.asarray(X, dtype=float), np.asarray(theta, dtype=float)
    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:
        raise ValueError(f"expected X (m, n) and theta (n,), got X {X.shape} and theta {theta.shape}")
    return _sig(X @ theta + b)


def neuron_output_cases(rng):
    cases = []
    for label, m, n in (("m = 1, n = 1", 1, 1), ("m = 1", 1, int(rng.integers(2, 6))),
                        ("random", int(rng.integers(3, 12)), int(rng.integers(2, 8))),
                        ("random", int(rng.integers(3, 12)), int(rng.integers(2, 8)))):
        X, theta = rng.normal(0, 1, (m, n)), rng.normal(0, 1, n)
        cases.append(Case(f"{label} (X of shape ({m}, {n}))", (A(X), A(theta), S(float(np.round(rng.normal(0, 1), 4))))))
    X = rng.normal(0, 1, (5, 3))
    cases.append(Case("negative bias b = -2.5", (A(X), A(rng.normal(0, 1, 3)), S(-2.5)),
                      kind="edge case: a negative bias b"))
    n = int(rng.integers(2, 6))
    cases += [
        Case(f"X flat of shape ({n},)", (A(rng.normal(0, 1, n)), A(rng.normal(0, 1, n)), S(0.5)), grades="raises-shapes",
             options={"raises_because": "X must be 2-D (m, n): a flat vector is one sample without its batch axis",
                      "names_one_of": [[n]]}),
        Case(f"theta a column of shape ({n}, 1)", (A(rng.normal(0, 1, (3, n))), A(rng.normal(0, 1, (n, 1))), S(0.5)),
             grades="raises-shapes", options={"raises_because": "theta must be 1-D (n,): X @ theta with an (n, 1) "
                                                               "theta gives an (m, 1) column, not the (m,) asked for",
                                               "names_one_of": [[n, 1]]}),
        Case(f"X ({n + 1}, {n}) with theta ({n + 1},)", (A(rng.normal(0, 1, (n + 1, n))), A(rng.normal(0, 1, n + 1)),
                                                     S(0.5)), grades="raises-shapes",
             options={"raises_because": "X has n columns but theta has n + 1 weights",
                      "names_one_of": [[n + 1, n], [n + 1]]}),
    ]
    return cases


def neuron_no_sigmoid(X, theta, b):
    return np.asarray(X) @ np.asarray(theta) + b


def neuron_no_bias(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta))


def neuron_minus_bias(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta) - b)


def neuron_column(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta) + b).reshape(-1, 1)


NEURON_OUTPUT = ExerciseSpec(
    "neuron_output", ASSIGNMENT, 2, neuron_output_ref, neuron_output_cases,
    mutants=(
        Mutant("no_sigmoid", "the neuron's output is sigmoid(X @ theta + b): apply the activation to z", neuron_no_sigmoid,
               second_hint=('some of your outputs lie outside [0, 1]: look at the last step of your function, where z'
                            " becomes the neuron's output")),
        Mutant("no_bias", "add the bias b to X @ theta before the activation", neuron_no_bias,
               second_hint='your output does not change when b changes: find where b enters your z'),
        Mutant("minus_bias", "z = X @ theta + b (plus the bias, not minus)", neuron_minus_bias,
               second_hint=('with b = 0 your output is right, with b > 0 it moves the wrong way: check the sign with '
                            'which b enters z')),
        Mutant("column", "return one value per sample as a flat vector of shape (m,), not a column (m, 1)",
               neuron_column,
               second_hint=('print the .shape of what you return for an X of 5 rows: (5,) is asked; an extra axis '
                            'appears somewhere (a reshape, or a theta used as a column)')),
    ),
    arg_names=("X", "theta", "b"), atol=1e-12,
    method=MethodRule(require=("@", "np.dot", "np.matmul", "np.einsum"), max_loops=0,
                      says="one matrix-vector product, no Python loop over samples"),
    requirements=(
        R("values", "Implement `neuron_output(X, theta, b)`", "h : ndarray of shape (m,)", by="values"),
        R("uses-sigmoid", "You may reuse your `sigmoid`", advice=True),
        R("method", "Use one matrix-vector product (no Python loop over samples)", by="judge:method"),
        R("raises-shapes", "Raise a `ValueError` that names the shapes", by="raises-shapes"),
    ),
)


# ----- count_quadratic_terms ------------------------------------------------------------------------------------

def count_quadratic_terms_ref(n_features):
    if n_features < 0:
        raise ValueError(f"n_features must be >= 0, got {n_features!r}")
    return n_features * (n_features + 1) // 2


def count_cases(rng):
    kinds = ("edge case: a single feature", "edge case: two features", "edge case: three features",
             "the course data's number of features", "a random number of features below the course data's",
             "a random number of features above the course data's")
    return [Case(f"n_features = {n}", (S(n),), kind=kind)
            for n, kind in zip((1, 2, 3, 30, int(rng.integers(4, 29)), int(rng.integers(31, 500))), kinds)] + [
        Case(f"n_features = {n}", (S(n),), kind="a negative number of features", grades="raises-negative",
             options={"raises_because": "a negative number of features is meaningless"})
        for n in (-1, -int(rng.integers(2, 50)))]


COUNT_QUADRATIC_TERMS = ExerciseSpec(
    "count_quadratic_terms", ASSIGNMENT, 1, count_quadratic_terms_ref, count_cases,
    mutants=(
        Mutant("ordered", "x_i x_j and x_j x_i are the same monomial: count unordered pairs, n(n+1)/2, not n**2",
               lambda n: n * n,
               second_hint=('list the terms for n = 2 by hand: x1**2, x2**2 and x1*x2, so 3, not 4; your count has '
                            'x1*x2 and x2*x1 as two terms')),
        Mutant("no_squares", "the squares x_i**2 are degree-2 terms too: n(n-1)/2 + n = n(n+1)/2",
               lambda n: n * (n - 1) // 2,
               second_hint='list the terms for n = 2 by hand: x1**2, x2**2 and x1*x2; your count misses the squares'),
        Mutant("float", "the count is an int: use integer division // (n * (n + 1) / 2 is a float)",
               lambda n: n * (n + 1) / 2,
               second_hint=('print type(count_quadratic_terms(3)): int is asked, and the / operator always gives a '
                            'float')),
        Mutant("with_linear", "count only the degree-2 terms, not the linear terms or the constant",
               lambda n: n * (n + 1) // 2 + n + 1,
               second_hint=('for n = 1 the only degree-2 term is x1**2, so the answer is 1; your count includes terms'
                            ' of lower degree')),
    ),
    arg_names=("n_features",),
    requirements=(
        R("values", "Implement `count_quadratic_terms(n_features)`", "squares and cross terms; no linear terms, no constant",
          by="values"),
        R("int", "as a Python `int`", by="values"),
        R("raises-negative", "Raise a `ValueError` for a negative number of features", by="raises-negative"),
    ),
)

SPECS = [SIGMOID, NEURON_OUTPUT, COUNT_QUADRATIC_TERMS]
