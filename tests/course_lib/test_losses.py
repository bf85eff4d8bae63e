"""Losses: values against scikit-learn / direct formulas, gradients against central differences."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error

from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.losses import binary_cross_entropy, binary_cross_entropy_gradient, mse, mse_backward

pytestmark = pytest.mark.filterwarnings("error")

rng = np.random.default_rng(0)
Y = (rng.random((9, 1)) > 0.5).astype(float)
H = rng.uniform(0.05, 0.95, size=(9, 1))


def test_bce_matches_sklearn_log_loss():
    assert binary_cross_entropy(Y, H) == pytest.approx(log_loss(Y[:, 0], H[:, 0], labels=[0, 1]), rel=1e-12)


def test_bce_is_finite_at_exact_zero_and_one():
    Yb = np.array([[1.0], [0.0], [1.0], [0.0]])
    hb = np.array([[0.0], [1.0], [1.0], [0.0]])
    value = binary_cross_entropy(Yb, hb)
    assert np.isfinite(value)
    # two samples perfectly wrong, each costs about -log(1e-15); two perfectly right cost about 0
    assert value == pytest.approx(2 * -np.log(1e-15) / 4, rel=1e-4)
    assert np.all(np.isfinite(binary_cross_entropy_gradient(Yb, hb)))


def test_bce_gradient_matches_central_differences():
    analytic = binary_cross_entropy_gradient(Y, H)
    assert analytic.shape == (9, 1)
    assert relative_error(analytic, numerical_gradient(lambda h: binary_cross_entropy(Y, h), H)) < 1e-7


def test_bce_gradient_chained_with_sigmoid_is_h_minus_y_over_m():
    assert np.allclose(binary_cross_entropy_gradient(Y, H) * H * (1 - H), (H - Y) / len(Y))


def test_mse_value_and_gradient():
    out, target = rng.normal(size=(8, 1)), rng.normal(size=(8, 1))
    assert mse(out, target) == pytest.approx(mean_squared_error(target, out), rel=1e-12)
    analytic = mse_backward(out, target)
    assert np.allclose(analytic, 2 * (out - target) / 8)
    assert relative_error(analytic, numerical_gradient(lambda o: mse(o, target), out)) < 1e-7


def test_losses_return_python_floats():
    assert type(binary_cross_entropy(Y, H)) is float
    assert type(mse(H, Y)) is float


@pytest.mark.parametrize("func", [binary_cross_entropy, binary_cross_entropy_gradient, mse, mse_backward])
def test_flat_label_vector_is_rejected(func):
    with pytest.raises(ValueError, match=r"\(m, 1\)"):
        func(Y[:, 0], H) if func in (binary_cross_entropy, binary_cross_entropy_gradient) else func(H, Y[:, 0])


@pytest.mark.parametrize("func", [binary_cross_entropy, mse])
def test_mismatched_lengths_are_rejected(func):
    with pytest.raises(ValueError, match="rows"):
        func(Y, H[:5])


def test_nan_is_rejected():
    bad = H.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        binary_cross_entropy(Y, bad)
