"""Weight initialisers and ``init_params``, the function that builds a whole ``params`` dict.

Every initialiser has the signature ``init(n_in, n_out, rng) -> theta`` with theta of shape (n_in, n_out) and
draws only from the ``numpy.random.Generator`` it is given (never from NumPy's global state). Biases are drawn
from the standard normal for ``"normal"`` (as the seed article does) and are zero for the other methods.
"""

from itertools import pairwise

import numpy as np

from course_lib._validation import as_rng, check_layers


def zeros(n_in, n_out, rng):
    """All-zero weights: every hidden unit starts identical (the symmetry lesson).

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator
        Not used; accepted so that every initialiser has the same signature.

    Returns
    -------
    ndarray of shape (n_in, n_out)
    """
    return np.zeros((n_in, n_out))


def normal(n_in, n_out, rng):
    """Standard normal weights, the seed article's ``randn``.

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_in, n_out)
    """
    return rng.standard_normal((n_in, n_out))


def xavier(n_in, n_out, rng):
    """Glorot (Xavier) normal weights with standard deviation sqrt(2 / (n_in + n_out)).

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_in, n_out)
    """
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / (n_in + n_out))


def he(n_in, n_out, rng):
    """He (Kaiming) normal weights with standard deviation sqrt(2 / n_in), suited to ReLU layers.

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_in, n_out)
    """
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)


def _zero_bias(n_out, rng):
    return np.zeros(n_out)


def _normal_bias(n_out, rng):
    return rng.standard_normal(n_out)


INITIALIZERS = {
    "zeros": zeros,
    "normal": normal,
    "xavier": xavier,
    "he": he,
}

BIAS_INITIALIZERS = {
    "zeros": _zero_bias,
    "normal": _normal_bias,
    "xavier": _zero_bias,
    "he": _zero_bias,
}


def init_params(layers, method="normal", rng=None):
    """Initial parameters for a dense network with the given layer sizes.

    Draw order (fixed, so that a seed reproduces a network): for l = 1..L, theta_l then bl.

    Parameters
    ----------
    layers : sequence of int, length L + 1
        Layer sizes [n0, n1, ..., nL], e.g. [30, 14, 1].
    method : {"normal", "zeros", "xavier", "he"}
    rng : numpy.random.Generator, int or None
        Source of randomness; an int is used as a seed, None draws fresh OS entropy.

    Returns
    -------
    params : dict
        theta_l of shape (n_{l-1}, n_l) and bl of shape (n_l,) for l = 1..L.

    Raises
    ------
    ValueError
        If method is not one of the names above, or a layer size is < 1.
    """
    layers = check_layers(layers)
    if not isinstance(method, str) or method not in INITIALIZERS:
        raise ValueError(f"unknown init method {method!r}; choose one of {sorted(INITIALIZERS)}")
    rng = as_rng(rng)
    init_weights, init_bias = INITIALIZERS[method], BIAS_INITIALIZERS[method]
    params = {}
    for l, (n_in, n_out) in enumerate(pairwise(layers), start=1):
        params[f"theta_{l}"] = init_weights(n_in, n_out, rng)
        params[f"b{l}"] = init_bias(n_out, rng)
    return params
