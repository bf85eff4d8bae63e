"""The checker itself, against functions whose gradients are known in closed form."""

import numpy as np
import pytest

from course_lib import init_params
from course_lib.gradcheck import gradient_check, numerical_gradient, relative_error

pytestmark = pytest.mark.filterwarnings("error")


def test_numerical_gradient_of_known_functions():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    assert relative_error(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2) < 1e-9
    a = np.arange(6.0).reshape(2, 3)
    assert relative_error(numerical_gradient(lambda v: np.sum(a * np.sin(v)), x), a * np.cos(x)) < 1e-9


def test_numerical_gradient_leaves_x_unchanged_even_if_f_mutates_its_argument():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()

    def nasty(v):
        total = float(np.sum(v**2))
        v[:] = 0.0
        return total

    grad = numerical_gradient(nasty, x)
    assert np.array_equal(x, before)
    assert np.allclose(grad, 2 * before, rtol=1e-8)


def test_numerical_gradient_is_central_not_forward():
    # a forward difference of x**2 at x = 1 would be off by eps; the central one is exact up to rounding
    assert abs(numerical_gradient(lambda v: float(v[0] ** 2), np.array([1.0]), eps=1e-3)[0] - 2.0) < 1e-9


def test_relative_error_definition():
    a, b = np.array([3.0, 4.0]), np.array([0.0, 0.0])
    assert relative_error(a, b) == 1.0
    assert relative_error(b, b) == 0.0
    assert relative_error(a, a) == 0.0
    assert relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.ones((2, 1)), np.ones(2))


def test_gradient_check_reports_every_parameter():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 4)), (rng.random((5, 1)) > 0.5).astype(float)
    params = init_params([4, 3, 1], "normal", rng)
    errors = gradient_check(X, Y, params)
    assert list(errors) == ["theta_1", "b1", "theta_2", "b2"]
    assert max(errors.values()) < 1e-7


def test_gradient_check_would_catch_a_wrong_gradient():
    # a summed-instead-of-mean gradient (the seed article's) is m times too large: error (m-1)/(m+1)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    true = numerical_gradient(lambda v: float(np.mean((X @ v) ** 2)), np.ones(3))
    assert relative_error(true * 6, true) == pytest.approx(5 / 7)


def test_bad_eps_and_f():
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, np.ones(2), eps=0)
    with pytest.raises(TypeError, match="callable"):
        numerical_gradient("f", np.ones(2))
