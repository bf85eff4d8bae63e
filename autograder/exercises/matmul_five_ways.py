"""07_matmul_five_ways: matmul_loops, matmul_elementwise, matmul_broadcast, matmul_einsum (same cases/mutants)."""

from __future__ import annotations

import numpy as np

from ..results import Case
from . import A, ExerciseSpec, MethodRule, Mutant, R

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
                      grades="raises-shapes", options={"raises_because": "a has 3 columns but b has 4 rows",
                                                        "names_one_of": [[2, 3], [4, 2]]}))
    cases.append(Case("a 1-D input (3,) @ (3, 2)", (A(rng.normal(0, 1, 3)), A(rng.normal(0, 1, (3, 2)))),
                      grades="raises-shapes", options={"raises_because": "both inputs must be 2-D",
                                                        "names_one_of": [[3]]}))
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
                             "(mind which index is the row)", _mm_transposed,
               second_hint=('for a (2, 3) @ (3, 4) product the result is (2, 4): check the shape of the array you '
                            'create and which index of c each loop writes')),
        Mutant("no_check", "your function returns something for inputs that cannot be multiplied: check the "
                           "shapes first, as the docstring's last line asks", _mm_no_check,
               second_hint=('call your function on a (2, 3) and a (4, 2) array: it must raise ValueError before any '
                            'loop; the locked cell above does that check for you')),
        Mutant("int", "start from a float array (np.zeros((n, p))): an int accumulator truncates the values",
               _mm_int,
               second_hint=('print the dtype of your result: float64 is expected; check how you create the array you '
                            'fill')),
        Mutant("rows_of_b", "pair row i of a with COLUMN j of b (b[:, j]), not row j", _mm_row_col_swapped,
               second_hint=('with a square b your result differs from a @ b: c[i, j] pairs row i of a with the '
                            'entries of b that run down column j')),
    )


_PRODUCTS = ("@", "np.dot", "np.matmul", "np.einsum")
_RAISES = R("raises-shapes", "Raises ValueError naming the shapes on non-2-D inputs or mismatched inner dimensions",
            by="raises-shapes")

METHODS = {
    "matmul_loops": (
        MethodRule(forbid=_PRODUCTS + ("sum of a product",), min_loops=3,
                   says="three explicit loops, no @, np.dot, sum over vectors or einsum"),
        (R("values", "Create the result with `np.zeros((n, p))`", by="values"),
         R("shape-check", "with a `ValueError` that names the shapes", "call it on the first line of every function",
           by="raises-shapes"),
         R("method", "fill it with three explicit loops (no", "with three explicit Python loops", by="judge:method"))),
    "matmul_elementwise": (
        MethodRule(forbid=_PRODUCTS, require=("sum of a product",), min_loops=1, max_loops=2,
                   says="two loops (over i and j) and one element-wise product and sum per entry"),
        (R("values", "C = a @ b", by="values"),
         R("method", "Two loops (over $i$ and $j$) and one element-wise product and sum per entry",
           "two Python loops, over the rows and the columns of the result", by="judge:method"))),
    "matmul_broadcast": (
        MethodRule(forbid=_PRODUCTS, require=("sum of a product",), min_loops=1, max_loops=1,
                   says="one loop over the rows of a; each row of the result in one broadcast expression"),
        (R("values", "C = a @ b", by="values"),
         R("method", "One loop over the rows of `a`; each row of the result in one broadcast expression",
           "a single Python loop, over the rows of a", by="judge:method"))),
    "matmul_einsum": (
        MethodRule(forbid=("@", "np.dot", "np.matmul"), require=("np.einsum",), max_loops=0,
                   says="one call to np.einsum"),
        (R("values", "C = a @ b", by="values"),
         R("method", "One call to `np.einsum`", "a single call to np.einsum (no Python loop)", by="judge:method"))),
}


def _spec(name):
    rule, requirements = METHODS[name]
    return ExerciseSpec(name, ASSIGNMENT, 1, f"course_lib.matmul:{name}", matmul_cases, mutants=_mutants(),
                        arg_names=("a", "b"), rtol=1e-9, atol=1e-12, method=rule,
                        requirements=requirements + (_RAISES,))


SPECS = [_spec(n) for n in ("matmul_loops", "matmul_elementwise", "matmul_broadcast", "matmul_einsum")]
