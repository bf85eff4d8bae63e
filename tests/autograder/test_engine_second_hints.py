"""A repeated failure gets a second, more specific hint (the in-notebook ``check``): the learner runs the check,
edits, runs it again and fails the same case the same way; the misconception's second hint follows the first."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import check
from autograder.exercises import resolve
from autograder.public import _LAST_DIAGNOSIS, load_exercise
from autograder.publicgen import _NO_REFERENCE_NEEDED, shipped_mutants
from autograder.registry import EXERCISES

#: every exercise whose public data ship its mutants (init_params and split_and_scale are judged by properties alone)
WITH_SECOND_HINTS = tuple(n for n, spec in EXERCISES.items() if spec.mutants and spec.judge_kind not in
                          _NO_REFERENCE_NEEDED)


@pytest.fixture(autouse=True)
def _fresh_kernel_memory():
    _LAST_DIAGNOSIS.clear()
    yield
    _LAST_DIAGNOSIS.clear()


def _hint_of(fn, name):
    try:
        check(fn, name=name)
    except AssertionError as failure:
        return next((ln[len("Hint: "):] for ln in str(failure).splitlines() if ln.startswith("Hint: ")), "")
    return None


@pytest.mark.parametrize("name", WITH_SECOND_HINTS)
def test_every_mutant_has_a_second_hint_of_its_own(name):
    for m in EXERCISES[name].mutants:
        assert m.second_hint and m.second_hint != m.hint and m.second_hint not in m.hint, (name, m.name)
    shipped = load_exercise(name).second_hints
    assert shipped == {m.hint: m.second_hint for m in shipped_mutants(EXERCISES[name])}


MUTANTS = [pytest.param(name, m, id=f"{name}-{m.name}") for name in WITH_SECOND_HINTS
           for m in shipped_mutants(EXERCISES[name])]


@pytest.mark.parametrize("name,mutant", MUTANTS)
def test_the_same_failure_twice_shows_the_second_hint(name, mutant):
    _LAST_DIAGNOSIS.clear()
    fn = resolve(mutant.fn)
    assert _hint_of(fn, name) == mutant.hint       # the first time: the hint naming the misconception
    second = _hint_of(fn, name)
    assert second.startswith(mutant.second_hint) and "failed the same way last time" in second, second
    assert _hint_of(fn, name).startswith(mutant.second_hint)    # and it stays there while nothing changes


def test_a_different_diagnosis_or_a_pass_starts_again_from_the_first_hint():
    mutants = {m.name: m for m in EXERCISES["mse"].mutants}
    total, half = resolve(mutants["sum"].fn), resolve(mutants["half"].fn)
    assert _hint_of(total, "mse") == mutants["sum"].hint
    assert _hint_of(half, "mse") == mutants["half"].hint          # another misconception: its first hint
    assert _hint_of(half, "mse").startswith(mutants["half"].second_hint)
    from course_lib.relu_mse import mse
    assert _hint_of(mse, "mse") is None                             # passes: the memory is cleared
    assert _hint_of(half, "mse") == mutants["half"].hint


def test_a_failure_without_a_known_misconception_has_no_second_hint():
    def wrong(out, target):
        return float(np.mean((np.asarray(out) - np.asarray(target)) ** 2)) + 1.0
    for _ in range(2):
        hint = _hint_of(wrong, "mse")
        assert hint is not None and "failed the same way" not in hint
