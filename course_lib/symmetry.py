"""How different the hidden units of a layer are: the symmetry lesson of zero initialisation."""

import numpy as np

from course_lib._validation import as_float_array


def hidden_unit_spread(theta):
    """Largest difference between hidden units' incoming weights.

    For each input row of theta, take the range (max - min) across the hidden columns, and return the
    largest of these ranges. 0.0 means every hidden unit has exactly the same incoming weights, so they all
    compute the same feature: gradient descent then keeps them identical forever.

    In floating point "forever" holds exactly as long as the matrix products round identical columns
    identically. OpenBLAS does so for layer widths that fill its SIMD blocks (4, 8, 16, ...); for other
    widths (5, 14, 20) its edge kernels may sum in another order, and the spread of a zero-initialised layer
    then sits at rounding level (about 1e-15) instead of exactly 0. The units still never separate.

    Parameters
    ----------
    theta : array_like of shape (n_in, n_hidden)
        Weights into a hidden layer (column j holds unit j's incoming weights).

    Returns
    -------
    float >= 0
    """
    theta = as_float_array(theta, "theta", ndim=2)
    if theta.size == 0:
        raise ValueError(f"theta must not be empty, got shape {theta.shape}")
    return float(np.ptp(theta, axis=1).max())
