"""NeuralNet: the same trajectory as the public functions and as scikit-learn, estimator conventions."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from course_lib import NeuralNet, init_params
from course_lib.data import load_breast_cancer, split_and_scale
from course_lib.losses import binary_cross_entropy
from course_lib.network import backward_propagation, forward_propagation, update_params
from course_lib.sklearn_bridge import coefs_to_params, fit_mlp_from_params, make_equivalent_mlp

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer()
    return split_and_scale(X, y, test_size=0.2, seed=0)


def reference_training(X, y, params, learning_rate, iterations, batch_size=None, rng=None):
    """The textbook loop over the public functions: an oracle for NeuralNet's optimised fit."""
    Y = y.reshape(-1, 1).astype(float)
    m = len(X)
    history = []
    for _ in range(iterations):
        if batch_size is None:
            batches = [np.arange(m)]
        else:
            order = rng.permutation(m)
            batches = [order[s:s + batch_size] for s in range(0, m, batch_size)]
        total = 0.0
        for rows in batches:
            h, cache = forward_propagation(X[rows], params)
            total += binary_cross_entropy(Y[rows], h) * len(rows)
            params = update_params(params, backward_propagation(X[rows], Y[rows], params, cache), learning_rate)
        history.append(total / m)
    return params, history


@pytest.mark.parametrize("training_loop", ["fast", "readable"])
@pytest.mark.parametrize("layers", [[30, 14, 1], [30, 5, 3, 1], [30, 1]])
def test_full_batch_follows_the_public_functions(data, layers, training_loop):
    X, _, y, _ = data
    net = NeuralNet(layers, learning_rate=0.455, iterations=40, seed=3, training_loop=training_loop).fit(X, y)
    params, history = reference_training(X, y, init_params(layers, "normal", 3), 0.455, 40)
    assert len(net.cost_history_) == 40 and net.n_iter_ == 40
    assert np.max(np.abs(np.array(net.cost_history_) - history)) < 1e-12
    assert all(np.allclose(net.params_[k], params[k], rtol=0, atol=1e-12) for k in params)


@pytest.mark.parametrize("training_loop", ["fast", "readable"])
def test_mini_batches_follow_the_public_functions_with_the_seeded_shuffle(data, training_loop):
    X, _, y, _ = data
    net = NeuralNet([30, 6, 1], learning_rate=0.3, iterations=5, batch_size=64, seed=11,
                    training_loop=training_loop).fit(X, y)
    rng = np.random.default_rng(11)
    start = init_params([30, 6, 1], "normal", rng)  # drawn first, then the shuffles
    params, history = reference_training(X, y, start, 0.3, 5, batch_size=64, rng=rng)
    assert np.max(np.abs(np.array(net.cost_history_) - history)) < 1e-12
    assert all(np.allclose(net.params_[k], params[k], rtol=0, atol=1e-12) for k in params)


@pytest.mark.parametrize("layers, batch_size, learning_rate", [
    ([30, 14, 1], None, 0.455),      # the article's first experiment
    ([30, 20, 1], None, 4.55),       # its second: a large step, far from the starting point after 60 epochs
    ([30, 8, 4, 1], 50, 0.8),        # deeper, mini-batches with a short last batch (455 = 9 * 50 + 5)
])
def test_fast_kernel_equals_the_readable_loop(data, layers, batch_size, learning_rate):
    X, _, y, _ = data
    kwargs = {"layers": layers, "learning_rate": learning_rate, "iterations": 60, "batch_size": batch_size, "seed": 4}
    fast = NeuralNet(**kwargs).fit(X, y)  # the default
    readable = NeuralNet(**kwargs, training_loop="readable").fit(X, y)
    assert fast.get_params()["training_loop"] == "fast"
    assert np.max(np.abs(np.array(fast.cost_history_) - readable.cost_history_)) < 1e-12
    assert fast.params_.keys() == readable.params_.keys()
    assert all(np.max(np.abs(fast.params_[k] - readable.params_[k])) < 1e-12 for k in readable.params_)


def test_readable_loop_is_the_documented_loop_over_the_course_functions(data, monkeypatch):
    # fit(training_loop="readable") really goes through forward_propagation -> backward_propagation ->
    # update_params once per batch (counted by wrapping them), and the default never calls them.
    from course_lib import model

    calls = {"forward_propagation": 0, "backward_propagation": 0, "update_params": 0}
    for name in calls:
        original = getattr(model, name)

        def counted(*args, _name=name, _original=original):
            calls[_name] += 1
            return _original(*args)
        monkeypatch.setattr(model, name, counted)
    X, _, y, _ = data
    NeuralNet([30, 3, 1], iterations=4, batch_size=200, training_loop="readable").fit(X, y)
    assert calls == dict.fromkeys(calls, 4 * 3)  # 455 rows in batches of 200: 3 updates per epoch
    NeuralNet([30, 3, 1], iterations=4, batch_size=200).fit(X, y)
    assert calls == dict.fromkeys(calls, 4 * 3)


def test_first_cost_is_the_cost_of_the_initial_weights(data):
    X, _, y, _ = data
    net = NeuralNet([30, 14, 1], iterations=3, seed=5).fit(X, y)
    h, _ = forward_propagation(X, init_params([30, 14, 1], "normal", 5))
    assert net.cost_history_[0] == pytest.approx(binary_cross_entropy(y.reshape(-1, 1), h), rel=1e-13)


