"""Input checks shared by the public entry points of course_lib.

Every check returns a float64 array (a new one only when a conversion is needed) or raises a
``ValueError``/``TypeError`` that names the argument and the offending shape or value. The hot training loop
never calls these: it validates once at the public boundary and then works on trusted arrays.
"""

import numbers
import re

import numpy as np


def as_float_array(a, name, ndim=None, allow_nan=False):
    """Convert ``a`` to a float64 ndarray and check its dimensionality and finiteness.

    Parameters
    ----------
    a : array_like
    name : str
        Argument name used in error messages.
    ndim : int or None
        Required number of dimensions (None accepts any).
    allow_nan : bool
        If False, NaN or infinite entries raise ValueError.

    Returns
    -------
    ndarray of dtype float64
    """
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array, got {type(a).__name__}")
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {type(a).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if not allow_nan and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} contains NaN or infinity (first at index {tuple(int(i) for i in bad)})")
    return arr


def check_column(Y, name, m=None):
    """Check that ``Y`` is a column vector of shape (m, 1) and return it as float64.

    A flat (m,) vector is rejected on purpose: ``h - Y`` with h (m, 1) and Y (m,) would silently
    broadcast to (m, m).
    """
    arr = as_float_array(Y, name)
    if arr.ndim == 1:
        raise ValueError(
            f"{name} must be a column vector of shape (m, 1), got shape {arr.shape}; use {name}.reshape(-1, 1)"
        )
    if arr.ndim != 2 or arr.shape[1] != 1:
        raise ValueError(f"{name} must have shape (m, 1), got shape {arr.shape}")
    if m is not None and arr.shape[0] != m:
        raise ValueError(f"{name} must have {m} rows to match the other inputs, got shape {arr.shape}")
    return arr


def check_same_shape(a, b, name_a, name_b):
    """Raise ValueError unless the two arrays have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_int(value, name, minimum):
    """Check that ``value`` is an integer (not bool) of at least ``minimum`` and return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_positive_float(value, name):
    """Check that ``value`` is a finite real number > 0 and return it as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_layers(layers):
    """Check a layer-size list such as [30, 14, 1] and return it as a list of ints."""
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
        raise TypeError(f"layers must be a sequence of layer sizes such as [30, 14, 1], got {layers!r}")
    if len(layers) < 2:
        raise ValueError(f"layers needs at least an input and an output size, got {list(layers)!r}")
    return [check_int(n, f"layers[{i}]", 1) for i, n in enumerate(layers)]


def n_layers(params):
    """Number L of weight layers in ``params``, after checking the keys theta_1, b1, ..., theta_L, bL.

    Raises ValueError when a key is missing or unexpected, so that a misspelt key is never ignored.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of theta_l / bl arrays, got {type(params).__name__}")
    indices = [int(match.group(2)) for key in params if isinstance(key, str)
               for match in [re.fullmatch(r"(theta_|b)(\d+)", key)] if match]
    L = max(indices, default=0)
    if L == 0:
        raise ValueError(f"params has no theta_1 / b1: expected keys theta_1, b1, theta_2, b2, ..., got {list(params)}")
    expected = {f"theta_{l}" for l in range(1, L + 1)} | {f"b{l}" for l in range(1, L + 1)}
    missing = sorted(expected - set(params))
    extra = sorted(set(params) - expected, key=str)
    if missing or extra:
        raise ValueError(f"params keys do not form theta_1, b1, ..., theta_{L}, b{L}: missing {missing}, "
                         f"unexpected {extra}")
    return L


def check_params(params, n_features=None):
    """Check that params describes a chain of dense layers and return float64 copies-on-need.

    Parameters
    ----------
    params : dict
        theta_l of shape (n_{l-1}, n_l) and bl of shape (n_l,) for l = 1..L.
    n_features : int or None
        If given, theta_1 must have this many rows (the number of columns of X).

    Returns
    -------
    params : dict of float64 ndarrays (the caller's arrays are never modified)
    """
    L = n_layers(params)
    checked = {}
    prev = n_features
    for l in range(1, L + 1):
        theta = as_float_array(params[f"theta_{l}"], f"params['theta_{l}']", ndim=2)
        b = as_float_array(params[f"b{l}"], f"params['b{l}']", ndim=1)
        if prev is not None and theta.shape[0] != prev:
            what = "X has" if l == 1 else f"theta_{l - 1} has"
            raise ValueError(f"params['theta_{l}'] has shape {theta.shape} but {what} {prev} "
                             f"{'features' if l == 1 else 'columns'}; expected ({prev}, n_{l})")
        if b.shape != (theta.shape[1],):
            raise ValueError(f"params['b{l}'] must have shape ({theta.shape[1]},) to match theta_{l} "
                             f"{theta.shape}, got {b.shape}")
        checked[f"theta_{l}"] = theta
        checked[f"b{l}"] = b
        prev = theta.shape[1]
    return checked


def as_rng(rng, name="rng"):
    """Return a numpy Generator from a Generator, an int seed, or None (fresh OS entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"{name} must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")
