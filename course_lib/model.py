"""``NeuralNet``: the seed article's classifier done right, with scikit-learn's estimator conventions.

It initialises the weights, back-propagates, and records the cost of every epoch, which the article's
printed ``fit`` does not. ``__init__`` only stores its arguments; ``fit`` validates them and learns; learned
attributes end in an underscore.
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
from course_lib.initializers import INITIALIZERS, init_params
from course_lib.losses import _binary_cross_entropy_labels
from course_lib.network import _forward


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


def _sigmoid_inplace(Z):
    # The same arithmetic as activations.sigmoid, overwriting Z (the caller holds np.errstate(over="ignore")).
    np.negative(Z, out=Z)
    np.exp(Z, out=Z)
    Z += 1.0
    return np.reciprocal(Z, out=Z)


def _gradient_descent(X, Y, params, learning_rate, iterations, batch_size, rng):
    """The training loop of ``NeuralNet.fit``: the arithmetic of forward_propagation, binary_cross_entropy,
    backward_propagation and update_params, arranged for speed.

    Inputs are trusted (fit has validated them). Two arrangements make it fast; the results agree with the
    public functions and with scikit-learn to rounding (the tests compare them to 1e-12 and 1e-10):

    * Each layer's weights live in one "augmented" array W_l = [theta_l; bl] of shape (n_{l-1} + 1, n_l),
      the bias being the weight of a constant input 1 (the article's bias unit x0). For the first layer, X
      gets that column of ones once, so X1 @ W_1 adds the bias and X1.T @ dZ_1 yields db1 inside the matrix
      products; deeper layers use the slices W_l[:-1] and W_l[-1]. The update is then one in-place step per
      layer on arrays that fit owns.
    * Intermediate arrays are overwritten in place where nothing else refers to them, and the overflow of
      exp in the sigmoid (harmless, see activations.sigmoid) is silenced once around the whole loop.

    Returns
    -------
    params : dict of theta_l, bl
    history : list of float, the mean cost of each epoch (batch costs weighted by batch size)
    """
    m = X.shape[0]
    L = len(params) // 2
    X1 = np.hstack([X, np.ones((m, 1))])
    W = [np.vstack([params[f"theta_{l}"], params[f"b{l}"]]) for l in range(1, L + 1)]
    is_one = Y == 1.0
    history = []

    def step(X1, X1T, Y, is_one):
        # forward: A[l] is the activation of layer l (A[0] would be X; the first layer reads X1 instead)
        n = X1.shape[0]
        A = [None]
        Z = X1 @ W[0]
        for l in range(1, L):
            A.append(_sigmoid_inplace(Z))
            Z = A[l] @ W[l][:-1]
            Z += W[l][-1]
        h = _sigmoid_inplace(Z)
        cost = _binary_cross_entropy_labels(is_one, h)
        # backward: dJ/dZ_L = (h - Y) / n, then back through the layers
        dZ = h - Y
        dZ /= n
        for l in range(L - 1, 0, -1):
            dW = np.empty_like(W[l])
            np.matmul(A[l].T, dZ, out=dW[:-1])
            dZ.sum(axis=0, out=dW[-1])  # not ones @ dZ, which would break exact symmetry (see network.py)
            dA = np.dot(dZ, W[l][:-1].T)  # np.dot: BLAS also for the (n, 1) @ (1, k) outer product
            dA *= A[l]
            dA *= 1.0 - A[l]  # sigmoid'(Z) = A (1 - A)
            dW *= learning_rate
            W[l] -= dW  # layer l's gradient is complete, and dA was computed from the old weights
            dZ = dA
        dW = X1T @ dZ
        dW *= learning_rate
        W[0] -= dW
        return cost

    with np.errstate(over="ignore"):
        if batch_size == m:
            X1T = np.ascontiguousarray(X1.T)  # X1.T @ dZ is faster with a contiguous transpose
            for _ in range(iterations):
                history.append(step(X1, X1T, Y, is_one))
        else:
            for _ in range(iterations):
                order = rng.permutation(m)
                epoch_cost = 0.0
                for start in range(0, m, batch_size):
                    rows = order[start:start + batch_size]
                    X1_batch = X1[rows]
                    epoch_cost += step(X1_batch, X1_batch.T, Y[rows], is_one[rows]) * len(rows)
                history.append(epoch_cost / m)

    if not all(np.isfinite(W_l).all() for W_l in W):
        raise ValueError(f"training diverged (non-finite weights); try a smaller learning_rate than {learning_rate}")
    params = {}
    for l, W_l in enumerate(W, start=1):
        params[f"theta_{l}"] = W_l[:-1].copy()
        params[f"b{l}"] = W_l[-1].copy()
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
                 seed=0):
        self.layers = layers
        self.learning_rate = learning_rate
        self.iterations = iterations
        self.batch_size = batch_size
        self.init = init
        self.seed = seed

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
            X's number of columns or does not end with 1, or a hyperparameter is out of range.
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
        rng = as_rng(self.seed, "seed")
        params = self._initial_params(layers, rng)

        params, history = _gradient_descent(X, Y, params, learning_rate, iterations, batch_size, rng)

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
