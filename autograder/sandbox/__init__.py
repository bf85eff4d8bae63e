"""Grading submitted notebooks safely: learner code in a confined worker, verdicts in the trusted grader.

Public API (``autograder grade`` is a thin CLI over it)::

    from autograder.sandbox import SandboxConfig, grade_submissions, grade_submission, find_submissions
    results = grade_submissions("submitted", "graded", SandboxConfig(source_dir="notebooks", timeout=60))

The names are imported lazily: the worker process imports this package too, and must never load the
instructor side (``grading`` imports the exercise registry, which imports the answer key).
"""

from __future__ import annotations

__all__ = [
    "STATUSES",
    "GradeRow",
    "SandboxConfig",
    "Submission",
    "SubmissionResult",
    "find_submissions",
    "grade_submission",
    "grade_submissions",
    "submission_key",
    "write_grades_csv",
    "write_result",
]


def __getattr__(name):
    if name in ("SandboxConfig", "STATUSES"):
        from . import config
        return getattr(config, name)
    if name in __all__:
        from . import grading
        return getattr(grading, name)
    raise AttributeError(name)
