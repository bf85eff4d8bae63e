"""01_neuron_model: sigmoid, neuron_output, count_quadratic_terms."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, Mutant, S

ASSIGNMENT = "01_neuron_model"

OVERFLOW_HINT = ("1 / (1 + np.exp(-z)) overflows for large negative z (exp(1000) is inf): compute exp only of "
                 "non-positive numbers, e.g. use exp(z) / (1 + exp(z)) where z < 0 (np.where), or "
                 "0.5 * (1 + np.tanh(z / 2))")


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
        Mutant("overflow", OVERFLOW_HINT, sigmoid_overflow),
        Mutant("sign", "sigmoid(z) = 1 / (1 + exp(-z)): mind the minus sign (sigmoid(0) = 0.5, large z -> 1)",
               sigmoid_sign),
        Mutant("no_one", "the denominator is 1 + exp(-z): the 1 + is missing", sigmoid_no_one),
        Mutant("tanh", "np.tanh is a different function (values in (-1, 1)); sigmoid(z) = (1 + tanh(z / 2)) / 2",
               sigmoid_tanh),
    ),
    rtol=1e-7, atol=1e-12, fail_warnings=(("overflow", OVERFLOW_HINT),), arg_names=("z",),
    description="logistic function, stable for large |z|",
)


# ----- neuron_output --------------------------------------------------------------------------------------------

def neuron_output_ref(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta) + b)


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
    return cases


def neuron_no_sigmoid(X, theta, b):
    return np.asarray(X) @ np.asarray(theta) + b


def neuron_no_bias(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta))


def neuron_minus_bias(X, theta, b):
    return _sig(np.asarray(X) @ np.asarray(theta) - b)


def neuron_column(X, theta, b):
    return neuron_output_ref(X, theta, b).reshape(-1, 1)


NEURON_OUTPUT = ExerciseSpec(
    "neuron_output", ASSIGNMENT, 2, neuron_output_ref, neuron_output_cases,
    mutants=(
        Mutant("no_sigmoid", "the neuron's output is sigmoid(X @ theta + b): apply the activation to z", neuron_no_sigmoid),
        Mutant("no_bias", "add the bias b to X @ theta before the activation", neuron_no_bias),
        Mutant("minus_bias", "z = X @ theta + b (plus the bias, not minus)", neuron_minus_bias),
        Mutant("column", "return one value per sample as a flat vector of shape (m,), not a column (m, 1)",
               neuron_column),
    ),
    arg_names=("X", "theta", "b"), atol=1e-12,
)


# ----- count_quadratic_terms ------------------------------------------------------------------------------------

def count_quadratic_terms_ref(n_features):
    return n_features * (n_features + 1) // 2


def count_cases(rng):
    kinds = ("edge case: a single feature", "edge case: two features", "edge case: three features",
             "the course data's number of features", "a random number of features below the course data's",
             "a random number of features above the course data's")
    return [Case(f"n_features = {n}", (S(n),), kind=kind)
            for n, kind in zip((1, 2, 3, 30, int(rng.integers(4, 29)), int(rng.integers(31, 500))), kinds)]


COUNT_QUADRATIC_TERMS = ExerciseSpec(
    "count_quadratic_terms", ASSIGNMENT, 1, count_quadratic_terms_ref, count_cases,
    mutants=(
        Mutant("ordered", "x_i x_j and x_j x_i are the same monomial: count unordered pairs, n(n+1)/2, not n**2",
               lambda n: n * n),
        Mutant("no_squares", "the squares x_i**2 are degree-2 terms too: n(n-1)/2 + n = n(n+1)/2",
               lambda n: n * (n - 1) // 2),
        Mutant("float", "the count is an int: use integer division // (n * (n + 1) / 2 is a float)",
               lambda n: n * (n + 1) / 2),
        Mutant("with_linear", "count only the degree-2 terms, not the linear terms or the constant",
               lambda n: n * (n + 1) // 2 + n + 1),
    ),
    arg_names=("n_features",),
)

SPECS = [SIGMOID, NEURON_OUTPUT, COUNT_QUADRATIC_TERMS]
