"""The one record of a grade, from the judge's verdict to every output.

The sandbox grades ONE submitted notebook and returns a ``NotebookGrade``; the classroom groups the notebooks of
one student's assignment folder into a ``classroom.records.SubmissionResult`` and hands the very same objects to
grades.csv, the feedback, the nbgrader gradebook and Gradescope's results.json. Every row carries its status as
a field (one of ``STATUSES``); nothing downstream reads a status back out of a message.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["STATUSES", "CellReport", "ExerciseRow", "NotebookGrade", "NotebookSubmission"]

#: What a row of grades.csv can say about one exercise; ``passed`` is the only one that scores.
#: ``tampered`` keeps the score of the grader's own checks (the instructor decides).
STATUSES = ("passed", "failed", "error", "timeout", "memory", "missing", "tampered")


@dataclasses.dataclass(frozen=True)
class NotebookSubmission:
    """One notebook to grade, as data (no path to read later: it may be graded on another machine).

    content: the notebook's bytes as submitted; None when the student did not hand it in.
    siblings: names of the other ``.ipynb`` files in the same folder (named in the 'missing' message).
    refused: why the classroom refused the whole submission folder (a symbolic link, a FIFO, a file over the
        size limit...); the notebook is then not run, and each exercise is an ``error`` with this message.
    """

    student_id: str
    assignment: str
    notebook: str  # file stem, e.g. "01_neuron_model"
    content: bytes | None
    siblings: tuple[str, ...] = ()
    refused: str = ""


@dataclasses.dataclass(frozen=True)
class ExerciseRow:
    """One exercise of one notebook: a grades.csv row without the student, assignment and notebook columns."""

    exercise: str
    score: float
    max_score: float
    status: str
    message: str = ""
    hint: str = ""  # the misconception hint shown to the learner ("" when passed or none matched)
    misconception: str = ""  # id (mutant name) of the known-wrong variant the answer matched, else ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclasses.dataclass(frozen=True)
class CellReport:
    """A cell of the notebook that did not run cleanly (learner-facing)."""

    label: str  # "cell 7 (sigmoid)"
    problem: str


@dataclasses.dataclass(frozen=True)
class NotebookGrade:
    """Everything grading one notebook found.

    notes: learner-facing remarks on the whole notebook (an edited locked cell, output dropped, ...).
    isolation: instructor-facing: confinement layers this machine refused, or an internal grader error.
    outputs: what each cell the worker ran showed, ``{"c<submission index>": [nbformat output dict, ...]}``,
        already reduced to safe plain data by ``sandbox.outputs`` (text and PNG only); the autograded notebook
        shows them under their cells. A cell the worker did not run has no key.
    """

    notebook: str
    rows: tuple[ExerciseRow, ...]
    cells: tuple[CellReport, ...] = ()
    notes: tuple[str, ...] = ()
    isolation: tuple[str, ...] = ()
    seconds: float = 0.0
    outputs: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def score(self) -> float:
        return sum(row.score for row in self.rows)

    @property
    def max_score(self) -> float:
        return sum(row.max_score for row in self.rows)

    def to_plain(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> NotebookGrade:
        return cls(notebook=str(data["notebook"]),
                   rows=tuple(ExerciseRow(**row) for row in data["rows"]),
                   cells=tuple(CellReport(**cell) for cell in data.get("cells", ())),
                   notes=tuple(str(n) for n in data.get("notes", ())),
                   isolation=tuple(str(n) for n in data.get("isolation", ())),
                   seconds=float(data.get("seconds", 0.0)),
                   outputs=dict(data.get("outputs") or {}))
