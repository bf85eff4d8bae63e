"""What the classroom moves around: one task per submission folder, and its result.

A *submission* is one student's folder for one assignment (nbgrader's ``submitted/<student>/<assignment>/``); it
holds one or more notebooks. ``SubmissionTask`` carries the submission's files as bytes, read once by the
trusted discovery (``store.read_task``), so that the same task can be graded in a local process pool or on a
remote Dask worker that shares no file system with the instructor. ``SubmissionResult`` groups the sandbox's
``NotebookGrade`` of each notebook, unchanged: it is what the store keeps and what every output reads
(grades.csv and feedback in ``reports``, the gradebook in ``nbgrader_io``, results.json in ``gradescope``).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from autograder import learner_text
from autograder.sandbox.records import STATUSES, CellReport, ExerciseRow, NotebookGrade, NotebookSubmission

from .provenance import Provenance

__all__ = ["STATUSES", "CellReport", "ExerciseRow", "NotebookGrade", "NotebookSubmission", "SubmissionResult",
           "SubmissionTask"]


@dataclasses.dataclass(frozen=True)
class SubmissionTask:
    """Everything needed to grade one submission, as picklable data (no open files, no paths to read later).

    files: (relative path, content) of every file of the submission folder that discovery accepted.
    key: content hash of the files and of the grader's fingerprint; a stored result with the same key (and a
        valid digest) is up to date.
    expected: notebook stems the assignment has (from the source notebooks), if known.
    refused: why discovery refused the whole folder (a symbolic link, a FIFO, a file over the size limit...);
        when set, ``files`` is empty and every exercise of every expected notebook is an ``error`` saying so.
    """

    student_id: str
    assignment: str
    files: tuple[tuple[str, bytes], ...]
    key: str
    expected: tuple[str, ...] = ()
    refused: str = ""

    @property
    def notebooks(self) -> tuple[str, ...]:
        """Stems of the notebooks to grade: the assignment's, else every notebook submitted (else the assignment's
        own name, so that a refused folder still gets its rows). A submitted stem is a learner-chosen name: it is
        graded under its shown form (``learner_text.label``), never with control bytes or Markdown."""
        if self.expected:
            return tuple(self.expected)
        return tuple(self._submitted_notebooks()) or (self.assignment,)

    def _submitted_notebooks(self) -> dict[str, str]:
        """Shown stem -> file name, for each notebook at the top of the folder (a shown stem that two file names
        share gets a numbered suffix, so that no notebook is graded twice or lost)."""
        shown: dict[str, str] = {}
        for name in sorted(name for name, _ in self.files if name.endswith(".ipynb") and "/" not in name):
            base = stem = learner_text.label(name[:-6], 80)
            number = 1
            while stem in shown:
                number += 1
                stem = f"{base}-{number}"
            shown[stem] = name
        return shown

    def notebook(self, stem: str) -> NotebookSubmission:
        """The sandbox's input for one of this submission's notebooks (``stem`` as ``notebooks`` gives it)."""
        files = dict(self.files)
        file_name = f"{stem}.ipynb" if self.expected else self._submitted_notebooks().get(stem, f"{stem}.ipynb")
        others = tuple(name for name in sorted(files) if name.endswith(".ipynb") and "/" not in name
                       and name != file_name)
        return NotebookSubmission(self.student_id, self.assignment, stem, files.get(file_name), others,
                                  self.refused)


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    """The outcome of grading one submission: the sandbox's grade of each of its notebooks."""

    student_id: str
    assignment: str
    key: str
    notebooks: tuple[NotebookGrade, ...]
    seconds: float = 0.0
    graded_at: str = ""  # ISO 8601, UTC
    provenance: Provenance | None = None  # the grader's fingerprint and the process, computed where it graded

    @property
    def rows(self) -> tuple[ExerciseRow, ...]:
        return tuple(row for nb in self.notebooks for row in nb.rows)

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    @property
    def isolation(self) -> tuple[str, ...]:
        """Instructor-facing notes of every notebook (refused confinement layers, grader errors)."""
        return tuple(dict.fromkeys(n for nb in self.notebooks for n in nb.isolation))

    def to_plain(self) -> dict[str, Any]:
        return {"student_id": self.student_id, "assignment": self.assignment, "key": self.key,
                "notebooks": [nb.to_plain() for nb in self.notebooks], "seconds": self.seconds,
                "graded_at": self.graded_at,
                "provenance": self.provenance.to_plain() if self.provenance is not None else None}

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SubmissionResult:
        return cls(student_id=str(data["student_id"]), assignment=str(data["assignment"]), key=str(data["key"]),
                   notebooks=tuple(NotebookGrade.from_plain(nb) for nb in data["notebooks"]),
                   seconds=float(data.get("seconds", 0.0)), graded_at=str(data.get("graded_at", "")),
                   provenance=Provenance.from_plain(data.get("provenance")))

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        return cls.from_plain(json.loads(text))
