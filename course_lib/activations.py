"""Activation functions and their derivatives, element-wise on arrays of any shape.

Each function takes the pre-activation ``z`` and returns a NEW float64 array of the same shape; nothing is
modified in place. ``ACTIVATIONS`` and ``DERIVATIVES`` map a name to the function so that a network can
look an activation up instead of branching on its name.
"""

import numpy as np

from course_lib._validation import as_float_array


def _sigmoid(z):
    # 1 / (1 + exp(-z)) has a small relative error everywhere; its only flaw is that exp(-z) overflows to inf
    # for z < -709. That overflow is harmless, 1 / (1 + inf) is exactly 0.0, the correct limit, so only the
    # overflow warning is silenced (scipy.special.expit does the same in C). Each step writes into the one
    # new array e, so z itself is never modified.
    e = np.array(z, dtype=np.float64)  # a new array (also for 0-d input) that the steps below overwrite
    np.negative(e, out=e)
    with np.errstate(over="ignore"):
        np.exp(e, out=e)
    e += 1.0
    return np.reciprocal(e, out=e)


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), without overflow warnings and with exact limits.

    For very negative z, exp(-z) overflows to inf and 1 / (1 + inf) gives exactly 0.0; for very positive z,
    exp(-z) underflows to 0 and the result is exactly 1.0. So sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0,
    no RuntimeWarning is emitted, and in between the relative error is a few units in the last place.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, values in [0, 1]
    """
    return _sigmoid(as_float_array(z, "z", allow_nan=True))[()]  # [()] turns a 0-d result into a scalar


def sigmoid_derivative(z):
    """Derivative of the sigmoid, s(z) * (1 - s(z)).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, values in [0, 0.25]
    """
    s = _sigmoid(as_float_array(z, "z", allow_nan=True))
    return (s * (1.0 - s))[()]


def relu(z):
    """Rectified linear unit max(z, 0).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z
    """
    return np.maximum(as_float_array(z, "z", allow_nan=True), 0.0)


def relu_derivative(z):
    """Derivative of ReLU: 1.0 where z > 0, else 0.0 (the kink at z == 0 gets 0).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, values in {0.0, 1.0}
    """
    return (as_float_array(z, "z", allow_nan=True) > 0).astype(np.float64)


def tanh(z):
    """Hyperbolic tangent.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, values in [-1, 1]
    """
    return np.tanh(as_float_array(z, "z", allow_nan=True))


def tanh_derivative(z):
    """Derivative of tanh: 1 - tanh(z)**2.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, values in [0, 1]
    """
    t = np.tanh(as_float_array(z, "z", allow_nan=True))
    return 1.0 - t * t


def identity(z):
    """Identity activation (returns a float64 copy of z).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z
    """
    return np.array(z, dtype=np.float64)


def identity_derivative(z):
    """Derivative of the identity: ones shaped like z.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of float64, same shape as z, all 1.0
    """
    return np.ones_like(as_float_array(z, "z", allow_nan=True))


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "relu": relu,
    "tanh": tanh,
    "identity": identity,
}

DERIVATIVES = {
    "sigmoid": sigmoid_derivative,
    "relu": relu_derivative,
    "tanh": tanh_derivative,
    "identity": identity_derivative,
}
