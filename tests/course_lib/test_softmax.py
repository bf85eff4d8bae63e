"""course_lib.softmax against independent oracles: scipy's softmax, scikit-learn's log_loss, central differences
and small examples worked by hand."""

import math

import numpy as np
import pytest
import scipy.special
from sklearn.metrics import log_loss

from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.softmax import (
    cross_entropy,
    one_hot,
    predict_proba,
    softmax,
    softmax_cross_entropy_backward,
    softmax_forward_and_backward,
)


def random_params(rng, layers, scale=0.5):
    params = {}
    for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:]), start=1):
        params[f"theta_{l}"] = rng.normal(0, scale, (n_in, n_out))
        params[f"b{l}"] = rng.normal(0, scale, n_out)
    return params


# ----- one_hot ----------------------------------------------------------------------------------------------------

def test_one_hot_worked_example():
    assert one_hot(np.array([2, 0, 1, 2]), 3).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert one_hot([1.0], 2).dtype == np.float64


@pytest.mark.parametrize("y, k", [([0, 3], 3), ([-1, 0], 3), ([0.5, 1], 3), ([[0], [1]], 2), ([0, 1], 0)])
def test_one_hot_rejects_bad_labels(y, k):
    with pytest.raises(ValueError):
        one_hot(np.array(y), k)


# ----- softmax ----------------------------------------------------------------------------------------------------

def test_softmax_worked_example():
    # exp(0), exp(ln 2), exp(ln 5) = 1, 2, 5: probabilities 1/8, 2/8, 5/8
    P = softmax(np.array([[0.0, math.log(2), math.log(5)]]))
    np.testing.assert_allclose(P, [[0.125, 0.25, 0.625]], rtol=1e-15)


def test_softmax_matches_scipy_along_the_classes():
    Z = np.random.default_rng(0).normal(0, 3, (7, 4))
    np.testing.assert_allclose(softmax(Z), scipy.special.softmax(Z, axis=1), rtol=1e-13)


def test_softmax_does_not_overflow_and_is_shift_invariant():
    Z = np.array([[1000.0, 1000.0, 990.0], [-1000.0, -1001.0, -2000.0]])
    P = softmax(Z)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(P, softmax(Z - 1000.0), rtol=1e-12)
    np.testing.assert_allclose(P[0, :2], 1 / (2 + math.exp(-10)), rtol=1e-14)


def test_softmax_leaves_its_input_alone_and_rejects_vectors():
    Z = np.array([[1.0, 2.0]])
    softmax(Z)
    assert Z.tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError, match="2-D"):
        softmax(np.array([1.0, 2.0]))


# ----- cross_entropy ----------------------------------------------------------------------------------------------

def test_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(1)
    P = softmax(rng.normal(0, 2, (30, 5)))
    y = rng.integers(0, 5, 30)
    assert cross_entropy(P, one_hot(y, 5)) == pytest.approx(log_loss(y, P, labels=range(5)), rel=1e-12)


def test_cross_entropy_worked_example():
    P = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    assert cross_entropy(P, Y) == pytest.approx(-(math.log(0.5) + math.log(0.8)) / 2, rel=1e-15)


def test_cross_entropy_is_finite_for_a_zero_probability():
    assert cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(-math.log(1e-15))
    assert cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])) == 0.0


def test_cross_entropy_refuses_labels_in_place_of_one_hot_rows():
    with pytest.raises(ValueError, match="one_hot"):
        cross_entropy(np.full((3, 2), 0.5), np.array([0, 1, 1]))


# ----- the gradient with respect to the logits --------------------------------------------------------------------

def test_logit_gradient_is_the_derivative_of_the_loss():
    rng = np.random.default_rng(2)
    Z = rng.normal(0, 2, (6, 4))
    Y = one_hot(rng.integers(0, 4, 6), 4)
    numeric = numerical_gradient(lambda Z_: cross_entropy(softmax(Z_), Y), Z)
    assert relative_error(softmax_cross_entropy_backward(softmax(Z), Y), numeric) < 1e-8


def test_logit_gradient_worked_example():
    P = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    np.testing.assert_allclose(softmax_cross_entropy_backward(P, Y),
                               [[-0.25, 0.125, 0.125], [0.05, -0.1, 0.05]], rtol=1e-15)


# ----- the whole network ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("m, layers", [(1, [5, 3, 4]), (8, [6, 1, 3]), (12, [7, 5, 10])])
def test_network_gradients_match_central_differences(m, layers):
    rng = np.random.default_rng(m)
    X = rng.normal(0, 1, (m, layers[0]))
    Y = one_hot(rng.integers(0, layers[-1], m), layers[-1])
    params = random_params(rng, layers)
    loss, grads = softmax_forward_and_backward(X, Y, params)
    assert loss == pytest.approx(cross_entropy(predict_proba(X, params), Y), rel=1e-15)
    for name, value in params.items():
        numeric = numerical_gradient(lambda v: softmax_forward_and_backward(X, Y, {**params, name: v})[0], value)
        assert relative_error(grads["d" + name], numeric) < 1e-7, name


def test_network_matches_sklearn_mlpclassifier_loss_and_probabilities():
    """MLPClassifier with the same weights computes the same probabilities and (with alpha = 0) the same loss."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(3)
    X = rng.normal(0, 1, (20, 6))
    y = np.arange(20) % 4
    params = random_params(rng, [6, 5, 4])
    mlp = MLPClassifier(hidden_layer_sizes=(5,), alpha=0.0, max_iter=1)
    mlp.partial_fit(X, y, classes=np.arange(4))
    mlp.coefs_ = [params["theta_1"].copy(), params["theta_2"].copy()]
    mlp.intercepts_ = [params["b1"].copy(), params["b2"].copy()]
    P = predict_proba(X, params)
    np.testing.assert_allclose(P, mlp.predict_proba(X), rtol=1e-12)
    loss, _ = softmax_forward_and_backward(X, one_hot(y, 4), params)
    assert loss == pytest.approx(log_loss(y, mlp.predict_proba(X)), rel=1e-12)


def test_network_rejects_a_wrong_number_of_layers():
    rng = np.random.default_rng(4)
    params = random_params(rng, [3, 2, 2, 2])
    with pytest.raises(ValueError, match="n0, n1, K"):
        softmax_forward_and_backward(np.zeros((2, 3)), np.eye(2), params)
