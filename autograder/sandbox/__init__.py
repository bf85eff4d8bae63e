"""Grading ONE submitted notebook safely: learner code in a confined worker, verdicts in the trusted grader.

    from autograder.sandbox import NotebookSubmission, SandboxConfig, grade_notebook
    grade = grade_notebook(NotebookSubmission("ada", "01_neuron_model", "01_neuron_model", content),
                           SandboxConfig(source_dir=Path("notebooks")))
    grade.rows  # one ExerciseRow per exercise: exercise, score, max_score, status, message, hint

A class (discovery, the resumable store, parallel fan-out, grades.csv, feedback, gradebook, Gradescope) is the
classroom's job: ``autograder grade`` (``autograder.classroom``). The names are imported lazily: the worker
process imports this package too, and must never load the instructor side (``grade`` imports the exercise
registry, which imports the answer key).
"""

from __future__ import annotations

__all__ = ["HIDDEN_MODULES", "STATUSES", "CellReport", "ExerciseRow", "NotebookGrade", "NotebookSubmission",
           "SandboxConfig", "grade_notebook"]


def __getattr__(name):
    if name in ("SandboxConfig", "HIDDEN_MODULES"):
        from . import config
        return getattr(config, name)
    if name in ("STATUSES", "CellReport", "ExerciseRow", "NotebookGrade", "NotebookSubmission"):
        from . import records
        return getattr(records, name)
    if name == "grade_notebook":
        from . import grade
        return grade.grade_notebook
    raise AttributeError(name)
