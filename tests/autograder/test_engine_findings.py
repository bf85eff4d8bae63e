"""Issue 11's findings, each submitted as a learner would write it: every one is now refused (hidden and public
checks) with its own diagnosis; the correct alternatives keep full marks (test_engine_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import check_gradients
from autograder.public import run_public
from autograder.registry import EXERCISES


def _both(fn, name):
    return EXERCISES[name].grade(fn, 5), run_public(fn, name)


@pytest.mark.parametrize("name,fn,reason", [
    ("mse", lambda out, target: float(np.mean((out - target) ** 2)), "broadcasts to an (m, m) matrix"),
    ("binary_cross_entropy",
     lambda Y, h: float(-np.mean(Y * np.log(np.clip(h, 1e-15, 1 - 1e-15))
                                 + (1 - Y) * np.log(1 - np.clip(h, 1e-15, 1 - 1e-15)))), "(m, m) matrix"),
    ("accuracy", lambda y_true, y_pred: float(np.mean(y_true == y_pred)), "(m, m) table|one-dimensional (m,)"),
    ("neuron_output", lambda X, theta, b: 1 / (1 + np.exp(-(X @ theta + b))), "ValueError should be raised"),
])
def test_a_missing_documented_error_is_refused_saying_which_input_and_why(name, fn, reason):
    for r in _both(fn, name):
        assert not r.passed and r.score == 0
        assert "ValueError should be raised" in r.message, r.message
        assert any(why in r.message for why in reason.split("|")), r.message


def backward_one_hidden_layer(X, Y, params, cache):
    if np.ndim(Y) != 2 or np.shape(Y)[1] != 1:
        raise ValueError("Y must be a column")
    m = X.shape[0]
    dZ2 = (cache["A2"] - Y) / m
    dZ1 = dZ2 @ params["theta_2"].T * cache["A1"] * (1 - cache["A1"])
    return {"dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0), "dtheta_2": cache["A1"].T @ dZ2, "db2": dZ2.sum(0)}


def test_a_backward_pass_for_one_hidden_layer_only_fails_at_depth_three():
    for r in _both(backward_one_hidden_layer, "backward_propagation"):
        assert not r.passed and ("three layers" in r.message or "four layers" in r.message), r.message
        assert r.hint == next(m.hint for m in EXERCISES["backward_propagation"].mutants if m.name == "two_layers_only")


def backward_sigma_prime_from_z(X, Y, params, cache):
    if np.ndim(Y) != 2:
        raise ValueError("Y must be a column")
    L = sum(1 for k in params if k.startswith("theta_"))
    grads, dZ = {}, (cache[f"A{L}"] - Y) / len(X)
    for l in range(L, 0, -1):
        A_prev = cache[f"A{l - 1}"] if l > 1 else X
        grads[f"dtheta_{l}"], grads[f"db{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        if l > 1:
            Z_prev = cache[f"Z{l - 1}"]
            dZ = (dZ @ params[f"theta_{l}"].T) * Z_prev * (1 - Z_prev)
    return grads


def test_sigma_prime_computed_from_z_is_named():
    for r in _both(backward_sigma_prime_from_z, "backward_propagation"):
        assert not r.passed and "pre-activation Z" in r.hint, r.text()


def init_biases_first(layers, method, rng):
    if method not in ("zeros", "normal", "xavier") or len(layers) < 2 or min(layers) < 1:
        raise ValueError("bad arguments")
    params = {}
    for l in range(1, len(layers)):
        n_in, n_out = layers[l - 1], layers[l]
        if method == "normal":
            b = rng.standard_normal(n_out)
            params[f"theta_{l}"], params[f"b{l}"] = rng.standard_normal((n_in, n_out)), b
        else:
            scale = 0.0 if method == "zeros" else np.sqrt(2 / (n_in + n_out))
            params[f"theta_{l}"], params[f"b{l}"] = rng.standard_normal((n_in, n_out)) * scale, np.zeros(n_out)
            if method == "zeros":
                params[f"theta_{l}"] = np.zeros((n_in, n_out))
    return params


def test_init_params_drawing_each_bias_before_its_weights_is_refused_with_the_draw_order_hint():
    for r in _both(init_biases_first, "init_params"):
        assert not r.passed and "draw order" in r.hint and "draw order" in r.message, r.text()


def test_a_fit_that_never_updates_is_told_the_cost_does_not_change():
    from course_lib.model import NeuralNet

    class NeverUpdates(NeuralNet):
        def fit(self, X, y):
            super().fit(X, y)
            from course_lib.initializers import init_params
            self.params_ = init_params(list(self.layers), self.init, np.random.default_rng(self.seed))
            self.cost_history_ = [self.cost_history_[0]] * len(self.cost_history_)
            return self
    for r in _both(NeverUpdates, "NeuralNet"):
        assert not r.passed and "never changes" in r.hint and "goes up" not in r.hint, r.text()


def test_the_gradient_check_never_prints_zero_over_zero(capsys):
    from engine_alternatives import backward_general
    check_gradients(backward_general)
    out = capsys.readouterr().out
    assert "gradient_check: PASSED" in out and "(0/0)" not in out


def _neuron_vague(X, theta, b):
    X, theta = np.asarray(X, float), np.asarray(theta, float)
    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:
        raise ValueError("wrong shapes")
    return 1 / (1 + np.exp(-(X @ theta + b)))


def _layer_vague(A_prev, theta, b):
    if np.ndim(A_prev) != 2 or np.shape(A_prev)[1] != np.shape(theta)[0] or np.shape(b) != (np.shape(theta)[1],):
        raise ValueError("the arguments do not fit together")
    return 1 / (1 + np.exp(-(A_prev @ theta + b)))


def _bce_vague(Y, h):
    if np.ndim(Y) != 2 or np.ndim(h) != 2 or np.shape(Y) != np.shape(h) or np.shape(Y)[1] != 1:
        raise ValueError("Y and h must be columns")
    h = np.clip(h, 1e-15, 1 - 1e-15)
    return float(-np.mean(Y * np.log(h) + (1 - Y) * np.log(1 - h)))


def _einsum_vague(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError("cannot multiply")
    return np.einsum("ik,kj->ij", a, b)


@pytest.mark.parametrize("name,fn", [("neuron_output", _neuron_vague), ("layer_forward", _layer_vague),
                                     ("binary_cross_entropy", _bce_vague), ("matmul_einsum", _einsum_vague)])
def test_a_valueerror_that_does_not_name_the_shapes_is_refused_where_the_text_asks_for_them(name, fn):
    """"Raise a ValueError that names the shapes": raising is not enough, the message must name a refused shape."""
    for r in _both(fn, name):
        assert not r.passed and r.score == 0, r.text()
        assert "does not name the shape of the refused input" in r.message, r.message
        assert ".shape" in r.hint, r.hint


def test_naming_a_shape_accepts_the_usual_spellings():
    from autograder.verdict import shape_named
    for message in ("got (2, 3)", "a is [2, 3]", "a 2x3 matrix", "shape 2 by 3", "a.shape=(2,3)"):
        assert shape_named(message, (2, 3)), message
    for message in ("got (2, 30)", "got (12, 3)", "3 then 2", "bad shapes"):
        assert not shape_named(message, (2, 3)), message
    assert shape_named("got shape (5,)", (5,)) and not shape_named("X must be 2-D", (5,))
