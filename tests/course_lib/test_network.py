"""The sigmoid network: forward against independent computations, backward against central differences."""

import numpy as np
import pytest
from scipy.special import expit

from course_lib import init_params
from course_lib.gradcheck import gradient_check, numerical_gradient, relative_error
from course_lib.losses import binary_cross_entropy
from course_lib.network import (
    backward_propagation,
    dense_backward,
    dense_forward,
    forward_one_sample,
    forward_propagation,
    layer_forward,
    update_params,
)

pytestmark = pytest.mark.filterwarnings("error")


def make_problem(layers, m, seed=0, method="xavier"):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, layers[0]))
    Y = (rng.random((m, 1)) > 0.5).astype(float)
    params = init_params(layers, method, rng)
    # non-zero biases so that db is exercised
    return X, Y, {k: v + 0.1 * rng.normal(size=v.shape) if k.startswith("b") else v for k, v in params.items()}


def naive_forward(X, params):
    """Independent oracle: per layer with scipy's expit and explicit bias broadcasting."""
    A = X
    for l in range(1, len(params) // 2 + 1):
        A = expit(np.dot(A, params[f"theta_{l}"]) + params[f"b{l}"][None, :])
    return A


# ---------------------------------------------------------------------------------------------------------
# dense layer pair
# ---------------------------------------------------------------------------------------------------------

def test_dense_forward_and_backward_match_central_differences():
    rng = np.random.default_rng(3)
    A_prev, theta, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    G = rng.normal(size=(5, 3))  # upstream gradient of the scalar sum(G * Z)
    Z, cache = dense_forward(A_prev, theta, b)
    assert np.allclose(Z, A_prev @ theta + b)
    dA_prev, dtheta, db = dense_backward(G, cache)
    assert relative_error(dA_prev, numerical_gradient(lambda a: np.sum(G * dense_forward(a, theta, b)[0]), A_prev)) < 1e-7
    assert relative_error(dtheta, numerical_gradient(lambda t: np.sum(G * dense_forward(A_prev, t, b)[0]), theta)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: np.sum(G * dense_forward(A_prev, theta, v)[0]), b)) < 1e-7


def test_dense_forward_rejects_mismatched_inner_dimension():
    with pytest.raises(ValueError, match=r"\(5, 4\).*\(3, 2\)"):
        dense_forward(np.ones((5, 4)), np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="b must have shape"):
        dense_forward(np.ones((5, 4)), np.ones((4, 2)), np.ones(3))


def test_dense_backward_rejects_wrong_upstream_shape():
    _, cache = dense_forward(np.ones((5, 4)), np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match="dZ"):
        dense_backward(np.ones((5, 3)), cache)


def test_layer_forward_is_sigmoid_of_affine():
    X, _, params = make_problem([4, 3, 1], 6)
    assert np.allclose(layer_forward(X, params["theta_1"], params["b1"]),
                       expit(X @ params["theta_1"] + params["b1"]), rtol=1e-14)


# ---------------------------------------------------------------------------------------------------------
# forward
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("layers", [[3, 1], [4, 3, 1], [30, 14, 1], [5, 6, 4, 2], [3, 5, 5, 5, 1]])
def test_forward_propagation_matches_naive_oracle(layers):
    X, _, params = make_problem(layers, 7, method="normal")
    h, cache = forward_propagation(X, params)
    assert h.shape == (7, layers[-1])
    assert np.allclose(h, naive_forward(X, params), rtol=1e-13, atol=0)
    L = len(layers) - 1
    assert set(cache) == {f"{k}{l}" for l in range(1, L + 1) for k in "ZA"}
    assert cache[f"A{L}"] is h or np.array_equal(cache[f"A{L}"], h)
    for l in range(1, L + 1):
        assert cache[f"Z{l}"].shape == cache[f"A{l}"].shape == (7, layers[l])
        assert np.allclose(cache[f"A{l}"], expit(cache[f"Z{l}"]), rtol=1e-14)


@pytest.mark.parametrize("layers", [[4, 3, 1], [5, 6, 4, 2]])
def test_forward_one_sample_matches_batch_rows(layers):
    X, _, params = make_problem(layers, 4, method="normal")
    h, _ = forward_propagation(X, params)
    for i in range(4):
        out = forward_one_sample(X[i], params)
        assert out.shape == (layers[-1],)
        assert np.allclose(out, h[i], rtol=1e-13)


def test_forward_does_not_mutate_inputs():
    X, _, params = make_problem([4, 3, 1], 5)
    X0, p0 = X.copy(), {k: v.copy() for k, v in params.items()}
    forward_propagation(X, params)
    assert np.array_equal(X, X0) and all(np.array_equal(params[k], p0[k]) for k in p0)


