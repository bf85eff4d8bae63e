"""Initialisers: shapes, exact zeros, moments, draw order, and randomness only from the given generator."""

import numpy as np
import pytest

from course_lib.initializers import INITIALIZERS, he, init_params, normal, xavier, zeros

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("method", sorted(INITIALIZERS))
def test_keys_and_shapes_for_any_depth(method):
    params = init_params([5, 4, 3, 1], method, np.random.default_rng(0))
    assert list(params) == ["theta_1", "b1", "theta_2", "b2", "theta_3", "b3"]
    assert [params[k].shape for k in params] == [(5, 4), (4,), (4, 3), (3,), (3, 1), (1,)]
    assert all(v.dtype == np.float64 for v in params.values())


def test_zeros_are_exactly_zero():
    params = init_params([30, 14, 1], "zeros", np.random.default_rng(0))
    assert all(np.count_nonzero(v) == 0 for v in params.values())


def test_normal_follows_the_documented_draw_order():
    rng = np.random.default_rng(7)
    expected = {"theta_1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2),
                "theta_2": rng.standard_normal((2, 1)), "b2": rng.standard_normal(1)}
    params = init_params([3, 2, 1], "normal", np.random.default_rng(7))
    assert all(np.array_equal(params[k], expected[k]) for k in expected)


@pytest.mark.parametrize("method, std", [("normal", lambda i, o: 1.0), ("xavier", lambda i, o: np.sqrt(2 / (i + o))),
                                         ("he", lambda i, o: np.sqrt(2 / i))])
def test_weight_moments(method, std):
    n_in, n_out = 400, 300
    theta = INITIALIZERS[method](n_in, n_out, np.random.default_rng(1))
    # 120 000 draws: the sample std is within 1% of the target with overwhelming probability
    assert abs(theta.mean()) < 0.02 * std(n_in, n_out)
    assert theta.std() == pytest.approx(std(n_in, n_out), rel=0.01)


def test_biases_random_only_for_normal():
    assert np.count_nonzero(init_params([50, 40, 1], "normal", 0)["b1"]) == 40
    for method in ("zeros", "xavier", "he"):
        assert np.count_nonzero(init_params([50, 40, 1], method, 0)["b1"]) == 0


@pytest.mark.parametrize("method", ["normal", "xavier", "he"])
def test_same_seed_same_draw_and_different_seed_different_draw(method):
    a = init_params([6, 5, 1], method, np.random.default_rng(3))
    b = init_params([6, 5, 1], method, np.random.default_rng(3))
    c = init_params([6, 5, 1], method, np.random.default_rng(4))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["theta_1"], c["theta_1"])


def test_uses_the_generator_and_not_global_state():
    rng = np.random.default_rng(0)
    state = np.random.get_state()[1].copy()
    before = rng.bit_generator.state["state"]["state"]
    init_params([4, 3, 1], "normal", rng)
    assert rng.bit_generator.state["state"]["state"] != before  # the generator advanced
    assert np.array_equal(np.random.get_state()[1], state)  # the global state did not


def test_int_seed_is_accepted():
    assert np.array_equal(init_params([3, 2, 1], "normal", 5)["theta_1"],
                          init_params([3, 2, 1], "normal", np.random.default_rng(5))["theta_1"])


def test_individual_initialisers_shapes():
    rng = np.random.default_rng(0)
    for init in (zeros, normal, xavier, he):
        assert init(3, 2, rng).shape == (3, 2)


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="'uniform'"):
        init_params([3, 2, 1], "uniform", 0)


@pytest.mark.parametrize("layers, error", [([3], ValueError), ([3, 0, 1], ValueError), ([3, 2.5, 1], TypeError),
                                           ("30,14,1", TypeError)])
def test_bad_layers_raise(layers, error):
    with pytest.raises(error, match="layers"):
        init_params(layers, "normal", 0)


def test_bad_rng_raises():
    with pytest.raises(TypeError, match="rng"):
        init_params([3, 2, 1], "normal", "seed")
