"""Symmetry: zero initialisation keeps hidden units identical through training; random init breaks it."""

import numpy as np
import pytest

from course_lib import NeuralNet
from course_lib.data import load_breast_cancer, load_circles, split_and_scale
from course_lib.symmetry import hidden_unit_spread

pytestmark = pytest.mark.filterwarnings("error")


def test_spread_definition():
    assert hidden_unit_spread(np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])) == 0.0
    assert hidden_unit_spread(np.array([[1.0, 3.0, 2.0], [0.0, 0.5, 0.0]])) == 2.0
    assert hidden_unit_spread(np.array([[4.0], [5.0]])) == 0.0  # a single unit is trivially symmetric


def test_spread_rejects_non_matrix():
    with pytest.raises(ValueError, match="2-D"):
        hidden_unit_spread(np.ones(3))


@pytest.fixture(scope="module")
def cancer():
    # not the circles: with zero weights their symmetric layout gives theta_1 an almost zero gradient
    X, y = load_breast_cancer()
    X_train, _, y_train, _ = split_and_scale(X, y, seed=0)
    return X_train, y_train


@pytest.fixture(scope="module")
def circles():
    return load_circles(n_samples=200, seed=0)


def spread_all_layers(params):
    """Largest spread over every layer, counting the output layer's weights (one column) across its rows."""
    L = len(params) // 2
    spreads = [hidden_unit_spread(params[f"theta_{l}"]) for l in range(1, L + 1)]
    return max(spreads + [float(np.ptp(params[f"theta_{L}"])), float(np.ptp(params["b1"]))])


# In exact arithmetic zero-initialised units stay identical forever. In floating point they do too as long as
# the matrix products round identical columns identically; OpenBLAS does for widths that fill its SIMD blocks
# (4, 8, ...) and may differ by a few ulps for other widths (5, 14, 20), see the next test.
@pytest.mark.parametrize("hidden", [[4], [8], [8, 8]])
def test_zero_init_keeps_hidden_units_exactly_identical(cancer, hidden):
    X, y = cancer
    layers = [30, *hidden, 1]
    full = NeuralNet(layers=layers, learning_rate=0.5, iterations=200, init="zeros").fit(X, y)
    mini = NeuralNet(layers=layers, learning_rate=0.5, iterations=20, batch_size=32, init="zeros").fit(X, y)
    for net in (full, mini):
        assert spread_all_layers(net.params_) == 0.0
        assert np.abs(net.params_["theta_1"]).max() > 1e-3  # the weights moved: identical, not untrained


@pytest.mark.parametrize("hidden", [[5], [14], [20], [8, 6]])
def test_zero_init_units_never_separate_beyond_rounding(cancer, hidden):
    X, y = cancer
    net = NeuralNet(layers=[30, *hidden, 1], learning_rate=0.5, iterations=200, init="zeros").fit(X, y)
    scale = max(np.abs(v).max() for v in net.params_.values())
    assert spread_all_layers(net.params_) <= 1e-12 * scale
    assert np.abs(net.params_["theta_1"]).max() > 1e-3


@pytest.mark.parametrize("init", ["normal", "xavier", "he"])
def test_random_init_breaks_symmetry(circles, init):
    X, y = circles
    net = NeuralNet(layers=[2, 8, 1], learning_rate=2.0, iterations=50, init=init).fit(X, y)
    assert hidden_unit_spread(net.params_["theta_1"]) > 0.1
