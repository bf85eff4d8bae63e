"""A fully connected sigmoid network of any depth, as pure functions.

Underneath are cs231n-style layer pairs: ``dense_forward`` returns its output and a cache, ``dense_backward``
takes the upstream gradient and that cache. ``forward_propagation`` and ``backward_propagation`` chain them
over the layers found in ``params`` (theta_1, b1, ..., theta_L, bL), every layer with a sigmoid activation.

Conventions: X has shape (m, n0), one sample per row; Y has shape (m, 1); the cost is the MEAN binary
cross-entropy over the batch, so the 1/m appears once, in dZ_L = (h - Y) / m, and the dense layers SUM over
the batch.

Each public function validates its inputs and then calls a private core (``_forward``, ``_backward``,
``_dense_backward``, ...) that trusts them. ``backward_propagation`` is a loop over the layers that calls the
core of ``dense_backward`` for each one and the sigmoid's derivative between them.
"""

import numbers

import numpy as np

from course_lib._validation import as_float_array, check_column, check_params, n_layers
from course_lib.activations import _sigmoid

# ----------------------------------------------------------------------------------------------------------
# Layer pairs
# ----------------------------------------------------------------------------------------------------------

def _dense_forward(A_prev, theta, b):
    Z = A_prev @ theta
    Z += b  # Z is a fresh array, so adding in place modifies nothing the caller owns
    return Z


def _dense_backward(dZ, cache):
    A_prev, theta = cache
    # np.dot rather than @: for the (m, 1) @ (1, n) outer product of an output layer, np.dot calls BLAS and is
    # about three times faster than matmul's own loop.
    dA_prev = np.dot(dZ, theta.T)
    dtheta = A_prev.T @ dZ
    # db is dZ.sum(axis=0), not ones @ dZ: the BLAS matrix-vector product sums different columns in different
    # orders, so identical columns (a zero-initialised layer) would come out a few ulps apart and the
    # symmetry lesson would no longer be exact.
    db = dZ.sum(axis=0)
    return dA_prev, dtheta, db


