"""Correct implementations written differently from course_lib: every one of them must pass its exercise.

ALTERNATIVES maps an exercise name to a list of (label, object). They are deliberately varied: other formulas,
einsum/loops, other valid clipping constants, other RNG calls, sklearn/scipy helpers, different dict/cache layouts.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import scipy.special

# ----- 01 ---------------------------------------------------------------------------------------------------------

def sigmoid_tanh(z):
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))


def sigmoid_expit(z):
    return scipy.special.expit(z)


def sigmoid_where(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_scalar_aware(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        s = 1.0 / (1.0 + np.exp(-z))
    return float(s) if s.ndim == 0 else s


def neuron_dot(X, theta, b):
    return sigmoid_expit(np.dot(X, theta) + b)


def neuron_loops(X, theta, b):
    X = np.asarray(X, dtype=float)
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        z = b
        for j in range(X.shape[1]):
            z += X[i, j] * theta[j]
        out[i] = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    return out


def count_comb(n_features):
    return math.comb(n_features + 1, 2)


def count_enumerate(n_features):
    return len(list(itertools.combinations_with_replacement(range(n_features), 2)))


def count_numpy(n_features):
    return np.int64(n_features) * (n_features + 1) // 2


# ----- 02 ---------------------------------------------------------------------------------------------------------

def layer_einsum(A_prev, theta, b):
    return sigmoid_tanh(np.einsum("mi,io->mo", A_prev, theta) + np.reshape(b, (1, -1)))


def layer_dot(A_prev, theta, b):
    return scipy.special.expit(np.dot(A_prev, theta) + b)


def forward_loop(X, params):
    L = len([k for k in params if k.startswith("theta")])
    cache = {"A0": X}
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"theta_{l}"] + params[f"b{l}"]
        A = scipy.special.expit(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def forward_recursive(X, params, l=1, cache=None):
    cache = {} if cache is None else cache
    if f"theta_{l}" not in params:
        return cache[f"A{l - 1}"], cache
    Z = np.einsum("mi,ij->mj", X, params[f"theta_{l}"]) + params[f"b{l}"]
    cache[f"Z{l}"] = Z
    cache[f"A{l}"] = sigmoid_where(Z)
    return forward_recursive(cache[f"A{l}"], params, l + 1, cache)


def forward_list(X, params):
    """Returns a list [h, cache] instead of a tuple: unpacking works the same."""
    h, cache = forward_loop(X, params)
    return [h, cache]


def one_sample_vectorised(x, params):
    a = np.asarray(x, dtype=float)
    l = 1
    while f"theta_{l}" in params:
        a = sigmoid_tanh(a @ params[f"theta_{l}"] + params[f"b{l}"])
        l += 1
    return a


def one_sample_loops(x, params):
    a = list(map(float, x))
    l = 1
    while f"theta_{l}" in params:
        theta, b = params[f"theta_{l}"], params[f"b{l}"]
        a = [1 / (1 + math.exp(-(b[j] + sum(a[i] * theta[i][j] for i in range(len(a))))))
             for j in range(theta.shape[1])]
        l += 1
    return np.array(a)


# ----- 03 ---------------------------------------------------------------------------------------------------------

def bce_clip_1e12(Y, h):
    h = np.clip(h, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(h) + (1 - Y) * np.log(1 - h)))


def bce_where(Y, h):
    eps = 1e-9
    p = np.where(Y == 1, h, 1 - h)
    return -np.log(np.maximum(p, eps)).mean()


def bce_sklearn(Y, h):
    from sklearn.metrics import log_loss
    return log_loss(Y.ravel(), h.ravel(), labels=[0, 1])


def bce_log1p(Y, h):
    h = np.clip(h, 1e-15, 1 - 1e-15)
    return -np.sum(Y * np.log(h) + (1 - Y) * np.log1p(-h)) / Y.shape[0]


def backward_einsum(X, Y, params, cache):
    m = X.shape[0]
    dZ2 = (cache["A2"] - Y) / m
    dZ1 = np.einsum("mk,jk->mj", dZ2, params["theta_2"]) * cache["A1"] * (1 - cache["A1"])
    return {"dtheta_1": np.einsum("mi,mj->ij", X, dZ1), "db1": np.einsum("mj->j", dZ1),
            "dtheta_2": np.einsum("mi,mj->ij", cache["A1"], dZ2), "db2": np.einsum("mj->j", dZ2)}


def backward_loops(X, Y, params, cache):
    """Sample by sample, accumulating averaged gradients."""
    m = X.shape[0]
    grads = {"dtheta_1": np.zeros_like(params["theta_1"]), "db1": np.zeros_like(params["b1"]),
             "dtheta_2": np.zeros_like(params["theta_2"]), "db2": np.zeros_like(params["b2"])}
    for i in range(m):
        a1 = cache["A1"][i]
        dz2 = cache["A2"][i] - Y[i]
        grads["dtheta_2"] += np.outer(a1, dz2) / m
        grads["db2"] += dz2 / m
        dz1 = (params["theta_2"] @ dz2) * a1 * (1 - a1)
        grads["dtheta_1"] += np.outer(X[i], dz1) / m
        grads["db1"] += dz1 / m
    return grads


def backward_general(X, Y, params, cache):
    L = len(params) // 2
    m = len(X)
    grads, dZ = {}, (cache[f"A{L}"] - Y) / m
    for l in range(L, 0, -1):
        A_prev = X if l == 1 else cache[f"A{l - 1}"]
        grads[f"dtheta_{l}"] = A_prev.T @ dZ
        grads[f"db{l}"] = dZ.sum(axis=0)
        if l > 1:
            dZ = (dZ @ params[f"theta_{l}"].T) * A_prev * (1 - A_prev)
    return grads


def numgrad_flat(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    flat = x.ravel().copy()
    g = np.zeros_like(flat)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = f(flat.reshape(x.shape))
        flat[i] = old - eps
        fm = f(flat.reshape(x.shape))
        flat[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g.reshape(x.shape)


def numgrad_restore(f, x, eps=1e-5):
    """Perturbs x in place but saves and restores every entry exactly."""
    g = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


def relerr_sqrt(a, b):
    num = np.sqrt(np.sum((a - b) ** 2))
    den = np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(b ** 2))
    return 0.0 if den == 0 else num / den


def relerr_ravel(a, b):
    d = np.linalg.norm(np.ravel(a)) + np.linalg.norm(np.ravel(b))
    return float(np.linalg.norm(np.ravel(a) - np.ravel(b)) / d) if d > 0 else 0.0


def update_comprehension(params, grads, learning_rate):
    return {k: v - learning_rate * grads["d" + k] for k, v in params.items()}


def update_copy_loop(params, grads, learning_rate):
    new = {k: v.copy() for k, v in params.items()}
    for k in new:
        new[k] -= learning_rate * grads[f"d{k}"]
    return new


# ----- 04 ---------------------------------------------------------------------------------------------------------

def init_standard_normal(layers, method="normal", rng=None):
    if method not in ("zeros", "normal", "xavier"):
        raise ValueError(f"unknown method {method}")
    p = {}
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        if method == "zeros":
            p[f"theta_{l}"], p[f"b{l}"] = np.zeros((n_in, n_out)), np.zeros(n_out)
        elif method == "normal":
            p[f"theta_{l}"] = rng.standard_normal((n_in, n_out))
            p[f"b{l}"] = rng.standard_normal(n_out)
        else:
            p[f"theta_{l}"] = rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))
            p[f"b{l}"] = np.zeros(n_out)
    return p


def init_uniform_xavier(layers, method="normal", rng=None):
    """Xavier UNIFORM (same variance), biases drawn before weights, transposed draws for normal."""
    table = {"zeros", "normal", "xavier"}
    if method not in table:
        raise ValueError(method)
    p = {}
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        if method == "normal":
            p[f"b{l}"] = rng.normal(size=n_out)
            p[f"theta_{l}"] = rng.normal(size=(n_out, n_in)).T
        elif method == "xavier":
            limit = np.sqrt(6.0 / (n_in + n_out))
            p[f"theta_{l}"] = rng.uniform(-limit, limit, (n_in, n_out))
            p[f"b{l}"] = np.zeros(n_out)
        else:
            p[f"theta_{l}"] = np.zeros((n_in, n_out))
            p[f"b{l}"] = np.zeros((n_out,))
    return p


def spread_minmax(theta):
    return float((theta.max(axis=1) - theta.min(axis=1)).max())


def spread_loops(theta):
    return max(max(row) - min(row) for row in np.asarray(theta).tolist())


# ----- 05 ---------------------------------------------------------------------------------------------------------

def load_index_col(path):
    df = pd.read_csv(path, index_col="id")
    df = df.loc[:, ~df.columns.str.startswith("Unnamed")]
    y = df.pop("diagnosis").map({"M": 0, "B": 1}).astype("int64")
    return df.astype("float64"), y


def load_usecols(path):
    df = pd.read_csv(path)
    df = df.dropna(axis=1, how="all").set_index("id")
    y = (df["diagnosis"] == "B").astype(int).rename("diagnosis")
    return df.drop(columns="diagnosis"), y


def split_manual(X, y, test_size=0.2, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    m = len(X)
    order = np.random.default_rng(seed).permutation(m)
    n_test = math.ceil(test_size * m)
    te, tr = order[:n_test], order[n_test:]
    mu, sd = X[tr].mean(axis=0), X[tr].std(axis=0)
    return (X[tr] - mu) / sd, (X[te] - mu) / sd, y[tr], y[te]


def split_sklearn(X, y, test_size=0.2, seed=0):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X_train, X_test, y_train, y_test = train_test_split(X.to_numpy(), y.to_numpy(), test_size=test_size,
                                                        random_state=seed)
    scaler = StandardScaler()
    return scaler.fit_transform(X_train), scaler.transform(X_test), y_train, y_test


def accuracy_count(y_true, y_pred):
    return np.count_nonzero(np.asarray(y_true) == np.asarray(y_pred)) / len(y_true)


def accuracy_sklearn(y_true, y_pred):
    from sklearn.metrics import accuracy_score
    return accuracy_score(y_true, y_pred)


class LearnerNet:
    """A from-scratch NeuralNet written the way a learner would (no course_lib), with mini-batches."""

    def __init__(self, layers=(30, 14, 1), learning_rate=0.5, iterations=100, batch_size=None, init="normal",
                 seed=0):
        self.layers, self.learning_rate, self.iterations = layers, learning_rate, iterations
        self.batch_size, self.init, self.seed = batch_size, init, seed

    def _forward(self, X, params):
        A, cache = X, {"A0": X}
        for l in range(1, len(self.layers)):
            A = sigmoid_where(A @ params[f"theta_{l}"] + params[f"b{l}"])
            cache[f"A{l}"] = A
        return A, cache

    def fit(self, X, y):
        Y = np.asarray(y, dtype=float).reshape(-1, 1)
        rng = np.random.default_rng(self.seed)
        params = init_standard_normal(list(self.layers), self.init, rng)
        m = X.shape[0]
        bs = self.batch_size or m
        self.cost_history_ = []
        L = len(self.layers) - 1
        for _ in range(self.iterations):
            order = np.arange(m) if bs >= m else rng.permutation(m)
            total = 0.0
            for s in range(0, m, bs):
                rows = order[s:s + bs]
                Xb, Yb = X[rows], Y[rows]
                h, cache = self._forward(Xb, params)
                total += bce_clip_1e12(Yb, h) * len(rows)
                dZ = (h - Yb) / len(rows)
                grads = {}
                for l in range(L, 0, -1):
                    A_prev = cache[f"A{l - 1}"]
                    grads[f"theta_{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(0)
                    if l > 1:
                        dZ = (dZ @ params[f"theta_{l}"].T) * A_prev * (1 - A_prev)
                params = {k: params[k] - self.learning_rate * grads[k] for k in params}
            self.cost_history_.append(total / m)
        self.params_, self.n_iter_ = params, self.iterations
        return self

    def predict_proba(self, X):
        p1 = self._forward(X, self.params_)[0][:, 0]
        return np.column_stack([1 - p1, p1])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.ravel(y)))


def mlp_int_hidden(hidden, learning_rate, iterations, n_samples):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier(hidden_layer_sizes=hidden, activation="logistic", solver="sgd", alpha=0.0,
                         batch_size=n_samples, learning_rate_init=learning_rate, max_iter=iterations,
                         momentum=0.0, tol=0.0, n_iter_no_change=iterations + 1)


def mlp_shuffled(hidden, learning_rate, iterations, n_samples):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier((hidden,), activation="logistic", solver="sgd", alpha=0, batch_size=n_samples,
                         learning_rate="constant", learning_rate_init=learning_rate, max_iter=iterations,
                         momentum=0, nesterovs_momentum=False, shuffle=True, random_state=123, tol=0.0,
                         n_iter_no_change=10**6)


# ----- 07 ---------------------------------------------------------------------------------------------------------

def _check2(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"shapes {a.shape} and {b.shape} do not multiply")
    return a, b


def matmul_dot(a, b):
    a, b = _check2(a, b)
    return np.dot(a, b)


def matmul_pure_python(a, b):
    a, b = _check2(a, b)
    rows, cols = a.tolist(), b.T.tolist()
    return np.array([[sum(x * y for x, y in zip(r, c)) for c in cols] for r in rows], dtype=float).reshape(
        a.shape[0], b.shape[1])


def matmul_outer_broadcast(a, b):
    a, b = _check2(a, b)
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)


def matmul_tensordot(a, b):
    a, b = _check2(a, b)
    return np.tensordot(a, b, axes=([1], [0]))


# ----- 08 ---------------------------------------------------------------------------------------------------------

def relu_where(Z):
    return np.where(Z > 0, Z, 0.0)


def relu_mask(Z):
    return Z * (Z > 0)


def relu_clip(Z):
    return np.clip(Z, 0, None)


def relu_backward_where(dA, Z):
    return np.where(Z > 0, dA, 0.0)


def relu_backward_heaviside(dA, Z):
    return dA * np.heaviside(Z, 0.0)


def mse_square(out, target):
    return np.square(out - target).mean()


def mse_sum(out, target):
    return float(((out - target) ** 2).sum() / len(out))


def mse_backward_shape(out, target):
    return 2.0 * (out - target) / out.shape[0]


def mse_backward_multiply(out, target):
    return np.multiply(2.0 / len(out), np.subtract(out, target))


def linear_backward_einsum(dZ, A_prev, theta):
    return np.einsum("mo,io->mi", dZ, theta), np.einsum("mi,mo->io", A_prev, dZ), np.einsum("mo->o", dZ)


def linear_backward_dot(dZ, A_prev, theta):
    return [np.dot(dZ, theta.T), np.dot(A_prev.T, dZ), np.sum(dZ, axis=0)]


def fb_manual(X, y, params):
    Z1 = X @ params["theta_1"] + params["b1"]
    A1 = relu_where(Z1)
    out = A1 @ params["theta_2"] + params["b2"]
    m = len(X)
    loss = np.mean((out - y) ** 2)
    d = 2 * (out - y) / m
    dA1 = d @ params["theta_2"].T
    dZ1 = dA1 * (Z1 > 0)
    grads = {"dtheta_2": A1.T @ d, "db2": d.sum(0), "dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0)}
    return loss, grads


def fb_printing_warning(X, y, params):
    """Correct, but prints and warns: must pass with notes and nothing on stderr."""
    print("debug: computing the loss")
    warnings.warn("just a heads-up from the learner", UserWarning)
    return fb_manual(X, y, params)


# ----- 09 ---------------------------------------------------------------------------------------------------------

def _checked_labels(y, n_classes):
    y = np.asarray(y)
    if y.ndim != 1 or np.any(y < 0) or np.any(y >= n_classes):
        raise ValueError(f"labels must be a vector of integers in 0..{n_classes - 1}")
    return y.astype(int)


def one_hot_eye(y, n_classes):
    return np.eye(n_classes)[_checked_labels(y, n_classes)]


def one_hot_compare(y, n_classes):
    return (_checked_labels(y, n_classes)[:, None] == np.arange(n_classes)).astype(np.float64)


def one_hot_loop(y, n_classes):
    labels = _checked_labels(y, n_classes)
    Y = np.zeros((len(labels), n_classes))
    for i, label in enumerate(labels):
        Y[i, label] = 1
    return Y


def softmax_scipy(Z):
    return scipy.special.softmax(Z, axis=1)


def softmax_logsumexp(Z):
    return np.exp(Z - scipy.special.logsumexp(Z, axis=1, keepdims=True))


def softmax_rows(Z):
    rows = []
    for z in np.asarray(Z, dtype=float):
        e = np.exp(z - z.max())
        rows.append(e / e.sum())
    return np.array(rows)


def _same_shape(P, Y):
    if np.shape(P) != np.shape(Y):
        raise ValueError("P and Y must both have shape (m, K)")


def ce_true_class(P, Y):
    _same_shape(P, Y)
    P = np.asarray(P, dtype=float)
    true = P[np.arange(len(P)), np.argmax(Y, axis=1)]
    return float(-np.mean(np.log(np.maximum(true, 1e-12))))


def ce_sklearn(P, Y):
    from sklearn.metrics import log_loss
    _same_shape(P, Y)
    return log_loss(np.argmax(Y, axis=1), P, labels=np.arange(np.shape(P)[1]))


def ce_epsilon_einsum(P, Y):
    _same_shape(P, Y)
    return -np.einsum("ik,ik->", Y, np.log(np.asarray(P) + 1e-10)) / len(P)


def sce_backward_len(P, Y):
    return (P - Y) / len(P)


def sce_backward_multiply(P, Y):
    return np.subtract(P, Y) * (1.0 / np.shape(P)[0])


def sfb_manual(X, Y, params):
    Z1 = X @ params["theta_1"] + params["b1"]
    A1 = np.where(Z1 > 0, Z1, 0.0)
    P = softmax_scipy(A1 @ params["theta_2"] + params["b2"])
    m = len(X)
    loss = -np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / m
    dZ2 = (P - Y) / m
    dZ1 = (dZ2 @ params["theta_2"].T) * (Z1 > 0)
    return loss, {"dtheta_2": A1.T @ dZ2, "db2": dZ2.sum(0), "dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0)}


def sfb_layers(X, Y, params):
    """Written with a list of layers and einsum, the loss from the log-sum-exp of the logits."""
    layers = [(params["theta_1"], params["b1"]), (params["theta_2"], params["b2"])]
    Z1 = np.einsum("mi,ij->mj", X, layers[0][0]) + layers[0][1]
    A1 = np.maximum(Z1, 0)
    Z2 = np.einsum("mi,ij->mj", A1, layers[1][0]) + layers[1][1]
    log_P = Z2 - scipy.special.logsumexp(Z2, axis=1, keepdims=True)
    loss = float(-(Y * log_P).sum(axis=1).mean())
    dZ2 = (np.exp(log_P) - Y) / X.shape[0]
    grads = {}
    grads["dtheta_2"], grads["db2"] = A1.T @ dZ2, dZ2.sum(axis=0)
    dZ1 = np.heaviside(Z1, 0.0) * (dZ2 @ layers[1][0].T)
    grads["dtheta_1"], grads["db1"] = X.T @ dZ1, dZ1.sum(axis=0)
    return loss, grads


ALTERNATIVES = {
    "sigmoid": [("tanh", sigmoid_tanh), ("expit", sigmoid_expit), ("where", sigmoid_where),
                ("errstate", sigmoid_scalar_aware)],
    "neuron_output": [("dot", neuron_dot), ("loops", neuron_loops)],
    "count_quadratic_terms": [("comb", count_comb), ("enumerate", count_enumerate), ("numpy int", count_numpy)],
    "layer_forward": [("einsum", layer_einsum), ("dot", layer_dot)],
    "forward_propagation": [("loop + extra A0", forward_loop), ("recursive", forward_recursive),
                            ("list", forward_list)],
    "forward_one_sample": [("vectorised", one_sample_vectorised), ("loops", one_sample_loops)],
    "binary_cross_entropy": [("clip 1e-12", bce_clip_1e12), ("where", bce_where), ("sklearn", bce_sklearn),
                             ("log1p", bce_log1p)],
    "backward_propagation": [("einsum", backward_einsum), ("loops", backward_loops), ("general", backward_general)],
    "numerical_gradient": [("flat copy", numgrad_flat), ("restore in place", numgrad_restore)],
    "relative_error": [("sqrt", relerr_sqrt), ("ravel", relerr_ravel)],
    "update_params": [("comprehension", update_comprehension), ("copy loop", update_copy_loop)],
    "init_params": [("standard_normal", init_standard_normal), ("xavier uniform", init_uniform_xavier)],
    "hidden_unit_spread": [("min max", spread_minmax), ("loops", spread_loops)],
    "load_breast_cancer_csv": [("index_col", load_index_col), ("dropna", load_usecols)],
    "split_and_scale": [("manual permutation", split_manual), ("sklearn", split_sklearn)],
    "accuracy": [("count", accuracy_count), ("sklearn", accuracy_sklearn)],
    "NeuralNet": [("learner class", LearnerNet)],
    "make_equivalent_mlp": [("int hidden", mlp_int_hidden), ("shuffle", mlp_shuffled)],
    "matmul_loops": [("pure python", matmul_pure_python), ("dot", matmul_dot)],
    "matmul_elementwise": [("tensordot", matmul_tensordot)],
    "matmul_broadcast": [("outer broadcast", matmul_outer_broadcast)],
    "matmul_einsum": [("dot", matmul_dot)],
    "relu": [("where", relu_where), ("mask", relu_mask), ("clip", relu_clip)],
    "relu_backward": [("where", relu_backward_where), ("heaviside", relu_backward_heaviside)],
    "mse": [("square", mse_square), ("sum / m", mse_sum)],
    "mse_backward": [("shape", mse_backward_shape), ("multiply", mse_backward_multiply)],
    "linear_backward": [("einsum", linear_backward_einsum), ("dot list", linear_backward_dot)],
    "forward_and_backward": [("manual", fb_manual), ("prints and warns", fb_printing_warning)],
    "one_hot": [("eye", one_hot_eye), ("compare", one_hot_compare), ("loop", one_hot_loop)],
    "softmax": [("scipy", softmax_scipy), ("logsumexp", softmax_logsumexp), ("row loop", softmax_rows)],
    "cross_entropy": [("true class, clip 1e-12", ce_true_class), ("sklearn log_loss", ce_sklearn),
                      ("epsilon, einsum", ce_epsilon_einsum)],
    "softmax_cross_entropy_backward": [("len", sce_backward_len), ("multiply", sce_backward_multiply)],
    "softmax_forward_and_backward": [("manual", sfb_manual), ("logsumexp layers", sfb_layers)],
}

