"""In-kernel hidden checks for nbgrader's hidden test blocks (INSTRUCTOR side: needs course_lib).

    ### BEGIN HIDDEN TESTS
    from autograder.hidden import check_hidden
    check_hidden(sigmoid)
    ### END HIDDEN TESTS

``check_hidden(obj, name=None, seed=None) -> Result`` draws fresh random inputs from the exercise's generator,
compares the learner's outputs with the live course_lib reference (misconception hints included), renders the same
report as ``autograder.check`` and raises ``AssertionError`` on failure. The seed is ``seed`` if given, else the
environment variable ``AUTOGRADER_SEED`` (reproducible regrades), else fresh OS entropy; it is reported in the notes
of a failed result so that a failure can be replayed.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import numpy as np

from .public import _finish, _name_of, with_method
from .results import Result

__all__ = ["check_hidden", "run_hidden"]


def _seed(seed: int | None) -> int:
    if seed is not None:
        return int(seed)
    env = os.environ.get("AUTOGRADER_SEED")
    if env not in (None, ""):
        return int(env)
    return int(np.random.SeedSequence().entropy % (2**63))


def run_hidden(obj: Any, name: str, seed: int | None = None) -> Result:
    """Grade ``obj`` on hidden cases of ``name`` (no rendering, no raising)."""
    from .registry import EXERCISES
    spec = EXERCISES.get(name)
    if spec is None:
        return Result(name, False, 0.0, 0.0, f"there is no exercise named {name!r}.")
    s = _seed(seed)
    result = replace(with_method(spec.grade(obj, np.random.default_rng(s)), spec.check, obj), case_set="hidden")
    if not result.passed:
        result = replace(result, notes=result.notes + (f"hidden cases drawn with seed {s}",))
    return result


def check_hidden(obj: Any, name: str | None = None, seed: int | None = None) -> Result | None:
    """Hidden check of ``obj``; report and raise AssertionError on failure (see module docstring).

    Like ``check``, it returns None inside a Jupyter kernel, where the report has been displayed.
    """
    return _finish(run_hidden(obj, _name_of(obj, name), seed), label="hidden checks")