def _check_dense(A_prev, theta, b):
    A_prev = as_float_array(A_prev, "A_prev", ndim=2)
    theta = as_float_array(theta, "theta", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if A_prev.shape[1] != theta.shape[0]:
        raise ValueError(f"A_prev has shape {A_prev.shape} but theta has shape {theta.shape}: "
                         f"A_prev @ theta needs A_prev.shape[1] == theta.shape[0]")
    if b.shape != (theta.shape[1],):
        raise ValueError(f"b must have shape ({theta.shape[1]},) to match theta {theta.shape}, got {b.shape}")
    return A_prev, theta, b


def dense_forward(A_prev, theta, b):
    """Affine layer Z = A_prev @ theta + b.

    Parameters
    ----------
    A_prev : array_like of shape (m, n_in)
        Activations of the previous layer (X for the first layer).
    theta : array_like of shape (n_in, n_out)
    b : array_like of shape (n_out,)

    Returns
    -------
    Z : ndarray of shape (m, n_out)
    cache : tuple (A_prev, theta)
        What ``dense_backward`` needs.
    """
    A_prev, theta, b = _check_dense(A_prev, theta, b)
    return _dense_forward(A_prev, theta, b), (A_prev, theta)


def dense_backward(dZ, cache):
    """Backward pass of the affine layer.

    Parameters
    ----------
    dZ : array_like of shape (m, n_out)
        Gradient of the cost with respect to Z (already carrying the 1/m of the mean cost).
    cache : tuple (A_prev, theta) from ``dense_forward``

    Returns
    -------
    dA_prev : ndarray of shape (m, n_in)
        dZ @ theta.T
    dtheta : ndarray of shape (n_in, n_out)
        A_prev.T @ dZ, a SUM over the batch.
    db : ndarray of shape (n_out,)
        dZ summed over the batch.
    """
    A_prev, theta = cache
    dZ = as_float_array(dZ, "dZ", ndim=2)
    A_prev, theta, _ = _check_dense(A_prev, theta, np.zeros(np.shape(theta)[1]))
    if dZ.shape != (A_prev.shape[0], theta.shape[1]):
        raise ValueError(f"dZ must have shape {(A_prev.shape[0], theta.shape[1])} to match the cache "
                         f"(A_prev {A_prev.shape}, theta {theta.shape}), got {dZ.shape}")
    return _dense_backward(dZ, (A_prev, theta))


def _sigmoid_backward(dA, A):
    # sigmoid'(z) written with the forward output A = sigmoid(z): dZ = dA * A * (1 - A)
    dZ = dA * A
    dZ *= 1.0 - A
    return dZ


def layer_forward(A_prev, theta, b):
    """One sigmoid layer: A = sigmoid(A_prev @ theta + b).

    Parameters
    ----------
    A_prev : array_like of shape (m, n_in)
    theta : array_like of shape (n_in, n_out)
    b : array_like of shape (n_out,)

    Returns
    -------
    A : ndarray of shape (m, n_out)
    """
    A_prev, theta, b = _check_dense(A_prev, theta, b)
    return _sigmoid(_dense_forward(A_prev, theta, b))


# ----------------------------------------------------------------------------------------------------------
# Whole network
# ----------------------------------------------------------------------------------------------------------

def _forward(X, params, L):
    cache = {}
    A = X
    for l in range(1, L + 1):
        Z = _dense_forward(A, params[f"theta_{l}"], params[f"b{l}"])
        A = _sigmoid(Z)
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = A
    return A, cache


def forward_propagation(X, params):
    """Run a sigmoid network on a batch.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    params : dict
        theta_l of shape (n_{l-1}, n_l) and bl of shape (n_l,) for l = 1..L (any L >= 1).

    Returns
    -------
    h : ndarray of shape (m, n_L)
        The output activations A_L.
    cache : dict
        Z1, A1, ..., ZL, AL (each (m, n_l)); AL is h. Needed by ``backward_propagation``.

    Raises
    ------
    ValueError
        If X is not 2-D or contains NaN/inf, or the params do not chain from X's n0 columns.
    """
    X = as_float_array(X, "X", ndim=2)
    params = check_params(params, n_features=X.shape[1])
    return _forward(X, params, n_layers(params))


def forward_one_sample(x, params):
    """Forward pass for ONE sample with explicit loops over the neurons (the teaching version).

    Each neuron j of layer l computes a weighted sum of the previous layer's activations plus its bias and
    applies the sigmoid. ``forward_propagation`` does the same for a whole batch with matrix products.

    Parameters
    ----------
    x : array_like of shape (n0,)
    params : dict
        theta_l of shape (n_{l-1}, n_l) and bl of shape (n_l,) for l = 1..L.

    Returns
    -------
    ndarray of shape (n_L,)
    """
    x = as_float_array(x, "x", ndim=1)
    params = check_params(params, n_features=x.shape[0])
    a = x
    for l in range(1, n_layers(params) + 1):
        theta, b = params[f"theta_{l}"], params[f"b{l}"]
        n_in, n_out = theta.shape
        a_next = np.empty(n_out)
        for j in range(n_out):
            z = b[j]
            for i in range(n_in):
                z += a[i] * theta[i, j]
            a_next[j] = _sigmoid(z)
        a = a_next
    return a


def _backward(X, Y, params, cache, L):
    m = X.shape[0]
    dZ = (cache[f"A{L}"] - Y) / m  # sigmoid output + mean cross-entropy: dJ/dZ_L = (h - Y) / m
    grads = {}
    for l in range(L, 0, -1):
        A_prev = cache[f"A{l - 1}"] if l > 1 else X
        dA_prev, grads[f"dtheta_{l}"], grads[f"db{l}"] = _dense_backward(dZ, (A_prev, params[f"theta_{l}"]))
        if l > 1:  # below layer 1 is the input X, which has no activation to go back through
            dZ = _sigmoid_backward(dA_prev, A_prev)
    return grads


def _check_cache(cache, params, m, L):
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by forward_propagation, got {type(cache).__name__}")
    checked = {}
    for l in range(1, L + 1):
        shape = (m, params[f"theta_{l}"].shape[1])
        for key in (f"Z{l}", f"A{l}"):
            if key not in cache:
                raise ValueError(f"cache is missing {key!r}; pass the cache returned by forward_propagation")
            arr = as_float_array(cache[key], f"cache[{key!r}]", ndim=2)
            if arr.shape != shape:
                raise ValueError(f"cache[{key!r}] must have shape {shape}, got {arr.shape}")
            checked[key] = arr
    return checked


def backward_propagation(X, Y, params, cache):
    """Gradients of the mean binary cross-entropy of a sigmoid network.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    Y : array_like of shape (m, 1)
        0/1 labels as a COLUMN vector.
    params : dict
        theta_l (n_{l-1}, n_l) and bl (n_l,), l = 1..L, with n_L = 1.
    cache : dict
        The cache returned by ``forward_propagation(X, params)``.

    Returns
    -------
    grads : dict
        dtheta_l (n_{l-1}, n_l) and dbl (n_l,) for l = 1..L, the same shapes as params.

    Raises
    ------
    ValueError
        If Y is a flat (m,) vector, shapes do not chain, or the cache does not match.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = check_column(Y, "Y", m=X.shape[0])
    params = check_params(params, n_features=X.shape[1])
    L = n_layers(params)
    if params[f"theta_{L}"].shape[1] != 1:
        raise ValueError(f"the output layer must have 1 unit to match Y (m, 1), got theta_{L} of shape "
                         f"{params[f'theta_{L}'].shape}")
    cache = _check_cache(cache, params, X.shape[0], L)
    grads = _backward(X, Y, params, cache, L)
    return {key: grads[key] for l in range(1, L + 1) for key in (f"dtheta_{l}", f"db{l}")}


def _update_params(params, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}


def update_params(params, grads, learning_rate):
    """One gradient-descent step: param - learning_rate * dparam for every parameter.

    Parameters
    ----------
    params : dict
        theta_l and bl arrays.
    grads : dict
        dtheta_l and dbl arrays of the same shapes.
    learning_rate : float

    Returns
    -------
    dict
        A NEW params dict; the arrays passed in are not modified.
    """
    params = check_params(params)
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of dtheta_l / dbl arrays, got {type(grads).__name__}")
    expected = {"d" + key for key in params}
    missing, extra = sorted(expected - set(grads)), sorted(set(grads) - expected, key=str)
    if missing or extra:
        raise ValueError(f"grads keys must match params: missing {missing}, unexpected {extra}")
    checked = {}
    for key, value in params.items():
        g = as_float_array(grads["d" + key], f"grads['d{key}']")
        if g.shape != value.shape:
            raise ValueError(f"grads['d{key}'] has shape {g.shape} but params['{key}'] has shape {value.shape}")
        checked["d" + key] = g
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate must be a real number, got {learning_rate!r}")
    if not np.isfinite(learning_rate):
        raise ValueError(f"learning_rate must be finite, got {learning_rate!r}")
    return _update_params(params, checked, float(learning_rate))
