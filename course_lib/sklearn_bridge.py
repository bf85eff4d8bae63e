"""scikit-learn's ``MLPClassifier`` set up to compute exactly what ``NeuralNet`` computes.

With solver="sgd", momentum=0, alpha=0 (no L2 penalty), batch_size = m, shuffle=False, logistic hidden
activations, a constant learning rate and no early stopping, one MLPClassifier epoch is one full-batch
gradient step on the mean binary cross-entropy: the same update as ``NeuralNet``. Its ``coefs_[l - 1]`` and
``intercepts_[l - 1]`` are our theta_l and bl, and its ``loss_curve_`` is our ``cost_history_``.

scikit-learn has no public way to choose the initial weights, so ``start_mlp_from_params`` lets the
estimator initialise itself properly (one ``partial_fit``, which creates every fitted attribute), then
replaces the weights and resets the training record. ``fit_mlp_from_params`` then runs ``fit`` with
warm_start=True, which keeps those weights.
"""

import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from course_lib._validation import as_float_array, check_int, check_params, check_positive_float, n_layers


def _hidden_sizes(hidden):
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__len__") or len(hidden) == 0:
        raise TypeError(f"hidden must be an int or a non-empty sequence of hidden layer sizes, got {hidden!r}")
    return tuple(check_int(n, f"hidden[{i}]", 1) for i, n in enumerate(hidden))


def make_equivalent_mlp(hidden, learning_rate, iterations, n_samples):
    """An unfitted MLPClassifier that follows ``NeuralNet``'s full-batch trajectory.

    Parameters
    ----------
    hidden : int or sequence of int
        Hidden layer sizes, e.g. 14 or (14,) for layers [30, 14, 1].
    learning_rate : float
        NeuralNet's learning_rate (a step on the MEAN cost; scikit-learn also averages over the batch).
    iterations : int
        Number of epochs (max_iter).
    n_samples : int
        Number of training rows m: batch_size = m makes every epoch one full-batch step.

    Returns
    -------
    MLPClassifier
        With tol=0 and n_iter_no_change=inf it never stops early: it always runs ``iterations`` epochs.
    """
    return MLPClassifier(
        hidden_layer_sizes=_hidden_sizes(hidden),
        activation="logistic",
        solver="sgd",
        alpha=0.0,
        batch_size=check_int(n_samples, "n_samples", 1),
        learning_rate="constant",
        learning_rate_init=check_positive_float(learning_rate, "learning_rate"),
        max_iter=check_int(iterations, "iterations", 1),
        shuffle=False,
        momentum=0.0,
        nesterovs_momentum=False,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )


def params_to_coefs(params):
    """Convert a params dict to scikit-learn's (coefs_, intercepts_) lists (copies).

    Parameters
    ----------
    params : dict
        theta_l (n_{l-1}, n_l) and bl (n_l,), l = 1..L.

    Returns
    -------
    coefs : list of L ndarrays, coefs[l - 1] = theta_l
    intercepts : list of L ndarrays, intercepts[l - 1] = bl
    """
    params = check_params(params)
    L = n_layers(params)
    return ([params[f"theta_{l}"].copy() for l in range(1, L + 1)],
            [params[f"b{l}"].copy() for l in range(1, L + 1)])


def coefs_to_params(coefs, intercepts):
    """Convert scikit-learn's coefs_ / intercepts_ lists to a params dict (copies).

    Parameters
    ----------
    coefs : list of ndarray, coefs[l - 1] of shape (n_{l-1}, n_l)
    intercepts : list of ndarray, intercepts[l - 1] of shape (n_l,)

    Returns
    -------
    dict
        theta_l and bl for l = 1..L.
    """
    if len(coefs) != len(intercepts):
        raise ValueError(f"coefs has {len(coefs)} layers but intercepts has {len(intercepts)}")
    params = {}
    for l, (theta, b) in enumerate(zip(coefs, intercepts), start=1):
        params[f"theta_{l}"] = np.array(theta, dtype=np.float64)
        params[f"b{l}"] = np.array(b, dtype=np.float64)
    return check_params(params)


def start_mlp_from_params(mlp, X, y, params):
    """A copy of ``mlp``, initialised on (X, y) and set to start training from ``params``.

    The copy is made with ``sklearn.base.clone`` (``mlp`` itself is not modified) and has warm_start=True,
    so that a following ``fit(X, y)`` continues from these weights instead of drawing new ones.

    Parameters
    ----------
    mlp : MLPClassifier
        Typically from ``make_equivalent_mlp``; its hidden_layer_sizes must match params.
    X : array_like of shape (m, n0)
    y : array_like of shape (m,)
        Labels 0/1.
    params : dict
        theta_l (n_{l-1}, n_l) and bl (n_l,), with n0 = X.shape[1] and n_L = 1.

    Returns
    -------
    MLPClassifier
        Fitted attributes exist; coefs_ / intercepts_ equal params; loss_curve_ is empty.
    """
    X = as_float_array(X, "X", ndim=2)
    coefs, intercepts = params_to_coefs(check_params(params, n_features=X.shape[1]))
    hidden = tuple(np.atleast_1d(mlp.get_params()["hidden_layer_sizes"]))
    if tuple(c.shape[1] for c in coefs[:-1]) != hidden or coefs[-1].shape[1] != 1:
        raise ValueError(f"params have layer sizes {[X.shape[1]] + [c.shape[1] for c in coefs]} but the "
                         f"MLPClassifier has hidden_layer_sizes={hidden} and needs one output unit")
    started = clone(mlp).set_params(warm_start=True)
    # One partial_fit lets scikit-learn create every fitted attribute (label binarizer, layer count,
    # output activation, ...) the proper way; its weights are then replaced by ours.
    started.partial_fit(X, y, classes=np.array([0, 1]))
    started.coefs_ = coefs
    started.intercepts_ = intercepts
    # Forget that priming epoch, so that the training record starts with our weights.
    started.loss_curve_ = []
    started.best_loss_ = np.inf
    started.n_iter_ = 0
    started.t_ = 0
    return started


def fit_started_mlp(started, X, y):
    """Run ``fit`` on an estimator from ``start_mlp_from_params`` for its max_iter epochs.

    Every epoch of such an estimator runs, so reaching max_iter is the planned end of training, not a failure
    to converge: scikit-learn's ConvergenceWarning that says so is silenced here, and only that warning.

    Parameters
    ----------
    started : MLPClassifier with warm_start=True
    X : array_like of shape (m, n0)
    y : array_like of shape (m,)

    Returns
    -------
    started, fitted (the same object)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning, message=".*Maximum iterations")
        return started.fit(X, y)


def fit_mlp_from_params(mlp, X, y, params):
    """Fit a copy of ``mlp`` on (X, y) starting from ``params``; return the fitted copy.

    Parameters
    ----------
    mlp : MLPClassifier
        Typically from ``make_equivalent_mlp`` (``mlp`` itself is not modified).
    X : array_like of shape (m, n0)
    y : array_like of shape (m,)
        Labels 0/1.
    params : dict
        Initial theta_l and bl.

    Returns
    -------
    MLPClassifier
        Fitted; ``loss_curve_`` is comparable with ``NeuralNet.cost_history_`` and ``coefs_`` /
        ``intercepts_`` with ``NeuralNet.params_`` (see ``coefs_to_params``).
    """
    return fit_started_mlp(start_mlp_from_params(mlp, X, y, params), X, y)
