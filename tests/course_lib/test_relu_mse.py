"""The ReLU + MSE network of the second article, against central differences."""

import numpy as np
import pytest

from course_lib import init_params
from course_lib.data import load_mnist
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.relu_mse import forward_and_backward, linear_backward, linear_forward, relu_backward

pytestmark = pytest.mark.filterwarnings("error")


def make(layers, m, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(layers, "he", rng)
    params = {k: v + 0.1 * rng.normal(size=v.shape) if k.startswith("b") else v for k, v in params.items()}
    return rng.normal(size=(m, layers[0])), rng.normal(size=(m, 1)), params


@pytest.mark.parametrize("m", [1, 3, 10])
def test_forward_and_backward_matches_central_differences(m):
    X, y, params = make([12, 7, 1], m, seed=m)
    _, grads = forward_and_backward(X, y, params)
    assert list(grads) == ["dtheta_1", "db1", "dtheta_2", "db2"]
    for key, value in params.items():
        assert grads["d" + key].shape == value.shape

        def f(v, key=key):
            return forward_and_backward(X, y, {**params, key: v})[0]

        assert relative_error(grads["d" + key], numerical_gradient(f, value)) < 1e-7, key


def test_loss_is_mean_squared_error_of_the_network():
    X, y, p = make([6, 4, 1], 5)
    out = np.maximum(X @ p["theta_1"] + p["b1"], 0) @ p["theta_2"] + p["b2"]
    assert forward_and_backward(X, y, p)[0] == pytest.approx(np.mean((out - y) ** 2), rel=1e-13)


def test_mnist_sized_network_directional_derivative():
    # [784, 50, 1] on real digits: a full finite-difference check would need 80 000 evaluations, so compare
    # the directional derivative <grad, d> with a central difference along one random direction d
    X, labels = load_mnist()
    X, y = X[:32], labels[:32].reshape(-1, 1).astype(float)
    rng = np.random.default_rng(0)
    params = init_params([784, 50, 1], "he", rng)
    _, grads = forward_and_backward(X, y, params)
    direction = {k: rng.normal(size=v.shape) for k, v in params.items()}

    def f(t):
        return forward_and_backward(X, y, {k: params[k] + t[0] * direction[k] for k in params})[0]

    numeric = numerical_gradient(f, np.zeros(1))[0]
    analytic = sum(np.sum(grads["d" + k] * direction[k]) for k in params)
    assert relative_error(np.array([analytic]), np.array([numeric])) < 1e-7


def test_layer_pieces():
    rng = np.random.default_rng(1)
    A, theta, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    assert np.allclose(linear_forward(A, theta, b), A @ theta + b)
    G = rng.normal(size=(4, 2))
    dA, dtheta, db = linear_backward(G, A, theta)
    assert relative_error(dA, numerical_gradient(lambda a: np.sum(G * linear_forward(a, theta, b)), A)) < 1e-7
    assert relative_error(dtheta, numerical_gradient(lambda t: np.sum(G * linear_forward(A, t, b)), theta)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: np.sum(G * linear_forward(A, theta, v)), b)) < 1e-7
    Z = np.array([[-1.0, 0.0, 2.0]])
    assert np.array_equal(relu_backward(np.array([[5.0, 5.0, 5.0]]), Z), [[0.0, 0.0, 5.0]])


def test_flat_target_is_rejected():
    X, y, params = make([6, 4, 1], 5)
    with pytest.raises(ValueError, match=r"\(m, 1\)"):
        forward_and_backward(X, y[:, 0], params)


def test_mismatched_shapes_are_rejected():
    X, y, params = make([6, 4, 1], 5)
    with pytest.raises(ValueError, match="theta_1"):
        forward_and_backward(X[:, :5], y, params)
    with pytest.raises(ValueError, match="dZ"):
        linear_backward(np.ones((5, 3)), X, params["theta_1"])
    with pytest.raises(ValueError, match="same shape"):
        relu_backward(np.ones((2, 2)), np.ones((2, 3)))
