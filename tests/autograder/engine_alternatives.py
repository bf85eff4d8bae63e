"""Correct implementations written differently from course_lib: every one of them must pass its exercise.

ALTERNATIVES maps an exercise name to a list of (label, object). They are deliberately varied: other formulas,
einsum/loops, other valid clipping constants, other RNG calls, sklearn/scipy helpers, different dict/cache layouts.
Where an exercise prescribes a method, its alternatives use every construct the text allows (they are graded from
their own source, like a learner's cell, and must keep full marks).

METHOD_VIOLATIONS maps an exercise to implementations whose VALUES are right but whose method the exercise's text
rules out (e.g. `@` in matmul_loops): each must get half the points and a hint naming the construct.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import scipy.special

def _columns(out, target):
    """Two (m, 1) columns with the same m, else ValueError (the text of bce / mse asks for exactly this)."""
    out, target = np.asarray(out, dtype=float), np.asarray(target, dtype=float)
    if out.ndim != 2 or out.shape[1] != 1 or target.shape != out.shape:
        raise ValueError(f"expected two (m, 1) columns, got {out.shape} and {target.shape}")
    return out, target


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


def _neuron_shapes(X, theta):
    X, theta = np.asarray(X, dtype=float), np.asarray(theta, dtype=float)
    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != len(theta):
        raise ValueError(f"X {X.shape} and theta {theta.shape} do not fit")
    return X, theta


def neuron_dot(X, theta, b):
    X, theta = _neuron_shapes(X, theta)
    return sigmoid_expit(np.dot(X, theta) + b)


def neuron_matmul_operator(X, theta, b):
    X, theta = _neuron_shapes(X, theta)
    return sigmoid_where(X @ theta + b)


def neuron_np_matmul(X, theta, b):
    X, theta = _neuron_shapes(X, theta)
    return sigmoid_tanh(np.matmul(X, theta) + b)


def neuron_einsum(X, theta, b):
    X, theta = _neuron_shapes(X, theta)
    return sigmoid_expit(np.einsum("mn,n->m", X, theta) + b)


def neuron_loops(X, theta, b):
    X, theta = _neuron_shapes(X, theta)
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        z = b
        for j in range(X.shape[1]):
            z += X[i, j] * theta[j]
        out[i] = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    return out


def count_comb(n_features):
    if n_features < 0:
        raise ValueError("n_features must be >= 0")
    return math.comb(n_features + 1, 2)


def count_enumerate(n_features):
    if n_features < 0:
        raise ValueError(f"negative n_features {n_features}")
    return len(list(itertools.combinations_with_replacement(range(n_features), 2)))


def count_numpy(n_features):
    if np.int64(n_features) < 0:
        raise ValueError("negative")
    return np.int64(n_features) * (n_features + 1) // 2


# ----- 02 ---------------------------------------------------------------------------------------------------------

def _layer_shapes(A_prev, theta, b):
    A_prev, theta, b = (np.asarray(x, dtype=float) for x in (A_prev, theta, b))
    if A_prev.ndim != 2 or theta.ndim != 2 or A_prev.shape[1] != theta.shape[0] or b.shape != (theta.shape[1],):
        raise ValueError(f"shapes {A_prev.shape}, {theta.shape}, {b.shape} do not fit")
    return A_prev, theta, b


def layer_einsum(A_prev, theta, b):
    A_prev, theta, b = _layer_shapes(A_prev, theta, b)
    return sigmoid_tanh(np.einsum("mi,io->mo", A_prev, theta) + np.reshape(b, (1, -1)))


def layer_dot(A_prev, theta, b):
    A_prev, theta, b = _layer_shapes(A_prev, theta, b)
    return scipy.special.expit(np.dot(A_prev, theta) + b)


def layer_matmul(A_prev, theta, b):
    A_prev, theta, b = _layer_shapes(A_prev, theta, b)
    return sigmoid_where(np.matmul(A_prev, theta) + b)


def layer_operator(A_prev, theta, b):
    A_prev, theta, b = _layer_shapes(A_prev, theta, b)
    return sigmoid_where(A_prev @ theta + b)


def forward_loop(X, params):
    if np.ndim(X) != 2:
        raise ValueError("X must be 2-D")
    L = len([k for k in params if k.startswith("theta")])
    cache = {"A0": X}
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"theta_{l}"] + params[f"b{l}"]
        A = scipy.special.expit(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def forward_recursive(X, params, l=1, cache=None):
    if np.ndim(X) != 2:
        raise ValueError(f"X must be 2-D, got shape {np.shape(X)}")
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


def one_sample_nested_for(x, params):
    """Three explicit for loops: layers, units, inputs (accumulating z += a_i * theta_ij)."""
    a = [float(v) for v in x]
    n_layers = sum(1 for k in params if k.startswith("theta_"))
    for l in range(1, n_layers + 1):
        theta, b = params[f"theta_{l}"], params[f"b{l}"]
        new = []
        for j in range(theta.shape[1]):
            z = float(b[j])
            for i in range(len(a)):
                z += a[i] * theta[i, j]
            new.append(float(sigmoid_where(z)))
        a = new
    return np.array(a)


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
    Y, h = _columns(Y, h)
    h = np.clip(h, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(h) + (1 - Y) * np.log(1 - h)))


def bce_where(Y, h):
    Y, h = _columns(Y, h)
    eps = 1e-9
    p = np.where(Y == 1, h, 1 - h)
    return -np.log(np.maximum(p, eps)).mean()


def bce_sklearn(Y, h):
    from sklearn.metrics import log_loss
    Y, h = _columns(Y, h)
    return log_loss(Y.ravel(), h.ravel(), labels=[0, 1])


def bce_log1p(Y, h):
    Y, h = _columns(Y, h)
    h = np.clip(h, 1e-15, 1 - 1e-15)
    return -np.sum(Y * np.log(h) + (1 - Y) * np.log1p(-h)) / Y.shape[0]


def _column_y(X, Y):
    if np.ndim(Y) != 2 or np.shape(Y) != (len(X), 1):
        raise ValueError(f"Y must be a column ({len(X)}, 1), got {np.shape(Y)}")


def backward_einsum(X, Y, params, cache):
    """Any depth, every product with einsum; the activations are looked up in a list."""
    _column_y(X, Y)
    L = sum(1 for k in params if k.startswith("theta_"))
    A = [X] + [cache[f"A{l}"] for l in range(1, L + 1)]
    dZ = (A[L] - Y) / X.shape[0]
    grads = {}
    for l in range(L, 0, -1):
        grads[f"dtheta_{l}"] = np.einsum("mi,mj->ij", A[l - 1], dZ)
        grads[f"db{l}"] = np.einsum("mj->j", dZ)
        if l > 1:
            dZ = np.einsum("mk,jk->mj", dZ, params[f"theta_{l}"]) * A[l - 1] * (1 - A[l - 1])
    return grads


def backward_loops(X, Y, params, cache):
    """Sample by sample, accumulating averaged gradients, for any depth."""
    _column_y(X, Y)
    m = X.shape[0]
    L = sum(1 for k in params if k.startswith("theta_"))
    grads = {f"d{k}": np.zeros_like(v, dtype=float) for k, v in params.items()}
    for i in range(m):
        acts = [X[i]] + [cache[f"A{l}"][i] for l in range(1, L + 1)]
        dz = acts[L] - Y[i]
        for l in range(L, 0, -1):
            grads[f"dtheta_{l}"] += np.outer(acts[l - 1], dz) / m
            grads[f"db{l}"] += dz / m
            if l > 1:
                dz = (params[f"theta_{l}"] @ dz) * acts[l - 1] * (1 - acts[l - 1])
    return grads


def backward_general(X, Y, params, cache):
    _column_y(X, Y)
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
    if np.shape(a) != np.shape(b):
        raise ValueError("shapes differ")
    num = np.sqrt(np.sum((a - b) ** 2))
    den = np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(b ** 2))
    return 0.0 if den == 0 else num / den


def relerr_ravel(a, b):
    if np.asarray(a).shape != np.asarray(b).shape:
        raise ValueError(f"a {np.shape(a)} and b {np.shape(b)} differ")
    d = np.linalg.norm(np.ravel(a)) + np.linalg.norm(np.ravel(b))
    return float(np.linalg.norm(np.ravel(a) - np.ravel(b)) / d) if d > 0 else 0.0


def update_comprehension(params, grads, learning_rate):
    bad = [k for k in params if np.shape(grads.get("d" + k)) != np.shape(params[k]) or "d" + k not in grads]
    if bad:
        raise ValueError(f"missing or misshapen gradients for {bad}")
    return {k: v - learning_rate * grads["d" + k] for k, v in params.items()}


def update_copy_loop(params, grads, learning_rate):
    for k, v in params.items():
        if f"d{k}" not in grads:
            raise ValueError(f"no gradient d{k}")
        if grads[f"d{k}"].shape != v.shape:
            raise ValueError(f"d{k} has shape {grads[f'd{k}'].shape}, {k} has {v.shape}")
    new = {k: v.copy() for k, v in params.items()}
    for k in new:
        new[k] -= learning_rate * grads[f"d{k}"]
    return new


# ----- 04 ---------------------------------------------------------------------------------------------------------

def init_standard_normal(layers, method="normal", rng=None):
    if method not in ("zeros", "normal", "xavier"):
        raise ValueError(f"unknown method {method}")
    if len(layers) < 2 or min(layers) < 1:
        raise ValueError(f"bad layers {layers}")
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


def init_table_normal(layers, method="normal", rng=None):
    """A name-keyed table of initialisers; rng.normal(size=...) draws the same numbers as standard_normal."""
    weights = {"zeros": lambda i, o: np.zeros((i, o)), "normal": lambda i, o: rng.normal(size=(i, o)),
               "xavier": lambda i, o: rng.normal(size=(i, o)) * np.sqrt(2.0 / (i + o))}
    biases = {"zeros": np.zeros, "normal": lambda o: rng.normal(size=o), "xavier": np.zeros}
    if method not in weights:
        raise ValueError(method)
    sizes = list(layers)
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(sizes)
    p = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        p[f"theta_{l}"] = weights[method](n_in, n_out)
        p[f"b{l}"] = biases[method](n_out)
    return p


def spread_minmax(theta):
    if np.ndim(theta) != 2 or np.size(theta) == 0:
        raise ValueError("theta must be a non-empty 2-D array")
    return float((theta.max(axis=1) - theta.min(axis=1)).max())


def spread_loops(theta):
    theta = np.asarray(theta)
    if theta.ndim != 2 or 0 in theta.shape:
        raise ValueError(f"bad theta shape {theta.shape}")
    return max(max(row) - min(row) for row in np.asarray(theta).tolist())


# ----- 05 ---------------------------------------------------------------------------------------------------------

def load_index_col(path):
    df = pd.read_csv(path, index_col="id")
    df = df.loc[:, ~df.columns.str.startswith("Unnamed")]
    if not df["diagnosis"].isin(["M", "B"]).all():
        raise ValueError("diagnosis must be M or B")
    y = df.pop("diagnosis").map({"M": 0, "B": 1}).astype("int64")
    return df.astype("float64"), y


def load_usecols(path):
    df = pd.read_csv(path)
    df = df.dropna(axis=1, how="all").set_index("id")
    unknown = set(df["diagnosis"]) - {"M", "B"}
    if unknown:
        raise ValueError(f"unknown diagnoses {sorted(unknown)}")
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
    if np.ndim(y_true) != 1 or np.shape(y_true) != np.shape(y_pred):
        raise ValueError("shapes")
    return np.count_nonzero(np.asarray(y_true) == np.asarray(y_pred)) / len(y_true)


def accuracy_sklearn(y_true, y_pred):
    from sklearn.metrics import accuracy_score
    if np.asarray(y_true).ndim != 1 or np.asarray(y_pred).shape != np.asarray(y_true).shape:
        raise ValueError(f"{np.shape(y_true)} vs {np.shape(y_pred)}")
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
        if not np.isin(Y, (0.0, 1.0)).all():
            raise ValueError("labels must be 0/1")
        if self.layers[0] != X.shape[1] or self.layers[-1] != 1:
            raise ValueError(f"layers {self.layers} do not fit X {X.shape}")
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


def _positive(*values):
    if any(np.min(v) <= 0 for v in values):
        raise ValueError(f"all of {values} must be positive")


def mlp_int_hidden(hidden, learning_rate, iterations, n_samples):
    from sklearn.neural_network import MLPClassifier
    _positive(hidden, learning_rate, iterations, n_samples)
    return MLPClassifier(hidden_layer_sizes=hidden, activation="logistic", solver="sgd", alpha=0.0,
                         batch_size=n_samples, learning_rate_init=learning_rate, max_iter=iterations,
                         momentum=0.0, tol=0.0, n_iter_no_change=iterations + 1)


def mlp_shuffled(hidden, learning_rate, iterations, n_samples):
    from sklearn.neural_network import MLPClassifier
    _positive(hidden, learning_rate, iterations, n_samples)
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


def matmul_triple_for(a, b):
    a, b = _check2(a, b)
    n, k, p = a.shape[0], a.shape[1], b.shape[1]
    c = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            for r in range(k):
                c[i, j] += a[i, r] * b[r, j]
    return c


def matmul_while(a, b):
    a, b = _check2(a, b)
    c = np.zeros((a.shape[0], b.shape[1]))
    i = 0
    while i < a.shape[0]:
        for j in range(b.shape[1]):
            total = 0.0
            for r in range(a.shape[1]):
                total = total + a[i, r] * b[r, j]
            c[i, j] = total
        i += 1
    return c


def matmul_entry_sum(a, b):
    a, b = _check2(a, b)
    c = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c


def matmul_entry_np_sum(a, b):
    a, b = _check2(a, b)
    c = np.zeros((a.shape[0], b.shape[1]))
    for i, j in itertools.product(range(a.shape[0]), range(b.shape[1])):
        c[i, j] = np.sum(np.multiply(a[i], b[:, j]))
    return c


def matmul_row_broadcast(a, b):
    a, b = _check2(a, b)
    c = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        c[i, :] = (a[i, :, None] * b).sum(axis=0)
    return c


def matmul_row_comprehension(a, b):
    a, b = _check2(a, b)
    return np.array([np.sum(row[:, None] * b, axis=0) for row in a]).reshape(a.shape[0], b.shape[1])


def matmul_einsum_optimize(a, b):
    a, b = _check2(a, b)
    return np.einsum("ik,kj->ij", a, b, optimize=True)


def matmul_einsum_sublists(a, b):
    a, b = _check2(a, b)
    return np.einsum(a, [0, 1], b, [1, 2], [0, 2])


# ----- 08 ---------------------------------------------------------------------------------------------------------

def relu_where(Z):
    return np.where(Z > 0, Z, 0.0)


def relu_mask(Z):
    return Z * (Z > 0)


def relu_clip(Z):
    return np.clip(Z, 0, None)


def relu_backward_where(dA, Z):
    if np.shape(dA) != np.shape(Z):
        raise ValueError("dA and Z differ in shape")
    return np.where(Z > 0, dA, 0.0)


def relu_backward_heaviside(dA, Z):
    dA, Z = np.asarray(dA), np.asarray(Z)
    if dA.shape != Z.shape:
        raise ValueError(f"{dA.shape} != {Z.shape}")
    return dA * np.heaviside(Z, 0.0)


def mse_square(out, target):
    out, target = _columns(out, target)
    return np.square(out - target).mean()


def mse_sum(out, target):
    out, target = _columns(out, target)
    return float(((out - target) ** 2).sum() / len(out))


def mse_backward_shape(out, target):
    out, target = _columns(out, target)
    return 2.0 * (out - target) / out.shape[0]


def mse_backward_multiply(out, target):
    out, target = _columns(out, target)
    return np.multiply(2.0 / len(out), np.subtract(out, target))


def _linear_shapes(dZ, A_prev, theta):
    if A_prev.shape[1] != theta.shape[0] or dZ.shape != (A_prev.shape[0], theta.shape[1]):
        raise ValueError(f"dZ {dZ.shape}, A_prev {A_prev.shape}, theta {theta.shape} do not fit")


def linear_backward_einsum(dZ, A_prev, theta):
    _linear_shapes(dZ, A_prev, theta)
    return np.einsum("mo,io->mi", dZ, theta), np.einsum("mi,mo->io", A_prev, dZ), np.einsum("mo->o", dZ)


def linear_backward_dot(dZ, A_prev, theta):
    _linear_shapes(dZ, A_prev, theta)
    return [np.dot(dZ, theta.T), np.dot(A_prev.T, dZ), np.sum(dZ, axis=0)]


def fb_manual(X, y, params):
    if np.ndim(y) != 2:
        raise ValueError(f"y must be a column (m, 1), got {np.shape(y)}")
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
    "neuron_output": [("dot", neuron_dot), ("@", neuron_matmul_operator), ("np.matmul", neuron_np_matmul),
                      ("einsum", neuron_einsum)],
    "count_quadratic_terms": [("comb", count_comb), ("enumerate", count_enumerate), ("numpy int", count_numpy)],
    "layer_forward": [("einsum", layer_einsum), ("dot", layer_dot), ("np.matmul", layer_matmul),
                      ("@", layer_operator)],
    "forward_propagation": [("loop + extra A0", forward_loop), ("recursive", forward_recursive),
                            ("list", forward_list)],
    "forward_one_sample": [("nested for", one_sample_nested_for), ("loops", one_sample_loops)],
    "binary_cross_entropy": [("clip 1e-12", bce_clip_1e12), ("where", bce_where), ("sklearn", bce_sklearn),
                             ("log1p", bce_log1p)],
    "backward_propagation": [("einsum", backward_einsum), ("loops", backward_loops), ("general", backward_general)],
    "numerical_gradient": [("flat copy", numgrad_flat), ("restore in place", numgrad_restore)],
    "relative_error": [("sqrt", relerr_sqrt), ("ravel", relerr_ravel)],
    "update_params": [("comprehension", update_comprehension), ("copy loop", update_copy_loop)],
    "init_params": [("standard_normal", init_standard_normal), ("name-keyed table", init_table_normal)],
    "hidden_unit_spread": [("min max", spread_minmax), ("loops", spread_loops)],
    "load_breast_cancer_csv": [("index_col", load_index_col), ("dropna", load_usecols)],
    "split_and_scale": [("manual permutation", split_manual), ("sklearn", split_sklearn)],
    "accuracy": [("count", accuracy_count), ("sklearn", accuracy_sklearn)],
    "NeuralNet": [("learner class", LearnerNet)],
    "make_equivalent_mlp": [("int hidden", mlp_int_hidden), ("shuffle", mlp_shuffled)],
    "matmul_loops": [("pure python", matmul_pure_python), ("triple for", matmul_triple_for),
                     ("while", matmul_while)],
    "matmul_elementwise": [(".sum()", matmul_entry_sum), ("np.sum of np.multiply", matmul_entry_np_sum)],
    "matmul_broadcast": [("row broadcast", matmul_row_broadcast), ("comprehension", matmul_row_comprehension)],
    "matmul_einsum": [("optimize", matmul_einsum_optimize), ("sublists", matmul_einsum_sublists)],
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

METHOD_VIOLATIONS = {
    "neuron_output": [("loop over samples", neuron_loops, "loop")],
    "layer_forward": [],
    "forward_one_sample": [("vectorised with @", one_sample_vectorised, "`@`")],
    "matmul_loops": [("np.dot", matmul_dot, "np.dot"), ("sum over a comprehension of vectors", matmul_row_comprehension,
                                                        "over an element-wise product")],
    "matmul_elementwise": [("tensordot", matmul_tensordot, "np.tensordot"),
                           ("three loops", matmul_triple_for, "loop")],
    "matmul_broadcast": [("no loop at all", matmul_outer_broadcast, "loop"), ("np.dot", matmul_dot, "np.dot")],
    "matmul_einsum": [("np.dot", matmul_dot, "np.dot"), ("loops", matmul_triple_for, "loop")],
}
