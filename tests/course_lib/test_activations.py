"""Activations: exact limits, no warnings, and derivatives against central differences."""

import numpy as np
import pytest
from scipy.special import expit

from course_lib.activations import (
    ACTIVATIONS,
    DERIVATIVES,
    identity,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from course_lib.gradcheck import numerical_gradient, relative_error

pytestmark = pytest.mark.filterwarnings("error")  # any RuntimeWarning (overflow, ...) fails the test


def test_sigmoid_exact_limits_without_warning():
    out = sigmoid(np.array([-1e4, 1e4, -800.0, 800.0, 0.0]))
    assert out[0] == 0.0 and out[1] == 1.0
    assert out[2] == 0.0 and out[3] == 1.0
    assert out[4] == 0.5
    assert sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0


def test_sigmoid_matches_scipy_to_rounding():
    z = np.linspace(-700, 700, 20001)
    expected = expit(z)
    assert np.all(np.abs(sigmoid(z) - expected) <= 4 * np.finfo(float).eps * expected)


def test_sigmoid_small_values_keep_relative_precision():
    # 1 - sigmoid(-z) would lose everything here; the result must stay accurate in relative terms
    z = np.array([-30.0, -100.0, -700.0])
    assert np.allclose(sigmoid(z), np.exp(z) / (1 + np.exp(z)), rtol=1e-14, atol=0)


def test_sigmoid_is_pure_and_keeps_shape():
    z = np.array([[1.0, -2.0], [3.0, 0.5]])
    before = z.copy()
    out = sigmoid(z)
    assert out.shape == (2, 2)
    assert np.array_equal(z, before)


def test_sigmoid_accepts_integers_and_lists():
    assert np.allclose(sigmoid([0, 1]), [0.5, expit(1.0)])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_smooth_derivatives_match_central_differences(name):
    z = np.random.default_rng(0).normal(0, 3, size=(7, 3))
    f, df = ACTIVATIONS[name], DERIVATIVES[name]
    # d/dz_ij of sum(f(z)) is f'(z_ij) for an element-wise f
    assert relative_error(df(z), numerical_gradient(lambda v: f(v).sum(), z)) < 1e-7


def test_relu_derivative_matches_central_differences_away_from_zero():
    z = np.random.default_rng(1).normal(size=(6, 5))
    z[np.abs(z) < 1e-3] = 0.5
    assert relative_error(relu_derivative(z), numerical_gradient(lambda v: relu(v).sum(), z)) < 1e-7


def test_relu_and_its_derivative_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(relu(z), [0.0, 0.0, 3.0])
    assert np.array_equal(relu_derivative(z), [0.0, 0.0, 1.0])  # 0 at the kink


def test_closed_forms():
    z = np.linspace(-5, 5, 11)
    assert np.allclose(tanh(z), np.tanh(z))
    assert np.allclose(tanh_derivative(z), 1 / np.cosh(z) ** 2)
    assert np.allclose(sigmoid_derivative(z), expit(z) * (1 - expit(z)))
    assert sigmoid_derivative(0.0) == 0.25
    assert np.array_equal(identity(z), z)


def test_tables_agree_on_names():
    assert set(ACTIVATIONS) == set(DERIVATIVES) >= {"sigmoid", "relu", "tanh", "identity"}


def test_nonnumeric_input_raises_type_error():
    with pytest.raises(TypeError, match="z"):
        sigmoid("abc")
