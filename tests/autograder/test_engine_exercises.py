"""Every exercise: the reference passes, every catalogued misconception fails WITH its own hint, and correct
implementations written differently pass (hidden cases with fixed seeds, and the shipped public cases)."""

from __future__ import annotations

import numpy as np
import pytest
from engine_alternatives import ALTERNATIVES

from autograder.contract_names import CONTRACT_EXERCISES
from autograder.exercises import resolve
from autograder.exercises.questions import QuestionSpec
from autograder.public import run_public
from autograder.registry import ASSIGNMENTS, EXERCISES

SEEDS = (11, 2026)

MUTANTS = [(name, m) for name, spec in EXERCISES.items() for m in spec.mutants]
# thinking questions return an answer, not a computation: no misconceptions to mimic, no alternative implementations
CODE_EXERCISES = [name for name, spec in EXERCISES.items() if not isinstance(spec, QuestionSpec)]


def test_registry_matches_the_contract():
    assert ASSIGNMENTS == {a: [n for n, _ in items] for a, items in CONTRACT_EXERCISES.items()}
    for a, items in CONTRACT_EXERCISES.items():
        for name, points in items:
            assert EXERCISES[name].points == points and EXERCISES[name].assignment == a


@pytest.mark.parametrize("name", list(EXERCISES))
def test_reference_passes_hidden_and_public(name):
    spec = EXERCISES[name]
    for seed in SEEDS:
        r = spec.grade(spec.reference_obj, seed)
        assert r.passed, r.text()
        assert r.score == r.max_score == spec.points
    r = run_public(spec.reference_obj, name)
    assert r.passed, r.text()


@pytest.mark.parametrize("name", CODE_EXERCISES)
def test_at_least_three_misconceptions(name):
    assert len(EXERCISES[name].mutants) >= 3


@pytest.mark.parametrize("name,mutant", MUTANTS, ids=[f"{n}-{m.name}" for n, m in MUTANTS])
def test_misconception_fails_with_its_hint(name, mutant):
    spec = EXERCISES[name]
    fn = resolve(mutant.fn)
    r = spec.grade(fn, SEEDS[0])
    assert not r.passed and r.score == 0
    assert r.hint == mutant.hint, r.text()
    assert r.message.startswith("On hidden case")
    rp = run_public(fn, name)
    assert not rp.passed and rp.message.startswith("On case '")
    assert rp.hint == mutant.hint, rp.text()


ALTS = [(name, label, obj) for name, items in ALTERNATIVES.items() for label, obj in items]


@pytest.mark.parametrize("name,label,obj", ALTS, ids=[f"{n}-{l}" for n, l, _ in ALTS])
def test_correct_alternative_passes(name, label, obj):
    spec = EXERCISES[name]
    for seed in SEEDS:
        r = spec.grade(obj, seed)
        assert r.passed, r.text()
    assert run_public(obj, name).passed


def test_every_exercise_has_alternatives():
    assert set(ALTERNATIVES) == set(CODE_EXERCISES)


def test_hidden_cases_are_reproducible_and_fresh():
    from autograder.encode import trees_equal
    spec = EXERCISES["backward_propagation"]
    a, b, c = spec.hidden_cases(5), spec.hidden_cases(5), spec.hidden_cases(6)
    assert all(trees_equal(x.to_plain(), y.to_plain()) for x, y in zip(a, b))
    assert not all(trees_equal(x.to_plain(), y.to_plain()) for x, y in zip(a, c))


def test_hidden_cases_cover_edge_cases():
    labels = lambda n: " | ".join(c.label for c in EXERCISES[n].hidden_cases(0))
    assert "m = 1" in labels("forward_propagation") and "single hidden unit" in labels("backward_propagation")
    assert "1e3" in labels("sigmoid") and "h exactly 0 or 1" in labels("binary_cross_entropy")
    assert "exact zeros" in labels("relu_backward") and "negative" in labels("relu")


def test_a_failure_names_the_exercise_and_no_hidden_values():
    spec = EXERCISES["sigmoid"]
    r = spec.grade(lambda z: np.zeros_like(np.asarray(z, dtype=float)), 3)
    assert not r.passed and r.exercise == "sigmoid"
    assert "expected" in r.message
