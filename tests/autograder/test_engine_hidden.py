"""check_hidden (nbgrader hidden test blocks): fresh inputs, reproducible with a seed, same report as check()."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from autograder.hidden import check_hidden, run_hidden


def test_hidden_check_passes_a_correct_function_and_fails_a_wrong_one(capfd):
    from engine_alternatives import backward_einsum
    assert check_hidden(backward_einsum, name="backward_propagation").passed

    def backward_propagation(X, Y, params, cache):
        g = backward_einsum(X, Y, params, cache)
        return {k: -v for k, v in g.items()}
    with pytest.raises(AssertionError, match="gradient ascent"):
        check_hidden(backward_propagation)
    assert capfd.readouterr().err == ""


def test_seed_makes_a_regrade_reproducible(monkeypatch):
    def flaky_mse(out, target):  # wrong only for some inputs: its verdict depends on the drawn cases
        v = float(np.mean((out - target) ** 2))
        return v if out.shape[0] % 2 else v * 1.0000001 + 1e-3
    a = run_hidden(flaky_mse, "mse", seed=123)
    b = run_hidden(flaky_mse, "mse", seed=123)
    assert a == b
    monkeypatch.setenv("AUTOGRADER_SEED", "123")
    assert run_hidden(flaky_mse, "mse") == a
    if not a.passed:
        assert "seed 123" in " ".join(a.notes)


def test_fresh_inputs_without_a_seed(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    from autograder.hidden import _seed
    assert _seed(None) != _seed(None)


def test_container_subclasses_are_read_without_their_methods():
    from engine_alternatives import backward_general, linear_backward_dot

    class Weird(collections.OrderedDict):
        def __eq__(self, other):
            raise AssertionError("__eq__ called")

        def items(self):
            raise AssertionError("items called")

    assert run_hidden(lambda *a: Weird(backward_general(*a)), "backward_propagation", seed=1).passed
    Grads = collections.namedtuple("Grads", "dA_prev dtheta db")
    assert run_hidden(lambda *a: Grads(*linear_backward_dot(*a)), "linear_backward", seed=1).passed
    assert run_hidden(lambda *a: collections.defaultdict(float, backward_general(*a)), "backward_propagation",
                      seed=2).passed
