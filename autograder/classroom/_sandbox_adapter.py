"""The one place where the classroom layer meets the sandbox (issue 5): grading one notebook, and the reports.

The sandbox grades a single submitted notebook safely (``autograder.sandbox.grading.grade_submission``) and
renders grades.csv and per-student feedback (``write_grades_csv``, ``sandbox.feedback.write_feedback``); this
module only converts between its records and ours (``NotebookGrade`` keeps the sandbox's own result as
``detail``), so that none of the sandbox's logic is repeated here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .records import ExerciseRow, NotebookGrade, SubmissionResult

__all__ = ["expected_notebooks", "grade_notebook", "prepare_config", "write_reports"]


def grade_notebook(path: Path, student_id: str, assignment: str, config: Any) -> NotebookGrade:
    """Grade one submitted notebook with the sandbox (its own confined worker does the learner's part)."""
    from autograder.sandbox import grading

    path = Path(path)
    graded = grading.grade_submission(grading.Submission(student_id, assignment, path.stem, path), config)
    return NotebookGrade(
        notebook=path.stem,
        rows=tuple(ExerciseRow(exercise=r.exercise, score=float(r.score), max_score=float(r.max_score),
                               status=r.status, message=r.message, hint=r.hint,
                               misconception=r.misconception) for r in graded.rows),
        notes=tuple(graded.notes),
        detail=graded.to_json(),
    )


def expected_notebooks(config: Any, assignment: str) -> tuple[str, ...]:
    """Stems of the assignment's source notebooks (a submission missing one is graded 'missing' for it)."""
    from autograder.sandbox import grading

    return tuple(p.stem for p in grading.source_notebooks(getattr(config, "source_dir", None), assignment))


def hide(config: Any, *paths: Path) -> Any:
    """The configuration with ``paths`` added to what the sandbox hides from learner code."""
    if not hasattr(config, "hide_paths"):
        return config
    extra = tuple(Path(p).resolve() for p in paths if p is not None and Path(p).resolve() not in config.hide_paths)
    return dataclasses.replace(config, hide_paths=tuple(config.hide_paths) + extra) if extra else config


def prepare_config(config: Any, out_dir: Path) -> Any:
    """What the sandbox's own driver does before grading a class: default the source notebooks to the course's,
    and hide the output folder from the workers."""
    from autograder.sandbox import grading

    if getattr(config, "source_dir", "") is None and grading.default_source_dir() is not None:
        config = dataclasses.replace(config, source_dir=grading.default_source_dir())
    if hasattr(config, "hide_paths"):
        config = dataclasses.replace(config, hide_paths=tuple(config.hide_paths) + (Path(out_dir).resolve(),))
    return config


def _sandbox_results(results: Sequence[SubmissionResult]) -> list:
    """The sandbox's per-notebook results, rebuilt from ``detail`` (or from the rows when a test grader ran)."""
    from autograder.sandbox import grading

    rebuilt = []
    for result in results:
        for nb in result.notebooks:
            if nb.detail is not None:
                rebuilt.append(grading.SubmissionResult.from_json(nb.detail))
                continue
            submission = grading.Submission(result.student_id, result.assignment, nb.notebook,
                                            Path(f"{nb.notebook}.ipynb"))
            rows = tuple(grading.GradeRow(result.student_id, result.assignment, nb.notebook, r.exercise, r.score,
                                          r.max_score, r.status, r.message, r.hint, r.misconception)
                         for r in nb.rows)
            rebuilt.append(grading.SubmissionResult(submission, rows, notes=nb.notes, seconds=result.seconds,
                                                    key=result.key))
    return rebuilt


def write_reports(results: Sequence[SubmissionResult], out_dir: Path) -> list[Path]:
    """grades.csv and the per-student feedback, by the sandbox's own writers."""
    from autograder.sandbox import grading
    from autograder.sandbox.feedback import write_feedback

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    theirs = _sandbox_results(results)
    written = [Path(p) for p in (write_feedback(out_dir, theirs) or ())]
    written.append(Path(grading.write_grades_csv(out_dir, theirs)))
    return written
