"""The bridge to MLPClassifier: settings, no warnings, no mutation of the caller's objects."""

import numpy as np
import pytest

from course_lib import init_params
from course_lib.data import load_breast_cancer, split_and_scale
from course_lib.sklearn_bridge import (
    coefs_to_params,
    fit_mlp_from_params,
    make_equivalent_mlp,
    params_to_coefs,
    start_mlp_from_params,
)

pytestmark = pytest.mark.filterwarnings("error")  # a leaked ConvergenceWarning fails these tests


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer()
    X_train, _, y_train, _ = split_and_scale(X, y, seed=1)
    return X_train, y_train


def test_settings_are_those_of_plain_full_batch_gradient_descent():
    p = make_equivalent_mlp(14, 0.455, 100, 455).get_params()
    assert p["hidden_layer_sizes"] == (14,)
    assert (p["solver"], p["activation"], p["learning_rate"]) == ("sgd", "logistic", "constant")
    assert p["momentum"] == 0 and p["alpha"] == 0 and p["batch_size"] == 455 and p["shuffle"] is False
    assert p["learning_rate_init"] == 0.455 and p["max_iter"] == 100 and p["early_stopping"] is False
    assert p["n_iter_no_change"] == np.inf  # never stops early


def test_runs_every_epoch_without_any_warning(data):
    X, y = data
    mlp = make_equivalent_mlp((5,), 0.1, 30, len(X))  # tiny steps: the loss barely moves, still no early stop
    fitted = fit_mlp_from_params(mlp, X, y, init_params([30, 5, 1], "normal", 0))
    assert fitted.n_iter_ == 30 and len(fitted.loss_curve_) == 30
    assert not hasattr(mlp, "coefs_")  # the caller's estimator stays unfitted


def test_starts_from_exactly_the_given_weights(data):
    X, y = data
    start = init_params([30, 4, 3, 1], "xavier", 0)
    started = start_mlp_from_params(make_equivalent_mlp((4, 3), 0.5, 5, len(X)), X, y, start)
    assert started.loss_curve_ == [] and started.n_iter_ == 0
    back = coefs_to_params(started.coefs_, started.intercepts_)
    assert all(np.array_equal(back[k], start[k]) for k in start)
    assert not any(a is b for a, b in zip(started.coefs_, params_to_coefs(start)[0]))


def test_given_params_are_not_modified(data):
    X, y = data
    start = init_params([30, 4, 1], "normal", 0)
    before = {k: v.copy() for k, v in start.items()}
    fit_mlp_from_params(make_equivalent_mlp(4, 0.5, 5, len(X)), X, y, start)
    assert all(np.array_equal(start[k], before[k]) for k in start)


def test_round_trip_conversion():
    params = init_params([3, 4, 2, 1], "normal", 0)
    coefs, intercepts = params_to_coefs(params)
    assert [c.shape for c in coefs] == [(3, 4), (4, 2), (2, 1)]
    back = coefs_to_params(coefs, intercepts)
    assert list(back) == list(params) and all(np.array_equal(back[k], params[k]) for k in params)


def test_mismatched_architecture_raises(data):
    X, y = data
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        start_mlp_from_params(make_equivalent_mlp(5, 0.5, 5, len(X)), X, y, init_params([30, 4, 1], "normal", 0))
    with pytest.raises(ValueError, match="theta_1"):
        start_mlp_from_params(make_equivalent_mlp(4, 0.5, 5, len(X)), X[:, :10], y,
                              init_params([30, 4, 1], "normal", 0))


@pytest.mark.parametrize("args, error", [((0, 0.5, 5, 10), ValueError), ((4, -1.0, 5, 10), ValueError),
                                         ((4, 0.5, 0, 10), ValueError), (("4", 0.5, 5, 10), TypeError)])
def test_bad_settings_raise(args, error):
    with pytest.raises(error):
        make_equivalent_mlp(*args)