@pytest.mark.parametrize("hidden, learning_rate, seed", [((14,), 0.455, 0), ((20,), 4.55, 1), ((6, 4), 1.0, 2)])
def test_same_loss_curve_and_weights_as_mlpclassifier(data, hidden, learning_rate, seed):
    X, _, y, _ = data
    layers = [30, *hidden, 1]
    start = init_params(layers, "normal", seed)
    net = NeuralNet(layers, learning_rate, iterations=50, init=start).fit(X, y)
    mlp = fit_mlp_from_params(make_equivalent_mlp(hidden, learning_rate, 50, len(X)), X, y, start)
    assert len(mlp.loss_curve_) == 50
    assert np.max(np.abs(np.array(net.cost_history_) - np.array(mlp.loss_curve_))) < 1e-10
    theirs = coefs_to_params(mlp.coefs_, mlp.intercepts_)
    assert all(np.allclose(net.params_[k], theirs[k], rtol=0, atol=1e-10) for k in theirs)
    assert np.allclose(net.predict_proba(X), mlp.predict_proba(X), rtol=0, atol=1e-10)
    assert np.array_equal(net.predict(X), mlp.predict(X))


def test_init_dict_is_copied_not_modified(data):
    X, _, y, _ = data
    start = init_params([30, 4, 1], "normal", 0)
    before = {k: v.copy() for k, v in start.items()}
    NeuralNet([30, 4, 1], iterations=3, init=start).fit(X, y)
    assert all(np.array_equal(start[k], before[k]) for k in start)


def test_same_seed_same_model_and_other_seed_other_model(data):
    X, _, y, _ = data
    a = NeuralNet([30, 5, 1], iterations=5, batch_size=50, seed=1).fit(X, y)
    b = NeuralNet([30, 5, 1], iterations=5, batch_size=50, seed=1).fit(X, y)
    c = NeuralNet([30, 5, 1], iterations=5, batch_size=50, seed=2).fit(X, y)
    assert a.cost_history_ == b.cost_history_
    assert a.cost_history_ != c.cost_history_


def test_fit_does_not_touch_global_random_state(data):
    X, _, y, _ = data
    state = np.random.get_state()[1].copy()
    NeuralNet([30, 5, 1], iterations=2, batch_size=100).fit(X, y)
    assert np.array_equal(np.random.get_state()[1], state)


def test_prediction_api(data):
    X_train, X_test, y_train, y_test = data
    net = NeuralNet([30, 14, 1], learning_rate=0.455, iterations=100).fit(X_train, y_train)
    proba = net.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    pred = net.predict(X_test)
    assert pred.shape == (len(X_test),) and pred.dtype.kind == "i" and set(np.unique(pred)) <= {0, 1}
    assert np.array_equal(pred, (proba[:, 1] > 0.5).astype(int))
    assert net.score(X_test, y_test) == pytest.approx(np.mean(pred == y_test))
    assert net.score(X_test, y_test.reshape(-1, 1)) == net.score(X_test, y_test)
    assert list(net.classes_) == [0, 1] and net.n_features_in_ == 30


def test_sklearn_estimator_conventions():
    net = NeuralNet(layers=[30, 3, 1], learning_rate="not checked yet", iterations=-1, init="bogus")
    # __init__ stores only: nothing is validated or learned before fit
    assert net.get_params() == {"layers": [30, 3, 1], "learning_rate": "not checked yet", "iterations": -1,
                                "batch_size": None, "init": "bogus", "seed": 0, "training_loop": "fast"}
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(net))
    copy = clone(net.set_params(iterations=7))
    assert copy.iterations == 7 and copy is not net


def test_plot_cost_returns_labelled_axes(data):
    X, _, y, _ = data
    net = NeuralNet([30, 4, 1], iterations=12).fit(X, y)
    ax = net.plot_cost()
    assert ax.get_xlabel() and ax.get_ylabel()
    assert np.array_equal(ax.lines[0].get_ydata(), net.cost_history_)
    _, own = plt.subplots()
    assert net.plot_cost(ax=own) is own
    plt.close("all")


def test_unfitted_use_raises(data):
    X = data[0]
    with pytest.raises(NotFittedError):
        NeuralNet().predict(X)
    with pytest.raises(NotFittedError):
        NeuralNet().plot_cost()


@pytest.mark.parametrize("kwargs, match", [
    ({"layers": [29, 14, 1]}, r"starts with 29 inputs but X has 30 columns"),
    ({"layers": [30, 14, 2]}, "end with 1"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"iterations": 0}, "iterations"),
    ({"batch_size": 0}, "batch_size"),
    ({"init": "uniform"}, "'uniform'"),
    ({"training_loop": "turbo"}, "'turbo'"),
    ({"init": {"theta_1": np.ones((30, 2)), "b1": np.ones(2), "theta_2": np.ones((2, 1)), "b2": np.ones(1)}},
     "layers"),
])
def test_bad_hyperparameters_raise_value_error(data, kwargs, match):
    X, _, y, _ = data
    with pytest.raises(ValueError, match=match):
        NeuralNet(**kwargs).fit(X, y)


def test_bad_data_raises_value_error(data):
    X, _, y, _ = data
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        NeuralNet().fit(bad, y)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        NeuralNet().fit(X, y * 2)
    with pytest.raises(ValueError, match="rows"):
        NeuralNet().fit(X, y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        NeuralNet().fit(X[0], y[:1])
    net = NeuralNet(iterations=1).fit(X, y)
    with pytest.raises(ValueError, match="columns"):
        net.predict(X[:, :5])
