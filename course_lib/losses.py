"""Cost functions (means over the batch) and their gradients.

Labels and predictions are column vectors of shape (m, 1). A flat (m,) vector raises ValueError, because
``h - Y`` with shapes (m, 1) and (m,) would silently broadcast to an (m, m) matrix.
"""

import numpy as np

from course_lib._validation import check_column

#: h is clipped to [CLIP, 1 - CLIP] before taking logs, so the cost stays finite at h = 0 or h = 1.
CLIP = 1e-15


def _binary_cross_entropy(Y, h):
    hc = np.clip(h, CLIP, 1.0 - CLIP)
    return float(-np.mean(Y * np.log(hc) + (1.0 - Y) * np.log(1.0 - hc)))


def _binary_cross_entropy_labels(is_one, h):
    # The same value as _binary_cross_entropy for 0/1 labels (for Y = 1 the (1 - Y) term is exactly 0, and
    # vice versa), with fewer passes over the data; is_one is the boolean column Y == 1. Used in training.
    hc = np.clip(h, CLIP, 1.0 - CLIP)
    return -float(np.log(np.where(is_one, hc, 1.0 - hc)).mean())


def binary_cross_entropy(Y, h):
    """Mean binary cross-entropy -mean(Y log h + (1 - Y) log(1 - h)).

    h is clipped to [1e-15, 1 - 1e-15] first, so the cost is finite even when h is exactly 0 or 1.

    Parameters
    ----------
    Y : array_like of shape (m, 1)
        Labels in [0, 1] (1 = benign, 0 = malignant for the breast cancer data).
    h : array_like of shape (m, 1)
        Predicted probabilities P(label = 1).

    Returns
    -------
    float
    """
    Y = check_column(Y, "Y")
    h = check_column(h, "h", m=Y.shape[0])
    return _binary_cross_entropy(Y, h)


def binary_cross_entropy_gradient(Y, h):
    """Gradient of the mean binary cross-entropy with respect to h.

    dJ/dh = (h - Y) / (h (1 - h)) / m, with h clipped like in ``binary_cross_entropy``. Chained with the
    sigmoid derivative h (1 - h) it gives the familiar dJ/dz = (h - Y) / m.

    Parameters
    ----------
    Y : array_like of shape (m, 1)
    h : array_like of shape (m, 1)

    Returns
    -------
    ndarray of shape (m, 1)
    """
    Y = check_column(Y, "Y")
    h = check_column(h, "h", m=Y.shape[0])
    hc = np.clip(h, CLIP, 1.0 - CLIP)
    return (hc - Y) / (hc * (1.0 - hc)) / Y.shape[0]


def _check_pair(out, target):
    out = check_column(out, "out")
    target = check_column(target, "target", m=out.shape[0])
    return out, target


def mse(out, target):
    """Mean squared error mean((out - target)**2).

    Parameters
    ----------
    out : array_like of shape (m, 1)
        Network output.
    target : array_like of shape (m, 1)

    Returns
    -------
    float
    """
    out, target = _check_pair(out, target)
    diff = out - target
    return float(np.mean(diff * diff))


def mse_backward(out, target):
    """Gradient of ``mse`` with respect to out: 2 (out - target) / m.

    Parameters
    ----------
    out : array_like of shape (m, 1)
    target : array_like of shape (m, 1)

    Returns
    -------
    ndarray of shape (m, 1)
    """
    out, target = _check_pair(out, target)
    return 2.0 * (out - target) / out.shape[0]


LOSSES = {
    "binary_cross_entropy": binary_cross_entropy,
    "mse": mse,
}

LOSS_GRADIENTS = {
    "binary_cross_entropy": binary_cross_entropy_gradient,
    "mse": mse_backward,
}
