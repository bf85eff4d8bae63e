"""The trusted side's view of the exercises: hidden cases and verdicts, delegated to the engine.

An ``ExerciseHandle`` is what grading needs from one exercise: its name and points, ``hidden_cases(rng)``
(plain ``autograder.results.Case`` objects, fresh per submission) and ``judge(case, observation) -> Result``
(the engine's verdict against the live reference; nothing is judged here). ``registry_provider`` adapts the
engine's registry; tests may pass their own provider.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

from autograder.results import Case, Result


class ExerciseHandle(Protocol):
    name: str
    points: float

    def hidden_cases(self, rng: np.random.Generator) -> list[Case]: ...

    def judge(self, case: Case, observation: dict) -> Result: ...


Provider = Callable[[str], Mapping[str, ExerciseHandle]]


def case_seed(student_id: str, assignment: str, exercise: str, salt: str = "") -> int:
    """Stable 63-bit seed: a regrade draws the same hidden inputs; every student gets different ones."""
    digest = hashlib.sha256(f"{salt}\0{student_id}\0{assignment}\0{exercise}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclasses.dataclass(frozen=True)
class _RegistryHandle:
    spec: object
    name: str
    points: float

    def hidden_cases(self, rng):
        return list(self.spec.hidden_cases(rng))

    def judge(self, case, observation):
        return self.spec.judge(case, observation)


def misconception_id(handle: ExerciseHandle, hint: str) -> str:
    """The name of the exercise's known-wrong variant (mutant) whose hint the verdict shows, else "".

    The engine's verdict carries the winning mutant's hint (``autograder.results.combine``); mutant hints are
    unique within an exercise, so the hint names the mutant. A judge's own hint (no mutant) gives "".
    """
    spec = getattr(handle, "spec", None)
    if not hint or spec is None:
        return ""
    return next((mutant.name for mutant in getattr(spec, "mutants", ()) if mutant.hint == hint), "")


def registry_provider(assignment: str) -> Mapping[str, ExerciseHandle]:
    """Exercises of ``assignment`` from ``autograder.registry`` (instructor side)."""
    from autograder import registry

    names = registry.ASSIGNMENTS.get(assignment)
    if names is None:
        return {}
    return {n: _RegistryHandle(registry.EXERCISES[n], n, float(registry.EXERCISES[n].points)) for n in names}