# ---------------------------------------------------------------------------------------------------------
# backward against central differences: several depths and widths, m = 1 included
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("layers", [[3, 1], [4, 3, 1], [6, 10, 1], [5, 4, 3, 1], [3, 7, 2, 4, 1], [30, 14, 1]])
@pytest.mark.parametrize("m", [1, 2, 9])
def test_backward_propagation_matches_central_differences(layers, m):
    X, Y, params = make_problem(layers, m, seed=m + len(layers))
    _, cache = forward_propagation(X, params)
    grads = backward_propagation(X, Y, params, cache)
    assert list(grads) == [f"{p}{l}" for l in range(1, len(layers)) for p in ("dtheta_", "db")]
    for key, value in params.items():
        assert grads["d" + key].shape == value.shape

        def cost(v, key=key):
            return binary_cross_entropy(Y, forward_propagation(X, {**params, key: v})[0])

        assert relative_error(grads["d" + key], numerical_gradient(cost, value)) < 1e-7, key


def test_backward_propagation_is_a_loop_over_the_dense_pair():
    # Chaining the public dense_backward by hand, with the sigmoid derivative between layers, gives exactly
    # backward_propagation's gradients: the network's backward pass is that loop and nothing else.
    X, Y, params = make_problem([5, 4, 3, 1], 7)
    h, cache = forward_propagation(X, params)
    dZ = (h - Y) / len(X)
    expected = {}
    for l in (3, 2, 1):
        A_prev = X if l == 1 else cache[f"A{l - 1}"]
        dA_prev, expected[f"dtheta_{l}"], expected[f"db{l}"] = dense_backward(dZ, (A_prev, params[f"theta_{l}"]))
        dZ = dA_prev * A_prev * (1 - A_prev)
    grads = backward_propagation(X, Y, params, cache)
    assert all(np.array_equal(grads[k], expected[k]) for k in expected)


def test_relu_mse_linear_backward_is_dense_backward():
    from course_lib.relu_mse import linear_backward

    rng = np.random.default_rng(8)
    dZ, A_prev, theta = rng.normal(size=(6, 3)), rng.normal(size=(6, 4)), rng.normal(size=(4, 3))
    for ours, theirs in zip(linear_backward(dZ, A_prev, theta), dense_backward(dZ, (A_prev, theta))):
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("layers", [[4, 3, 1], [5, 4, 3, 1]])
def test_gradient_check_agrees(layers):
    X, Y, params = make_problem(layers, 6, method="normal")
    assert max(gradient_check(X, Y, params).values()) < 1e-7


def test_backward_output_gradient_is_mean_not_sum():
    X, Y, params = make_problem([4, 3, 1], 8)
    h, cache = forward_propagation(X, params)
    grads = backward_propagation(X, Y, params, cache)
    assert np.allclose(grads["db2"], np.sum(h - Y) / 8)


# ---------------------------------------------------------------------------------------------------------
# update
# ---------------------------------------------------------------------------------------------------------

def test_update_params_returns_new_dict_and_leaves_inputs():
    X, Y, params = make_problem([4, 3, 1], 5)
    _, cache = forward_propagation(X, params)
    grads = backward_propagation(X, Y, params, cache)
    p0 = {k: v.copy() for k, v in params.items()}
    new = update_params(params, grads, 0.1)
    assert new is not params
    for k in params:
        assert np.array_equal(params[k], p0[k])
        assert np.allclose(new[k], p0[k] - 0.1 * grads["d" + k])


def test_update_params_rejects_mismatched_grads():
    _, _, params = make_problem([4, 3, 1], 5)
    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    with pytest.raises(ValueError, match="missing"):
        update_params(params, {k: v for k, v in grads.items() if k != "db2"}, 0.1)
    with pytest.raises(ValueError, match="shape"):
        update_params(params, {**grads, "dtheta_1": np.zeros((3, 4))}, 0.1)
    with pytest.raises(TypeError, match="learning_rate"):
        update_params(params, grads, "0.1")


# ---------------------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------------------

def test_flat_label_vector_is_rejected_by_backward():
    X, Y, params = make_problem([4, 3, 1], 5)
    _, cache = forward_propagation(X, params)
    with pytest.raises(ValueError, match=r"Y must be a column vector of shape \(m, 1\), got shape \(5,\)"):
        backward_propagation(X, Y[:, 0], params, cache)


def test_nan_in_X_is_rejected():
    X, _, params = make_problem([4, 3, 1], 5)
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN.*\(2, 1\)"):
        forward_propagation(X, params)


def test_params_not_matching_X_are_rejected():
    X, _, params = make_problem([4, 3, 1], 5)
    with pytest.raises(ValueError, match="theta_1"):
        forward_propagation(X[:, :3], params)
    with pytest.raises(ValueError, match="theta_2"):
        forward_propagation(X, {**params, "theta_2": np.ones((2, 1))})


def test_params_with_missing_or_misspelt_keys_are_rejected():
    X, _, params = make_problem([4, 3, 1], 5)
    bad = {**params, "theta2": params["theta_2"]}
    del bad["theta_2"]
    with pytest.raises(ValueError, match="theta_2"):
        forward_propagation(X, bad)


def test_cache_from_another_batch_is_rejected():
    X, Y, params = make_problem([4, 3, 1], 5)
    _, cache = forward_propagation(X[:3], params)
    with pytest.raises(ValueError, match="cache"):
        backward_propagation(X, Y, params, cache)
