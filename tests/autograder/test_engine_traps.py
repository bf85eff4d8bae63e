"""Tricks and traps: the comparison cannot be fooled, and every failure explains itself."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
import pytest

from autograder import check
from autograder.public import run_public
from autograder.registry import EXERCISES


def _sig(z):
    from course_lib.activations import sigmoid
    return sigmoid(z)


def _bp(X, Y, params, cache):
    from course_lib.network import backward_propagation
    return backward_propagation(X, Y, params, cache)


def grade(fn, name, seed=3):
    return EXERCISES[name].grade(fn, seed)


# ----- types before values --------------------------------------------------------------------------------------

class AlwaysEqual:
    calls: ClassVar[list] = []

    def __eq__(self, other):
        AlwaysEqual.calls.append("eq")
        return True

    def __ne__(self, other):
        AlwaysEqual.calls.append("ne")
        return False

    def __array__(self, dtype=None, copy=None):
        AlwaysEqual.calls.append("array")
        return np.zeros(3)

    def __len__(self):
        AlwaysEqual.calls.append("len")
        return 3

    def __float__(self):
        AlwaysEqual.calls.append("float")
        return 0.5

    def __repr__(self):
        AlwaysEqual.calls.append("repr")
        return "anything"


class Sneaky(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_finalize__(self, obj):
        pass


def test_always_equal_object_fails_without_any_of_its_methods_being_called():
    AlwaysEqual.calls.clear()
    r = grade(lambda z: AlwaysEqual(), "sigmoid")
    assert not r.passed
    assert "AlwaysEqual" in r.message
    assert AlwaysEqual.calls == []


def test_ndarray_subclass_fails():
    r = grade(lambda z: np.asarray(_sig(z)).view(Sneaky), "sigmoid")
    assert not r.passed and "subclass of numpy.ndarray" in r.message


def test_np_matrix_fails():
    def layer_matrix(A_prev, theta, b):
        if np.ndim(A_prev) != 2 or np.shape(A_prev)[1] != np.shape(theta)[0] or np.shape(b) != np.shape(theta)[1:]:
            raise ValueError(f"shapes {np.shape(A_prev)}, {np.shape(theta)}, {np.shape(b)} do not fit")
        return np.asmatrix(A_prev @ theta + b)
    r = grade(layer_matrix, "layer_forward")
    assert not r.passed and "numpy.matrix" in r.message


def test_masked_array_fails():
    r = grade(lambda z: np.ma.masked_array(_sig(np.asarray(z, dtype=float))), "relu")
    assert not r.passed and "masked array" in r.message


def test_list_where_array_required_fails():
    r = grade(lambda Z: np.maximum(Z, 0).tolist(), "relu")
    assert not r.passed and "is a list" in r.message and "np.array" in r.message


def test_empty_dict_fails_and_names_the_expected_keys():
    r = grade(lambda X, Y, params, cache: {}, "backward_propagation")
    assert not r.passed and "empty dict" in r.message and "dtheta_1" in r.message


def test_missing_key_is_named_and_extra_keys_are_noted():
    def partial(X, Y, params, cache):
        g = _bp(X, Y, params, cache)
        del g["db2"]
        return g
    r = grade(partial, "backward_propagation")
    assert not r.passed and "'db2'" in r.message and "missing" in r.message

    def extra(X, Y, params, cache):
        return {**_bp(X, Y, params, cache), "dA1": np.zeros(1)}
    r = grade(extra, "backward_propagation")
    assert r.passed and any("extra keys" in n for n in r.notes)


def test_broadcasting_shape_gets_its_own_message():
    r = grade(lambda X, theta, b: _sig(X @ theta + b).reshape(-1, 1), "neuron_output")
    assert not r.passed
    assert "shape (1,) is expected" in r.message or "broadcast together" in r.message
    assert "ravel()" in r.message
    r = grade(lambda out, t: (2 * (out - t) / len(out)).ravel(), "mse_backward")
    assert not r.passed and "broadcast together" in r.message and "reshape(-1, 1)" in r.message


def test_one_by_one_array_where_a_scalar_is_expected():
    r = grade(lambda Y, h: np.array([[0.3]]), "binary_cross_entropy")
    assert not r.passed and "shape (1, 1)" in r.message and "single number" in r.message


def test_scalars_accept_python_numpy_and_0d():
    def columns(o, t):
        if np.shape(o) != np.shape(t) or np.ndim(o) != 2:
            raise ValueError("two (m, 1) columns expected")
        return np.asarray(o), np.asarray(t)
    for wrap in (float, np.float64, np.asarray, lambda v: np.float32(v) * 0 + v):
        r = grade(lambda o, t, w=wrap: w(np.mean(np.subtract(*columns(o, t)) ** 2)), "mse")
        assert r.passed, r.text()


def test_int_expected_rejects_float_with_a_hint_about_floor_division():
    r = grade(lambda n: n * (n + 1) / 2, "count_quadratic_terms")
    assert not r.passed and "//" in (r.message + r.hint)


def test_nan_output_names_positions():
    def nan_relu(Z):
        out = np.maximum(Z, 0.0)
        out[0, 0] = np.nan
        return out
    r = grade(nan_relu, "relu")
    assert not r.passed and "NaN at 1 position" in r.message and "(0, 0)" in r.message


def test_value_mismatch_names_first_index_and_largest_errors():
    def off(Z):
        out = np.maximum(Z, 0.0)
        out[-1, -1] += 0.5
        return out
    r = grade(off, "relu")
    assert "First at index" in r.message and "Largest absolute error 0.5" in r.message
    assert "largest relative error" in r.message


def test_integer_dtype_where_floats_expected():
    r = grade(lambda a, b: np.einsum("ik,kj->ij", a, b).astype(np.int64) if np.ndim(a) == 2 and np.ndim(b) == 2
              and np.shape(a)[1] == np.shape(b)[0] else (_ for _ in ()).throw(ValueError("shapes")),
              "matmul_einsum")
    assert not r.passed and "integer dtype" in r.message


# ----- behaviour of learner code --------------------------------------------------------------------------------

def test_raising_function_names_the_exception_and_the_case():
    def boom(z):
        raise KeyError("theta_3")
    r = grade(boom, "sigmoid")
    assert not r.passed and "raised KeyError" in r.message and "On hidden case 1 (" in r.message
    assert "Traceback" not in r.message


@pytest.mark.parametrize("stub", [NotImplementedError, NotImplementedError()])
def test_nbgrader_stub_is_not_implemented_yet(stub):
    def todo(z):
        raise stub
    r = grade(todo, "sigmoid")
    assert not r.passed and "not implemented yet" in r.message
    assert run_public(todo, "sigmoid").message == r.message


def test_missing_object():
    r = grade(None, "sigmoid")
    assert not r.passed and "not defined" in r.message


def test_mutating_input_is_noted_but_cannot_corrupt_the_comparison():
    """Where the text does not forbid it (relu_backward), changing an input is a note, and fresh copies keep the
    comparison honest; where it does (relu: "do not modify Z"), it fails."""
    def relu_backward_in_place(dA, Z):
        if dA.shape != Z.shape:
            raise ValueError("shapes differ")
        dA[Z <= 0] = 0.0
        return dA
    r = grade(relu_backward_in_place, "relu_backward")
    assert r.passed, r.text()
    assert any("changed its input (dA) in place" in n for n in r.notes)

    def corrupting(dA, Z):  # returns the right answer but scribbles over its inputs afterwards
        if dA.shape != Z.shape:
            raise ValueError("shapes differ")
        out = dA * (Z > 0)
        dA[...], Z[...] = 123.0, -5.0
        return out
    assert grade(corrupting, "relu_backward").passed

    def relu_in_place(Z):
        Z[Z < 0] = 0.0
        return Z
    r = grade(relu_in_place, "relu")
    assert not r.passed and "in place" in r.message


def test_mutation_fails_where_purity_is_the_point():
    def in_place(params, grads, learning_rate):
        for k in params:
            params[k] -= learning_rate * grads["d" + k]
        return params
    r = grade(in_place, "update_params")
    assert not r.passed and "in place" in r.message and r.hint


def test_view_that_changes_later_cannot_change_the_verdict():
    kept = []

    def leaky(Z):
        out = np.maximum(Z, 0.0)
        kept.append(out)
        return out
    r = grade(leaky, "relu")
    for k in kept:
        k[...] = -1.0
    assert r.passed


def test_prints_and_warnings_are_notes_and_nothing_reaches_stderr(capfd):
    def chatty(Z):
        print("debugging relu", Z.shape)
        import sys
        print("to stderr!", file=sys.stderr)
        warnings.warn("careful", UserWarning)
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        return np.maximum(Z, 0.0)
    chatty.__name__ = "relu"
    r = check(chatty)
    assert r.passed
    joined = " ".join(r.notes)
    assert "UserWarning: careful" in joined and "divide by zero" in joined and "printed" in joined
    out, err = capfd.readouterr()
    assert err == ""
    assert "relu: PASSED" in out


def test_failing_check_raises_assertion_error_with_the_report(capfd):
    def sigmoid(z):
        return np.tanh(z)
    with pytest.raises(AssertionError) as info:
        check(sigmoid)
    out, err = capfd.readouterr()
    assert err == ""
    assert "sigmoid: FAILED" in str(info.value) and "Hint:" in str(info.value)
    assert str(info.value) in out


def test_overflowing_sigmoid_is_caught_by_its_warning():
    r = grade(lambda z: 1 / (1 + np.exp(-np.asarray(z, dtype=float))), "sigmoid")
    assert not r.passed and "overflow" in r.message and "exponential" in r.hint
    assert "np.where" not in r.hint and "tanh" not in r.hint   # it teaches where to look; it hands over no formula


def test_explicit_name_and_class_name():
    from course_lib.activations import relu
    assert check(lambda Z: relu(Z), name="relu").passed
    from course_lib.model import NeuralNet
    assert check(NeuralNet).exercise == "NeuralNet"
    with pytest.raises(TypeError):
        check(object())


def test_unknown_name_is_a_clear_failure():
    with pytest.raises(AssertionError, match="no exercise named"):
        check(lambda x: x, name="sigmoidd")


def test_html_and_text_reports():
    from autograder.public import Report
    r = run_public(lambda z: np.tanh(z), "sigmoid")
    rep = Report(r)
    assert "<div" in rep._repr_html_() and "Hint" in rep._repr_html_()
    assert repr(rep) == f"[public checks] {r.text()}"


def test_property_judges_explain_themselves():
    def leaky_split(X, y, test_size=0.2, seed=0):
        from sklearn.model_selection import train_test_split
        X = np.asarray(X, float)
        X = (X - X.mean(0)) / X.std(0)
        return tuple(train_test_split(X, np.asarray(y), test_size=test_size, random_state=seed)[i] for i in (0, 1, 2, 3))
    r = grade(leaky_split, "split_and_scale")
    assert not r.passed and "ALL rows" in r.message and "leaks" in r.hint

    def series_y(X, y, test_size=0.2, seed=0):
        from course_lib.data import split_and_scale
        Xtr, Xte, ytr, yte = split_and_scale(X, y, test_size, seed)
        import pandas as pd
        return Xtr, Xte, pd.Series(ytr), yte
    r = grade(series_y, "split_and_scale")
    assert not r.passed and ".to_numpy()" in r.message


def test_scaling_with_ddof_1_is_recognised():
    def pandas_std(X, y, test_size=0.2, seed=0):
        from sklearn.model_selection import train_test_split
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=seed)
        mu, sd = Xtr.mean(), Xtr.std()          # pandas: ddof=1
        return ((Xtr - mu) / sd).to_numpy(), ((Xte - mu) / sd).to_numpy(), ytr.to_numpy(), yte.to_numpy()
    r = grade(pandas_std, "split_and_scale")
    assert not r.passed and "ddof=1" in r.message and "population" in r.hint


def test_log_with_a_small_epsilon_is_a_valid_cross_entropy():
    def bce(Y, h):
        if Y.shape != h.shape or Y.ndim != 2 or Y.shape[1] != 1:
            raise ValueError(f"Y {Y.shape} and h {h.shape} must be (m, 1) columns")
        return float(-np.mean(Y * np.log(h + 1e-8) + (1 - Y) * np.log(1 - h + 1e-8)))
    assert grade(bce, "binary_cross_entropy").passed


@pytest.mark.parametrize("forged", [
    {},
    {"output": {"t": "ndarray"}, "error": None},
    {"output": {"t": "probe", "v": {"first": {"t": "dict", "keys": ["theta_1"], "values": [3]}}}, "error": None},
    {"output": {"t": "dict", "keys": ["a"], "values": [{"t": "ndarray", "v": "x"}]}, "error": {"type": 1}},
])
def test_forged_observations_fail_without_crashing_the_judge(forged):
    for name in ("sigmoid", "init_params", "backward_propagation"):
        spec = EXERCISES[name]
        case = spec.hidden_cases(0)[0]
        r = spec.judge(case, forged)
        assert not r.passed


def test_report_has_html_and_plain_text_mimetypes():
    from IPython.core.formatters import DisplayFormatter

    from autograder.public import Report
    data, _ = DisplayFormatter().format(Report(run_public(np.tanh, "sigmoid")))
    assert {"text/html", "text/plain"} <= set(data)
    assert "sigmoid: FAILED" in data["text/plain"]
