"""Thinking questions: the model answer passes, wrong or malformed answers fail with a clear message, and neither
the shipped public data nor the public judge can give the answer away."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.verdict import judge
from autograder.encode import to_channel
from autograder.exercises.questions import QuestionSpec, choice, integer, number, question, several, shape
from autograder.probes import probe
from autograder.publicgen import exercise_tree
from autograder.questions import digest
from autograder.registry import EXERCISES
from autograder.results import Case, Check

SYNTHETIC = question("synthetic_question", "00_synthetic", 2, ("c", (3, 1), -0.123456, 7),
                     several(formula=choice("a", "b", "c"), shape=shape(), value=number(3), count=integer()),
                     hint="think again")

# every question of every notebook, wherever its module defines it (exercises/questions.py or a notebook's own)
REGISTERED = [spec for spec in EXERCISES.values() if isinstance(spec, QuestionSpec)]


def answer(value):
    def synthetic_question():
        return value
    return synthetic_question


def public_verdict(spec, learner):
    """Judge ``learner`` the way ``check()`` does: against the public data tree, never the live reference."""
    tree = exercise_tree(spec)
    check = Check.from_plain(tree["check"])
    case = Case.from_plain(tree["cases"][0])
    return judge(check, case, probe(spec.name, learner, case), tree["expected"][0])


@pytest.mark.parametrize("value", [("c", (3, 1), -0.123456, 7), (" C", [3, 1], -0.1235, 7.0),
                                   ("c", (np.int64(3), 1), np.float64(-0.1224), np.int64(7)),
                                   ("c", (3, 1), np.array([[-0.1226]]), 7)])
def test_the_model_answer_and_its_equivalents_pass_in_public_and_hidden_checks(value):
    assert SYNTHETIC.grade(answer(value)).passed
    assert public_verdict(SYNTHETIC, answer(value)).passed


@pytest.mark.parametrize("value, message", [
    (("a", (3, 1), -0.123456, 7), "formula is not right (shape, value and count: right)"),
    (("c", (1, 3), -0.123456, 8), "shape and count are not right (formula and value: right)"),
    (("c", (3, 1), -0.1255, 7), "value is not right"),          # two units of the last place away
    (("c", (3, 1), 0.123456, 7), "value is not right"),         # the sign
    (("d", (3, 1), -0.12, 7), "formula: 'd' is not one of the choices 'a', 'b', 'c'"),
    (("c", 3, "x", 7.5), "shape: a shape is a tuple of ints"),
    (("c", (3, 1), np.nan, 7), "value: a finite number is expected"),
    (("c", (3, 1), -0.12, 7.5), "count: an integer is expected"),
    (("c", (3, 1), True, 7), "value: a number is expected, not a bool"),
    (("c", (3, 1)), "return a tuple of 4 answers: (formula, shape, value, count)"),
    ("c", "return a tuple of 4 answers"),
])
def test_wrong_or_malformed_answers_fail_with_a_message_naming_the_item(value, message):
    for result in (SYNTHETIC.grade(answer(value)), public_verdict(SYNTHETIC, answer(value))):
        assert not result.passed and result.score == 0
        assert message in result.message, result.message


def test_a_wrong_answer_gets_the_questions_hint_and_a_malformed_one_does_not():
    assert public_verdict(SYNTHETIC, answer(("a", (3, 1), -0.123456, 7))).hint == "think again"
    assert public_verdict(SYNTHETIC, answer(("c", (3, 1)))).hint == ""


def test_a_stub_is_not_implemented_and_a_missing_answer_is_not_defined():
    def synthetic_question():
        raise NotImplementedError()
    assert "not implemented yet" in public_verdict(SYNTHETIC, synthetic_question).message
    assert "is not defined" in public_verdict(SYNTHETIC, None).message


def test_a_learner_cannot_pass_by_returning_the_expected_observation():
    tree = exercise_tree(SYNTHETIC)
    forged = tree["expected"][0]["output"]
    for value in (forged, forged["v"], forged["v"]["digests"]):
        assert not public_verdict(SYNTHETIC, answer(value)).passed


def _public_text(spec) -> str:
    data, arrays = to_channel(exercise_tree(spec))
    assert not arrays, "a question's public data are plain JSON"
    return json.dumps(data)


def _plain_values(value):
    if isinstance(value, (tuple, list)):
        for v in value:
            yield from _plain_values(v)
    else:
        yield value


@pytest.mark.parametrize("spec", [SYNTHETIC, *REGISTERED], ids=lambda s: s.name)
def test_the_public_data_hold_digests_not_the_answer(spec):
    text = _public_text(spec)
    model = spec.reference_obj()
    for value in _plain_values(model):
        if isinstance(value, str):
            assert f'"{value}"' not in text.replace('"choices": ["a", "b", "c", "d"]', "").replace(
                '"choices": ["a", "b", "c"]', "")
        elif isinstance(value, float):
            for decimals in (2, 3, 4):
                assert f"{abs(value):.{decimals}f}" not in text
    form = spec.public_cases()[0].options["form"]
    assert "digests" in text and spec.expected(spec.public_cases()[0])["output"]["v"]["digests"]
    assert form["kind"] in ("choice", "integer", "number", "shape", "tuple")


@pytest.mark.parametrize("spec", [SYNTHETIC, *REGISTERED], ids=lambda s: s.name)
def test_every_registered_question_passes_its_model_answer_and_fails_a_wrong_one(spec):
    assert spec.grade(spec.reference_obj).passed
    assert public_verdict(spec, spec.reference_obj).passed
    assert not public_verdict(spec, answer("not an answer")).passed


def test_the_question_judge_ships_in_the_student_checker():
    from pathlib import Path

    import autograder
    from autograder.classroom.release import public_modules
    modules, _ = public_modules(Path(autograder.__file__).parent)
    assert "questions" in modules


def _wrong(form: dict, model):
    """A well-formed answer different from the model answer."""
    kind = form["kind"]
    if kind == "tuple":
        return tuple(_wrong(f, m) for f, m in zip(form["items"], model))
    if kind == "choice":
        return next(c for c in form["choices"] if c.strip().lower() != str(model).strip().lower())
    return {"shape": (99, 99), "integer": 12345, "number": 12345.0}[kind]


@pytest.mark.parametrize("spec", [SYNTHETIC, *REGISTERED], ids=lambda s: s.name)
def test_feedback_on_a_wrong_answer_never_shows_the_model_answer(spec):
    model = spec.reference_obj()
    wrong = _wrong(spec.public_cases()[0].options["form"], model)
    for result in (spec.grade(answer(wrong)), public_verdict(spec, answer(wrong))):
        assert not result.passed and "not" in result.message
        shown = result.message + " " + result.hint
        for value in _plain_values(model):
            if isinstance(value, float):
                assert f"{abs(value):.3f}" not in shown, shown
            elif isinstance(value, str):
                assert f"'{value}'" not in shown and f'"{value}"' not in shown, shown
            elif isinstance(value, int) and value > 9:
                assert str(value) not in shown, shown


def test_the_digest_is_salted_by_question_and_item():
    assert digest("q1", 0, "b") != digest("q2", 0, "b") != digest("q1", 1, "b")
