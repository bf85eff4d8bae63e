"""Plain records of the classroom layer: what one grading task is, and what grading it gave.

A *submission* is one student's folder for one assignment (nbgrader's ``submitted/<student>/<assignment>/``); it
holds one or more notebooks. ``SubmissionTask`` carries the submission's files as bytes, so that the same task
can be graded in a local process pool or on a remote Dask worker that shares no file system with the instructor.
``SubmissionResult`` is what is stored per submission (one JSON file) and what every exporter reads: grades.csv,
the nbgrader gradebook and autograded/ tree, Gradescope's results.json.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

__all__ = ["ExerciseRow", "NotebookGrade", "SubmissionResult", "SubmissionTask"]


@dataclasses.dataclass(frozen=True)
class ExerciseRow:
    """One exercise of one notebook: exactly a grades.csv row without the student/assignment/notebook columns."""

    exercise: str
    score: float
    max_score: float
    status: str  # passed, failed, error, timeout, memory, missing, tampered
    message: str = ""
    hint: str = ""
    misconception: str = ""  # id of the known-wrong variant the answer matched ("" when none)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclasses.dataclass(frozen=True)
class NotebookGrade:
    """The rows of one notebook of a submission, plus submission-wide notes (tampering, crashes, ...)."""

    notebook: str  # file stem, e.g. "01_neuron_model"
    rows: tuple[ExerciseRow, ...]
    notes: tuple[str, ...] = ()
    detail: dict | None = None  # the sandbox's own result (its JSON form), for its feedback writer

    @property
    def score(self) -> float:
        return sum(row.score for row in self.rows)

    @property
    def max_score(self) -> float:
        return sum(row.max_score for row in self.rows)


@dataclasses.dataclass(frozen=True)
class SubmissionTask:
    """Everything needed to grade one submission, as picklable data (no open files, no paths to read later).

    files: (relative path, content) of every file in the submission folder, notebooks included.
    key: content hash of the files and of the grader's fingerprint (version, configuration, source notebooks);
        a stored result with the same key is up to date.
    """

    student_id: str
    assignment: str
    files: tuple[tuple[str, bytes], ...]
    key: str
    expected: tuple[str, ...] = ()  # notebook stems the assignment has (from the source notebooks), if known

    @property
    def notebooks(self) -> tuple[str, ...]:
        """Stems of the notebooks to grade: the assignment's, else every notebook submitted."""
        if self.expected:
            return tuple(self.expected)
        return tuple(sorted(name[:-6] for name, _ in self.files if name.endswith(".ipynb") and "/" not in name))


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    """The outcome of grading one submission; stored as one JSON file per submission."""

    student_id: str
    assignment: str
    key: str
    notebooks: tuple[NotebookGrade, ...]
    seconds: float = 0.0
    graded_at: str = ""  # ISO 8601, UTC

    @property
    def rows(self) -> tuple[ExerciseRow, ...]:
        return tuple(row for nb in self.notebooks for row in nb.rows)

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    def to_plain(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SubmissionResult:
        notebooks = tuple(
            NotebookGrade(
                notebook=str(nb["notebook"]),
                rows=tuple(ExerciseRow(**row) for row in nb["rows"]),
                notes=tuple(nb.get("notes", ())),
                detail=nb.get("detail"),
            )
            for nb in data["notebooks"]
        )
        return cls(student_id=str(data["student_id"]), assignment=str(data["assignment"]), key=str(data["key"]),
                   notebooks=notebooks, seconds=float(data.get("seconds", 0.0)),
                   graded_at=str(data.get("graded_at", "")))

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        return cls.from_plain(json.loads(text))
