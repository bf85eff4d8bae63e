"""The requirement ledger agrees with the notebooks: every requirement an exercise's text states is graded, and every
case or judge grades something the text states (see autograder/exercises/ledger.py for the rules).

Run this before integrating a change to an exercise's wording: a reworded requirement needs its ledger phrase
(``says``) updated in autograder/exercises/<notebook module>.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.exercises.ledger import exercise_texts, ledger_problems, requirement_sentences
from autograder.registry import EXERCISES

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _texts():
    out = {}
    for path in NOTEBOOKS:
        for name, text in exercise_texts(nbformat.read(path, as_version=4)).items():
            out[name] = text
    return out


TEXTS = _texts()


def test_every_exercise_has_its_text_in_a_notebook():
    assert sorted(set(EXERCISES) - set(TEXTS)) == []


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_ledger_agrees_with_the_text_and_the_cases(name):
    spec = EXERCISES[name]
    hidden = [c for seed in (0, 1) for c in spec.hidden_cases(np.random.default_rng(seed))]
    assert ledger_problems(spec, TEXTS[name], spec.public_cases(), hidden) == []


def test_the_ledger_test_can_fail():
    """A requirement sentence added to the text without a ledger entry, and a ledger phrase the text lost, both fail."""
    from dataclasses import replace

    from autograder.exercises.ledger import ExerciseText
    spec = EXERCISES["mse"]
    text = TEXTS["mse"]
    cases = spec.public_cases()
    hidden = spec.hidden_cases(0)
    added = ExerciseText(text.stated + "\nIt must also return a negative number.", text.context
                         + "\nIt must also return a negative number.")
    assert any("no ledger entry claims" in p for p in ledger_problems(spec, added, cases, hidden))
    lost = ExerciseText(text.stated.replace("raise", "throw"), text.context.replace("raise", "throw"))
    assert any("which the text does not say" in p for p in ledger_problems(spec, lost, cases, hidden))
    untagged = [replace(c, grades="values") for c in cases]
    assert any("no public case carries it" in p for p in ledger_problems(spec, text, untagged, hidden))


def test_requirement_sentences_finds_modal_sentences():
    found = requirement_sentences("Implement `f(x)`. It must not modify `x`. The sky is blue.")
    assert found == ["it must not modify x."]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_raise_case_is_refused_by_the_reference(name):
    """A case that grades a documented error really expects one, with a reason the learner's message quotes."""
    spec = EXERCISES[name]
    for case in spec.public_cases():
        if case.grades.startswith("raises"):
            expected = spec.expected(case)
            assert expected.get("error") and expected["error"]["type"] == "ValueError", (case.label, expected)
            assert case.options.get("raises_because"), case.label


def test_any_number_of_layers_is_graded_at_depth_three_or_more():
    for name in ("forward_propagation", "backward_propagation", "forward_one_sample"):
        spec = EXERCISES[name]
        for cases in (spec.public_cases(), spec.hidden_cases(3)):
            depths = [sum(1 for k in case.args[-2 if name == "backward_propagation" else 1]["keys"]
                          if k.startswith("theta_")) for case in cases if case.probe == "call"
                      and case.grades in ("values", "depth")]
            assert max(depths) >= 3, (name, depths)


def test_the_prescribed_draw_order_is_course_libs():
    """The init_params judge's own model of "theta_l first, then b_l, from the rng" is the reference's."""
    from course_lib.initializers import init_params

    from autograder.encode import encode, trees_equal
    from autograder.properties import prescribed_draws
    for seed, layers in ((0, [3, 4, 1]), (7, [5, 2, 3, 1])):
        for method in ("normal", "xavier"):
            ref = encode(init_params(layers, method, np.random.default_rng(seed)))
            assert trees_equal(ref, prescribed_draws(layers, method, seed))


def test_a_text_asking_for_the_shapes_in_the_message_needs_cases_that_grade_the_message():
    """Rule 5 can fail both ways: the text asks for the shapes but the raise cases only check the exception type,
    and cases grade the message while no entry quotes the request."""
    from dataclasses import replace
    spec, text = EXERCISES["layer_forward"], TEXTS["layer_forward"]
    cases, hidden = spec.public_cases(), spec.hidden_cases(0)
    assert ledger_problems(spec, text, cases, hidden) == []

    def lenient(cs):
        return [replace(c, options={k: v for k, v in c.options.items() if k != "names_one_of"}) for c in cs]
    assert any("no hidden case grades its message" in p for p in ledger_problems(spec, text, cases, lenient(hidden)))
    unquoted = replace(spec, requirements=tuple(
        replace(r, says=("Raise a `ValueError`",)) if r.id == "raises-shapes" else r for r in spec.requirements))
    assert any("quotes the text asking for it" in p for p in ledger_problems(unquoted, text, cases, hidden))
