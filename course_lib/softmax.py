"""The capstone classifier: a [n0, n1, K] network with a ReLU hidden layer, a softmax output and the
cross-entropy loss (K = 10 for the MNIST digits of notebook 09).

Shapes, for a batch of m samples and K classes:

* X (m, n0); the labels are digits y (m,) turned into one-hot rows Y (m, K) by ``one_hot``;
* logits Z (m, K), probabilities P = softmax(Z) (m, K), each row summing to 1 (the softmax runs along axis 1,
  the classes, never along the samples);
* the loss is the MEAN over the batch of -sum_k Y_ik log P_ik, so the 1/m lives in the gradient with respect to
  the logits, dZ = (P - Y) / m, and the dense layers SUM over the batch (as everywhere in course_lib).

The softmax subtracts each row's maximum before exponentiating: the result is the same mathematically, and
exp never overflows. The cross-entropy clips P at ``CLIP`` (1e-15, as ``losses.binary_cross_entropy``) before the
log, so a probability that underflowed to exactly 0 gives a large finite loss instead of infinity.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib._validation import as_float_array, check_params, n_layers
from course_lib.activations import relu
from course_lib.losses import CLIP
from course_lib.network import dense_backward, dense_forward
from course_lib.relu_mse import relu_backward

__all__ = [
    "cross_entropy",
    "one_hot",
    "predict_proba",
    "softmax",
    "softmax_cross_entropy_backward",
    "softmax_forward_and_backward",
]


def one_hot(y, n_classes):
    """Turn class labels into one-hot rows.

    Parameters
    ----------
    y : array_like of shape (m,)
        Integer class labels in 0, ..., n_classes - 1 (integer-valued floats are accepted).
    n_classes : int
        The number of classes K (at least 1).

    Returns
    -------
    Y : ndarray of shape (m, n_classes), float64
        Y[i, y[i]] = 1 and every other entry 0.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    labels = as_float_array(y, "y", ndim=1)
    if not np.array_equal(labels, np.round(labels)) or labels.min(initial=0) < 0 or labels.max(initial=0) >= n_classes:
        raise ValueError(f"y must hold integer labels between 0 and {n_classes - 1}; got values from "
                         f"{labels.min(initial=0)!r} to {labels.max(initial=0)!r}")
    Y = np.zeros((labels.shape[0], int(n_classes)))
    Y[np.arange(labels.shape[0]), labels.astype(np.int64)] = 1.0
    return Y


def softmax(Z):
    """Row-wise softmax, computed without overflow.

    P_ik = exp(Z_ik - max_j Z_ij) / sum_k' exp(Z_ik' - max_j Z_ij). Subtracting the row maximum changes nothing
    mathematically (it cancels between numerator and denominator) but keeps every exponent <= 0.

    Parameters
    ----------
    Z : array_like of shape (m, K)
        Logits, one row per sample.

    Returns
    -------
    P : ndarray of shape (m, K)
        Probabilities: every entry in [0, 1], every row summing to 1.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _check_pair(P, Y):
    P = as_float_array(P, "P", ndim=2)
    Y = as_float_array(Y, "Y")
    if Y.shape != P.shape:
        raise ValueError(f"Y must be one-hot with the shape of P {P.shape}, got shape {Y.shape}"
                         + ("; turn labels into rows with one_hot(y, K)" if Y.ndim == 1 else ""))
    return P, Y


def cross_entropy(P, Y):
    """Mean cross-entropy -(1/m) sum_i sum_k Y_ik log P_ik.

    P is clipped to [1e-15, 1] first, so the loss stays finite when a probability is exactly 0.

    Parameters
    ----------
    P : array_like of shape (m, K)
        Predicted probabilities (rows of a softmax).
    Y : array_like of shape (m, K)
        One-hot labels.

    Returns
    -------
    float
    """
    P, Y = _check_pair(P, Y)
    return float(-np.sum(Y * np.log(np.clip(P, CLIP, 1.0))) / P.shape[0])


def softmax_cross_entropy_backward(P, Y):
    """Gradient of the mean cross-entropy of softmax(Z) with respect to the logits Z.

    Parameters
    ----------
    P : array_like of shape (m, K)
        softmax(Z).
    Y : array_like of shape (m, K)
        One-hot labels.

    Returns
    -------
    dZ : ndarray of shape (m, K)
        (P - Y) / m.
    """
    P, Y = _check_pair(P, Y)
    return (P - Y) / P.shape[0]


def _check_network(X, params):
    X = as_float_array(X, "X", ndim=2)
    params = check_params(params, n_features=X.shape[1])
    if n_layers(params) != 2:
        raise ValueError("params must describe a [n0, n1, K] network: theta_1, b1, theta_2, b2")
    return X, params


def _forward(X, params):
    Z1, cache_1 = dense_forward(X, params["theta_1"], params["b1"])
    A1 = relu(Z1)
    Z2, cache_2 = dense_forward(A1, params["theta_2"], params["b2"])
    return softmax(Z2), (cache_1, Z1, cache_2)


def predict_proba(X, params):
    """Class probabilities of the [n0, n1, K] ReLU + softmax network.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    params : dict
        theta_1 (n0, n1), b1 (n1,), theta_2 (n1, K), b2 (K,).

    Returns
    -------
    P : ndarray of shape (m, K)
    """
    X, params = _check_network(X, params)
    return _forward(X, params)[0]


def softmax_forward_and_backward(X, Y, params):
    """Loss and gradients of the [n0, n1, K] ReLU + softmax network with the mean cross-entropy.

    Forward: Z1 = X theta_1 + b1, A1 = relu(Z1), Z2 = A1 theta_2 + b2, P = softmax(Z2), loss = cross_entropy(P, Y).
    Backward: dZ2 = (P - Y) / m, then the dense layer, the ReLU and the first dense layer in reverse.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    Y : array_like of shape (m, K)
        One-hot labels.
    params : dict
        theta_1 (n0, n1), b1 (n1,), theta_2 (n1, K), b2 (K,).

    Returns
    -------
    loss : float
    grads : dict
        dtheta_1, db1, dtheta_2, db2, shaped like the params.
    """
    X, params = _check_network(X, params)
    P, (cache_1, Z1, cache_2) = _forward(X, params)
    loss = cross_entropy(P, Y)
    dZ2 = softmax_cross_entropy_backward(P, Y)
    dA1, dtheta_2, db2 = dense_backward(dZ2, cache_2)
    dZ1 = relu_backward(dA1, Z1)
    _, dtheta_1, db1 = dense_backward(dZ1, cache_1)
    return loss, {"dtheta_1": dtheta_1, "db1": db1, "dtheta_2": dtheta_2, "db2": db2}
