"""07_matmul_five_ways: matmul_loops, matmul_elementwise, matmul_broadcast, matmul_einsum (same cases/mutants)."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, Mutant

ASSIGNMENT = "07_matmul_five_ways"


def matmul_cases(rng):
    cases = []
    for label, (n, k, p) in (("1 x 1 times 1 x 1", (1, 1, 1)), ("row times column", (1, int(rng.integers(2, 6)), 1)),
                             ("column times row", (int(rng.integers(2, 5)), 1, int(rng.integers(2, 5)))),
                             ("square", (3, 3, 3)),
                             ("random", tuple(int(x) for x in rng.integers(2, 7, 3)))):
        cases.append(Case(f"{label}: ({n}, {k}) @ ({k}, {p})", (A(rng.normal(0, 1, (n, k))),
                                                                 A(rng.normal(0, 1, (k, p))))))
    cases.append(Case("integer-valued floats", (A(rng.integers(-5, 5, (2, 3))), A(rng.normal(0, 1, (3, 2))))))
    cases.append(Case("mismatched inner dimension (2, 3) @ (4, 2)", (A(rng.normal(0, 1, (2, 3))),
                                                                      A(rng.normal(0, 1, (4, 2)))),
                      options={"raises_because": "a has 3 columns but b has 4 rows"}))
    cases.append(Case("a 1-D input (3,) @ (3, 2)", (A(rng.normal(0, 1, 3)), A(rng.normal(0, 1, (3, 2)))),
                      options={"raises_because": "both inputs must be 2-D"}))
    return cases


def _mm_transposed(a, b):
    from course_lib.matmul import matmul_einsum
    return matmul_einsum(a, b).T.copy()


def _mm_no_check(a, b):
    a, b = np.atleast_2d(np.asarray(a, float)), np.atleast_2d(np.asarray(b, float))
    k = min(a.shape[1], b.shape[0])
    return a[:, :k] @ b[:k, :]


def _mm_int(a, b):
    from course_lib.matmul import matmul_einsum
    return matmul_einsum(a, b).astype(int)


def _mm_row_col_swapped(a, b):
    """Multiplies a's rows with b's ROWS (only runs when b is square)."""
    from course_lib.matmul import _check
    a, b = _check(a, b)
    return np.einsum("ik,jk->ij", a, b)


def _mutants():
    return (
        Mutant("transposed", "c[i, j] = sum over k of a[i, k] * b[k, j]: your result is the transpose "
                             "(mind which index is the row)", _mm_transposed),
        Mutant("no_check", "raise ValueError when a's number of columns differs from b's number of rows (or an "
                           "input is not 2-D), instead of returning something", _mm_no_check),
        Mutant("int", "start from a float array (np.zeros((n, p))): an int accumulator truncates the values",
               _mm_int),
        Mutant("rows_of_b", "pair row i of a with COLUMN j of b (b[:, j]), not row j", _mm_row_col_swapped),
    )


def _spec(name):
    return ExerciseSpec(name, ASSIGNMENT, 1, f"course_lib.matmul:{name}", matmul_cases, mutants=_mutants(),
                        arg_names=("a", "b"), rtol=1e-9, atol=1e-12)


SPECS = [_spec(n) for n in ("matmul_loops", "matmul_elementwise", "matmul_broadcast", "matmul_einsum")]
