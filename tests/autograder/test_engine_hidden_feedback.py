"""Hidden cases never show their inputs (issue 5): for every exercise, a wrong answer judged on hidden cases gets a
message that names the case by number and kind, keeps shapes, indices and error sizes, and contains none of the
numbers drawn for the case (formatted the ways the engine formats numbers). Public cases keep their full detail."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from autograder.exercises import resolve
from autograder.probes import probe
from autograder.properties import HINTS
from autograder.public import load_exercise, run_public
from autograder.registry import EXERCISES
from autograder.results import Case

SEEDS = (11, 2026)
TOKEN = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?", re.IGNORECASE)
# arguments that are fixed, documented settings or shapes, not drawn values (a layer list, an epoch count)
SETTINGS = {"layers", "iterations", "method"}
OPTION_SETTINGS = {"layers", "iterations", "learning_rate", "batch_size", "name", "why", "rule", "raises_because",
                   "method", "init", "compare", "same_as", "differs_from", "y"}


def _tokens(text: str) -> set[str]:
    return set(TOKEN.findall(text))


def _digits(token: str) -> int:
    return len(token.split("e")[0].replace(".", "").strip("0"))


def _formats(v) -> set[str]:
    """How a drawn number is printed by the engine (.10g) or in a label (repr), unsigned.

    Small integers (shapes, counts, indices) and round numbers with fewer than 3 significant digits (fixed edge
    values such as 0.5, too short to tell from an error size) are left out."""
    v = abs(float(v))
    if v.is_integer():
        return {str(int(v))} if v >= 10 else set()
    return {t for t in (f"{v:.10g}", repr(v)) if _digits(t) >= 3}


def _numbers_of_tree(tree, out: set[str]) -> None:
    """Every drawn number inside an encoded tree (arrays, scalars, dicts, frames, files, functions)."""
    if type(tree) is dict and "t" in tree:
        t = tree["t"]
        if t == "ndarray":
            a = tree["v"]
            if a.dtype.kind == "f":   # integer-valued entries are labels, row ids or fixed edge values
                for v in a.ravel()[:5000]:
                    if np.isfinite(v) and not float(v).is_integer():
                        out |= _formats(v)
        elif t in ("float", "int", "npscalar") and type(tree["v"]) in (int, float):
            out |= _formats(tree["v"])
        elif t == "file":
            for tok in re.findall(r"\d+\.\d+|\d{4,}", tree["text"]):
                out |= _formats(float(tok))
        else:
            for key, value in tree.items():
                if key not in ("shape", "dtype", "dtypes", "columns", "keys", "name", "kind", "type"):
                    _numbers_of_tree(value, out)
    elif type(tree) is dict:
        for key, value in tree.items():
            if key not in OPTION_SETTINGS:
                _numbers_of_tree(value, out)
    elif type(tree) in (list, tuple):
        for item in tree:
            _numbers_of_tree(item, out)
    elif type(tree) in (int, float):   # plain option values: seeds, bounds
        out |= _formats(tree)


def hidden_numbers(name: str, case: Case) -> set[str]:
    arg_names = EXERCISES[name].arg_names
    out: set[str] = set()
    for i, arg in enumerate(case.args):
        if i < len(arg_names) and arg_names[i] in SETTINGS:
            continue
        _numbers_of_tree(arg, out)
    _numbers_of_tree(dict(case.kwargs), out)
    _numbers_of_tree(dict(case.options), out)
    return out


def _perturb(x):
    """A wrong answer near the right one: every float moved by 1e-3 (ints by 1), structure kept."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x * (1 + 1e-3) + 1e-3
    if isinstance(x, (float, np.floating)):
        return float(x) * (1 + 1e-3) + 1e-3
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return int(x) + 1
    if isinstance(x, dict):
        return {k: _perturb(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_perturb(v) for v in x)
    if isinstance(x, pd.DataFrame):
        return x + 1e-3
    return x


def perturbed(spec):
    ref = spec.reference_obj

    def wrong(*args, **kwargs):
        return _perturb(ref(*args, **kwargs))
    return wrong


VALUE_JUDGED = [n for n, s in EXERCISES.items() if s.judge_kind == "value"]


def _judged(name, fn, seed):
    spec = EXERCISES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in spec.hidden_cases(seed):
            yield case, spec.judge(case, probe(name, fn, case))


def _static_hint_tokens(name) -> set[str]:
    spec = EXERCISES[name]
    texts = [m.hint for m in spec.mutants] + [h for _, h in spec.fail_warnings] + list(HINTS.values())
    return set().union(*(_tokens(t) for t in texts))


def _assert_no_hidden_numbers(name, case, result):
    numbers = hidden_numbers(name, case)
    leaked = _tokens(result.message) & numbers
    assert not leaked, (name, case.label, leaked, result.message)
    leaked = (_tokens(result.hint) - _static_hint_tokens(name)) & numbers
    assert not leaked, (name, case.label, leaked, result.hint)
    assert re.match(r"On hidden case \d+ \(", result.message), result.message


@pytest.mark.parametrize("name", [n for n, s in EXERCISES.items() if s.mutants])   # thinking questions have none
def test_misconceptions_on_hidden_cases_show_no_hidden_numbers(name):
    failures = 0
    for mutant in EXERCISES[name].mutants:
        for seed in SEEDS:
            for case, r in _judged(name, resolve(mutant.fn), seed):
                if not r.passed:
                    failures += 1
                    _assert_no_hidden_numbers(name, case, r)
    assert failures


@pytest.mark.parametrize("name", VALUE_JUDGED)
def test_a_near_miss_names_index_shape_and_error_sizes_but_no_values(name):
    spec = EXERCISES[name]
    seen = 0
    for seed in SEEDS:
        for case, r in _judged(name, perturbed(spec), seed):
            if r.passed:
                continue
            seen += 1
            _assert_no_hidden_numbers(name, case, r)
            if case.options.get("rule") == "finite_between":   # a cost within bounds drawn from the inputs
                assert re.search(r"the result is too (large|small)", r.message), r.message
            elif "expected int" in r.message:   # an int's absolute error could be an input: direction instead
                assert re.search(r"too (large|small) \(relative error", r.message), r.message
            else:
                assert "absolute error" in r.message and "relative error" in r.message, r.message
            assert "got " not in r.message and not re.search(r"expected -?\d", r.message), r.message
            if "entries differ" in r.message:
                assert re.search(r"First at index \(\d+(, \d+)*,?\)", r.message), r.message
    assert seen


def test_hidden_labels_are_numbered_kinds_without_drawn_values():
    labels = [c.label for c in EXERCISES["count_quadratic_terms"].hidden_cases(3)]
    assert labels[0] == "case 1 (edge case: a single feature)" and not any("=" in lab for lab in labels)
    split = EXERCISES["split_and_scale"].hidden_cases(3)
    assert all("test_size" not in c.label for c in split)
    mlp = EXERCISES["make_equivalent_mlp"].hidden_cases(3)
    assert all("learning_rate" not in c.label and "n_samples" not in c.label for c in mlp)
    sig = EXERCISES["sigmoid"].hidden_cases(3)
    assert sig[0].label == "case 1 (edge case: z is a Python float, not an array)"
    assert all(c.hidden for c in sig)


def test_hidden_flag_survives_the_channel_and_public_cases_do_not_carry_it():
    case = EXERCISES["sigmoid"].hidden_cases(1)[2]
    again = Case.from_plain(case.to_plain())
    assert again.hidden and again.label == case.label
    for name in EXERCISES:
        spec = EXERCISES[name]
        assert not any(c.hidden or "hidden" in c.to_plain() for c in spec.public_cases())
        assert not any(c.hidden for c in load_exercise(name).cases)


def test_public_messages_keep_the_values():
    r = run_public(perturbed(EXERCISES["sigmoid"]), "sigmoid")
    assert r.message == ("On case 'z = 0.0 (a Python float)': output is 0.5015 but 0.5 is expected (absolute error "
                         "0.0015, relative error 0.003).")
    r = run_public(perturbed(EXERCISES["neuron_output"]), "neuron_output")
    assert r.message.startswith("On case '") and "got " in r.message and ", expected 0." in r.message
    r = run_public(lambda n: n * n, "count_quadratic_terms")
    assert "but 3 is expected" in r.message


def test_learner_text_is_masked_on_hidden_cases_only():
    def sigmoid(z):
        z = np.asarray(z, dtype=float)
        if z.ndim:
            raise ValueError(f"cannot handle {float(z.ravel()[0])!r}")
        warnings.warn(f"overflow near {float(z)!r}", RuntimeWarning, stacklevel=1)
        return 1 / (1 + math.exp(-float(z)))

    spec = EXERCISES["sigmoid"]
    cases = spec.hidden_cases(5)
    scalar, vector = cases[1], cases[2]
    r = spec.judge(scalar, probe("sigmoid", sigmoid, scalar))
    assert "overflow near #" in r.message and not _tokens(r.message) & hidden_numbers("sigmoid", scalar)
    r = spec.judge(vector, probe("sigmoid", sigmoid, vector))
    assert "cannot handle #" in r.message and not _tokens(r.message) & hidden_numbers("sigmoid", vector)
    public = load_exercise("sigmoid")
    r = run_public(sigmoid, "sigmoid")
    assert "#" not in r.message and any(tok in r.message for tok in _tokens(str(public.cases)))


def test_out_of_range_cost_on_a_hidden_case_gives_no_bounds():
    spec = EXERCISES["binary_cross_entropy"]
    case = next(c for c in spec.hidden_cases(4) if c.options.get("rule") == "finite_between"
                and c.options["hi"] > 1)

    def bce(Y, h):
        return 1e6
    r = spec.judge(case, probe("binary_cross_entropy", bce, case))
    assert "too large" in r.message and f"{case.options['lo']:.4g}" not in r.message
