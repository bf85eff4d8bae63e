"""``NeuralNet``: the seed article's classifier done right, with scikit-learn's estimator conventions.

It initialises the weights, back-propagates, and records the cost of every epoch, which the article's
printed ``fit`` does not. ``__init__`` only stores its arguments; ``fit`` validates them and learns; learned
attributes end in an underscore.

The training itself is ``gradient_descent`` below: for every batch, forward_propagation, binary_cross_entropy,
backward_propagation, update_params. By default ``fit`` runs ``course_lib.fast_training.fast_gradient_descent``
instead, the same computation arranged for speed (tested equal to 1e-12); ``training_loop="readable"`` runs the
loop below.
"""

from itertools import pairwise

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from course_lib._validation import (
    as_float_array,
    as_rng,
    check_int,
    check_layers,
    check_params,
    check_positive_float,
)
from course_lib.fast_training import fast_gradient_descent
from course_lib.initializers import INITIALIZERS, init_params
from course_lib.losses import binary_cross_entropy
from course_lib.network import _forward, backward_propagation, forward_propagation, update_params


def _check_labels(y, m):
    """Return 0/1 labels given as (m,) or (m, 1) as a float64 column (m, 1)."""
    y = as_float_array(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must have shape (m,) or (m, 1), got shape {y.shape}")
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} labels but X has {m} rows")
    if not np.isin(y, (0.0, 1.0)).all():
        bad = y[~np.isin(y, (0.0, 1.0))][0]
        raise ValueError(f"y must contain only the labels 0 and 1, found {bad!r}")
    return y.reshape(-1, 1)


def gradient_descent(X, Y, params, learning_rate, iterations, batch_size, rng):
    """The training loop, written with the course's own functions: forward, cost, backward, update.

    Parameters
    ----------
    X : ndarray of shape (m, n0)
    Y : ndarray of shape (m, 1)
        0/1 labels as floats.
    params : dict
        The initial theta_l (n_{l-1}, n_l) and bl (n_l,); not modified.
    learning_rate : float
    iterations : int
        The number of epochs.
    batch_size : int
        Rows per update; m trains full batch.
    rng : numpy.random.Generator
        Shuffles the rows at the start of every epoch when batch_size < m (unused for full batch).

    Returns
    -------
    params : dict
        The learned theta_l and bl.
    history : list of float
        For each epoch, the mean cost over its batches (each weighted by its number of rows), every batch cost
        computed in the forward pass just before that batch's update.
    """
    m = X.shape[0]
    history = []
    for _ in range(iterations):
        order = np.arange(m) if batch_size == m else rng.permutation(m)
        epoch_cost = 0.0
        for start in range(0, m, batch_size):
            rows = order[start:start + batch_size]
            h, cache = forward_propagation(X[rows], params)
            epoch_cost += binary_cross_entropy(Y[rows], h) * len(rows)
            grads = backward_propagation(X[rows], Y[rows], params, cache)
            params = update_params(params, grads, learning_rate)
        history.append(epoch_cost / m)
    return params, history


