"""Numerical gradients by central differences, used as an independent check of back-propagation."""

import numpy as np

from course_lib._validation import as_float_array, check_column, check_params, n_layers
from course_lib.losses import _binary_cross_entropy
from course_lib.network import _backward, _forward


def numerical_gradient(f, x, eps=1e-5):
    """Central-difference gradient of a scalar function.

    Each entry is (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), whose error shrinks like eps**2.

    Parameters
    ----------
    f : callable
        f(x) -> scalar, for x shaped like the argument below.
    x : array_like of any shape
    eps : float, default=1e-5

    Returns
    -------
    ndarray of float64 shaped like x
        x itself is left unchanged (the function works on a copy).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not np.isscalar(eps) or not eps > 0:
        raise ValueError(f"eps must be a number > 0, got {eps!r}")
    x = np.array(as_float_array(x, "x"), dtype=np.float64)  # a private copy we may perturb
    grad = np.empty_like(x)
    flat, grad_flat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = float(f(x.copy()))
        flat[i] = original - eps
        f_minus = float(f(x.copy()))
        flat[i] = original
        grad_flat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) in the Frobenius norm; 0.0 when both are zero.

    Parameters
    ----------
    a, b : array_like of the same shape

    Returns
    -------
    float in [0, 1]
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(X, Y, params, eps=1e-5):
    """Compare ``backward_propagation`` with central differences of the mean cross-entropy cost.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    Y : array_like of shape (m, 1)
    params : dict
        theta_l and bl of a sigmoid network with one output unit.
    eps : float, default=1e-5

    Returns
    -------
    dict
        {"theta_1": err, "b1": err, ...}: ``relative_error`` between the analytic and numerical gradient of
        each parameter array. Below about 1e-7 means back-propagation is right.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = check_column(Y, "Y", m=X.shape[0])
    params = check_params(params, n_features=X.shape[1])
    L = n_layers(params)
    if params[f"theta_{L}"].shape[1] != 1:
        raise ValueError(f"the output layer must have 1 unit, got theta_{L} of shape {params[f'theta_{L}'].shape}")
    _, cache = _forward(X, params, L)
    grads = _backward(X, Y, params, cache, L)

    errors = {}
    for key, value in params.items():
        def cost(v, key=key):
            h, _ = _forward(X, {**params, key: v}, L)
            return _binary_cross_entropy(Y, h)

        errors[key] = relative_error(grads["d" + key], numerical_gradient(cost, value, eps))
    return errors
