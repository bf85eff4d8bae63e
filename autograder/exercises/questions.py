"""Thinking questions of every notebook: predictions and derivations with a checkable answer (INSTRUCTOR side).

``question(name, assignment, points, answer, form, hint=..., description=...)`` makes an ``ExerciseSpec`` that the
engine treats like any other exercise (the public runtime's ``autograder.questions`` explains the forms and the
judge). In the notebook the learner completes a function of no argument that returns the answer; its solution cell
has grade_id ``name`` and is followed by a test cell ``test_<name>`` calling ``check(<name>)`` and, hidden,
``check_hidden(<name>)``. The model answer lives only here and in the source notebook's solution region: the
expected observation, and so the shipped public data, holds digests (``QuestionSpec.expected``).

Questions whose answer is a reason, not a number or a choice, are not registered here: they are nbgrader manually
graded Markdown cells (solution + grade, with the model answer as the cell's source in the source notebook).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..probes import probe
from ..questions import answer_digests
from ..results import Case
from . import ExerciseSpec

__all__ = ["QuestionSpec", "SPECS", "choice", "integer", "number", "question", "shape", "several"]


def choice(*choices: str) -> dict:
    return {"kind": "choice", "choices": list(choices)}


def integer() -> dict:
    return {"kind": "integer"}


def number(decimals: int) -> dict:
    return {"kind": "number", "decimals": int(decimals)}


def shape() -> dict:
    return {"kind": "shape"}


def several(**named_forms: dict) -> dict:
    """A tuple answer, e.g. several(formula=choice("a", "b"), shape=shape(), value=number(4))."""
    return {"kind": "tuple", "items": list(named_forms.values()), "names": list(named_forms)}


def _model(answer: Any):
    """The reference "function" of a question: returns the model answer (computed on first use if callable)."""
    if callable(answer):
        return answer

    def model_answer():
        return answer
    return model_answer


@dataclass(frozen=True)
class QuestionSpec(ExerciseSpec):
    """An ExerciseSpec whose expected observation holds the digests of the accepted answers, never the answer."""

    def expected(self, case: Case) -> dict:
        model = probe(self.name, self.reference_obj, case)
        form = case.options["form"]
        return {"output": {"t": "probe", "v": {"digests": answer_digests(self.name, form, model["output"])}},
                "error": None, "warnings": [], "stdout": "", "mutated": [], "seconds": 0.0}

    def mutant_observations(self, case: Case):
        return iter(())


def question(name: str, assignment: str, points: int, answer: Any, form: dict, hint: str = "",
             description: str = "") -> QuestionSpec:
    """A question whose model answer is ``answer`` (or what the callable ``answer()`` returns, so that a number can
    be computed from course_lib instead of typed in); it must fit ``form`` (checked when the digests are made)."""
    options = {"form": form, "hint": hint}

    def cases(rng):
        return [Case("your answer", (), options=options)]

    return QuestionSpec(name, assignment, points, _model(answer), cases, judge_kind="answer",
                        description=description or "a thinking question")


# ----- the questions, notebook by notebook ------------------------------------------------------------------------

SPECS: list[QuestionSpec] = []