class NeuralNet(ClassifierMixin, BaseEstimator):
    """Fully connected sigmoid network for binary classification, trained by gradient descent.

    Every layer, the output included, uses the sigmoid; the cost is the mean binary cross-entropy. With
    mean (not summed) gradients, the seed article's learning rate 0.001 on 455 samples corresponds to
    learning_rate = 0.001 * 455 here.

    Parameters
    ----------
    layers : sequence of int, default=(30, 14, 1)
        Layer sizes [n0, n1, ..., 1]; n0 must equal the number of features and the last size must be 1.
    learning_rate : float, default=0.5
        Step size of gradient descent on the MEAN cost.
    iterations : int, default=100
        Number of epochs (passes over the training set).
    batch_size : int or None, default=None
        None (or any value >= m) trains full batch: one update per epoch. Otherwise the rows are shuffled
        with the seeded generator at the start of every epoch and cut into mini-batches of this size (the
        last one may be smaller), one update per mini-batch.
    init : {"normal", "zeros", "xavier", "he"} or dict, default="normal"
        Weight initialisation (see ``course_lib.initializers``), or a params dict to start from (it is
        copied, never modified).
    seed : int, numpy.random.Generator or None, default=0
        Source of all randomness: the initial weights are drawn first, then the mini-batch shuffles.
        ``fit(X, y)`` with init="normal" and seed=s starts from ``init_params(layers, "normal", s)``.
    training_loop : {"fast", "readable"}, default="fast"
        Which implementation of the same gradient descent ``fit`` runs: ``fast_gradient_descent`` (default)
        or the readable ``gradient_descent``. Both give the same weights and costs to rounding (1e-12).

    Attributes
    ----------
    params_ : dict
        Learned theta_l (n_{l-1}, n_l) and bl (n_l,).
    cost_history_ : list of float, length iterations
        For each epoch, the mean cost over its batches (weighted by batch size), each batch cost computed
        in the forward pass just before that batch's update, exactly like scikit-learn's ``loss_curve_``.
        Full batch: entry k is the cost of the weights after k updates.
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
    classes_ : ndarray of shape (2,)
        array([0, 1]); label 1 = benign, 0 = malignant for the breast cancer data.
    """

    def __init__(self, layers=(30, 14, 1), learning_rate=0.5, iterations=100, batch_size=None, init="normal",
                 seed=0, training_loop="fast"):
        self.layers = layers
        self.learning_rate = learning_rate
        self.iterations = iterations
        self.batch_size = batch_size
        self.init = init
        self.seed = seed
        self.training_loop = training_loop

    # ------------------------------------------------------------------------------------------------------
    def _initial_params(self, layers, rng):
        if isinstance(self.init, dict):
            params = check_params(self.init, n_features=layers[0])
            shapes = [params[f"theta_{l}"].shape for l in range(1, len(params) // 2 + 1)]
            expected = list(pairwise(layers))
            if shapes != expected:
                raise ValueError(f"init params have weight shapes {shapes} but layers={layers} needs {expected}")
            return {key: value.copy() for key, value in params.items()}
        if not isinstance(self.init, str) or self.init not in INITIALIZERS:
            raise ValueError(f"unknown init {self.init!r}; choose one of {sorted(INITIALIZERS)} or pass a params dict")
        return init_params(layers, self.init, rng)

    def _training_function(self):
        # Looked up when fit runs (not stored in a table at import), so that a test can patch either function.
        if self.training_loop == "fast":
            return fast_gradient_descent
        if self.training_loop == "readable":
            return gradient_descent
        raise ValueError(f"unknown training_loop {self.training_loop!r}; choose 'fast' or 'readable'")

    def fit(self, X, y):
        """Train the network on X, y.

        Parameters
        ----------
        X : array_like of shape (m, n0)
            Features, one sample per row (already scaled).
        y : array_like of shape (m,) or (m, 1)
            Labels 0/1.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If X is not 2-D or has NaN/inf, y is not 0/1 or has the wrong length, layers does not start with
            X's number of columns or does not end with 1, a hyperparameter is out of range, or training
            diverged to infinite weights.
        """
        X = as_float_array(X, "X", ndim=2)
        m, n_features = X.shape
        if m == 0:
            raise ValueError("X has no rows")
        Y = _check_labels(y, m)
        layers = check_layers(self.layers)
        if layers[0] != n_features:
            raise ValueError(f"layers={list(layers)} starts with {layers[0]} inputs but X has {n_features} columns "
                             f"(shape {X.shape})")
        if layers[-1] != 1:
            raise ValueError(f"layers={list(layers)} must end with 1 output unit for binary classification")
        learning_rate = check_positive_float(self.learning_rate, "learning_rate")
        iterations = check_int(self.iterations, "iterations", 1)
        batch_size = m if self.batch_size is None else min(check_int(self.batch_size, "batch_size", 1), m)
        train = self._training_function()
        rng = as_rng(self.seed, "seed")
        params = self._initial_params(layers, rng)

        params, history = train(X, Y, params, learning_rate, iterations, batch_size, rng)
        if not all(np.isfinite(value).all() for value in params.values()):
            raise ValueError(f"training diverged (non-finite weights); try a smaller learning_rate than {learning_rate}")

        self.params_ = params
        self.cost_history_ = history
        self.n_iter_ = iterations
        self.n_features_in_ = n_features
        self.classes_ = np.array([0, 1])
        return self

    # ------------------------------------------------------------------------------------------------------
    def _check_fitted_X(self, X):
        if not hasattr(self, "params_"):
            raise NotFittedError("this NeuralNet is not fitted yet; call fit(X, y) first")
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} columns but the network was fitted with {self.n_features_in_} "
                             f"(shape {X.shape})")
        return X

    def _output(self, X):
        X = self._check_fitted_X(X)
        h, _ = _forward(X, self.params_, len(self.params_) // 2)
        return h[:, 0]

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array_like of shape (m, n0)

        Returns
        -------
        ndarray of shape (m, 2)
            Column 0 is P(label 0), column 1 is P(label 1) = the network output h.
        """
        h = self._output(X)
        return np.column_stack([1.0 - h, h])

    def predict(self, X):
        """Predicted labels: 1 where h > 0.5, else 0 (the same threshold as scikit-learn's MLPClassifier).

        Parameters
        ----------
        X : array_like of shape (m, n0)

        Returns
        -------
        ndarray of int, shape (m,)
        """
        return (self._output(X) > 0.5).astype(int)

    def score(self, X, y, sample_weight=None):
        """Accuracy: the fraction of samples whose predicted label equals y.

        Parameters
        ----------
        X : array_like of shape (m, n0)
        y : array_like of shape (m,) or (m, 1)
            Labels 0/1.
        sample_weight : None
            Accepted for scikit-learn compatibility; weights are not supported.

        Returns
        -------
        float in [0, 1]
        """
        if sample_weight is not None:
            raise ValueError("NeuralNet.score does not support sample_weight")
        pred = self.predict(X)
        y = _check_labels(y, pred.shape[0])[:, 0]
        return float(np.mean(pred == y))

    def plot_cost(self, ax=None):
        """Plot cost_history_ against the epoch number.

        Parameters
        ----------
        ax : matplotlib Axes or None
            Axes to draw on; None creates a new figure.

        Returns
        -------
        matplotlib Axes
        """
        if not hasattr(self, "cost_history_"):
            raise NotFittedError("this NeuralNet is not fitted yet; call fit(X, y) first")
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        epochs = np.arange(1, len(self.cost_history_) + 1)
        ax.plot(epochs, self.cost_history_)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean binary cross-entropy")
        ax.set_title(f"Training cost, layers {list(self.layers)}, learning rate {self.learning_rate}")
        return ax
