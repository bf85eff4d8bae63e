"""Matrix multiplication written four ways, from pure Python loops to ``np.einsum``.

The fifth way is NumPy's own ``a @ b``; these exist to show what it does and how much faster it is.
Each takes a of shape (n, k) and b of shape (k, p) and returns a new (n, p) float64 array.
"""

import numpy as np

from course_lib._validation import as_float_array


def _check(a, b):
    a = as_float_array(a, "a", ndim=2, allow_nan=True)
    b = as_float_array(b, "b", ndim=2, allow_nan=True)
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply a of shape {a.shape} by b of shape {b.shape}: "
                         f"a has {a.shape[1]} columns but b has {b.shape[0]} rows")
    return a, b


def matmul_loops(a, b):
    """Three nested Python loops: c[i, j] = sum over k of a[i, k] * b[k, j].

    Parameters
    ----------
    a : array_like of shape (n, k)
    b : array_like of shape (k, p)

    Returns
    -------
    ndarray of shape (n, p)
    """
    a, b = _check(a, b)
    n, k = a.shape
    p = b.shape[1]
    c = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            for t in range(k):
                c[i, j] += a[i, t] * b[t, j]
    return c


def matmul_elementwise(a, b):
    """Two loops; the innermost sum is one element-wise product of a row and a column.

    Parameters
    ----------
    a : array_like of shape (n, k)
    b : array_like of shape (k, p)

    Returns
    -------
    ndarray of shape (n, p)
    """
    a, b = _check(a, b)
    n, p = a.shape[0], b.shape[1]
    c = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c


def matmul_broadcast(a, b):
    """One loop over the rows of a; broadcasting multiplies a row with all of b at once.

    a[i][:, None] has shape (k, 1); times b (k, p) it broadcasts to (k, p), and summing over axis 0 gives
    row i of the product.

    Parameters
    ----------
    a : array_like of shape (n, k)
    b : array_like of shape (k, p)

    Returns
    -------
    ndarray of shape (n, p)
    """
    a, b = _check(a, b)
    c = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        c[i] = (a[i][:, None] * b).sum(axis=0)
    return c


def matmul_einsum(a, b):
    """Einstein summation: "ik,kj->ij" multiplies over the shared index k and sums it away.

    Parameters
    ----------
    a : array_like of shape (n, k)
    b : array_like of shape (k, p)

    Returns
    -------
    ndarray of shape (n, p)
    """
    a, b = _check(a, b)
    return np.einsum("ik,kj->ij", a, b)


def matmul_operator(a, b):
    """The fifth way: NumPy's ``a @ b``, which hands the work to an optimised BLAS library.

    Parameters
    ----------
    a : array_like of shape (n, k)
    b : array_like of shape (k, p)

    Returns
    -------
    ndarray of shape (n, p)
    """
    a, b = _check(a, b)
    return a @ b


MATMULS = {
    "loops": matmul_loops,
    "elementwise": matmul_elementwise,
    "broadcast": matmul_broadcast,
    "einsum": matmul_einsum,
    "operator": matmul_operator,
}
