"""Exercise specifications (INSTRUCTOR side: references come from course_lib; never shipped to students).

``ExerciseSpec`` (frozen): name (= nbgrader grade_id), assignment, points, reference (``"module:attr"`` resolved
lazily, or a callable), ``generate(rng) -> list[Case]`` (random shapes/values plus the edge cases that break naive
code), judge kind and tolerances (``Check``), and ``mutants``: known-wrong variants with the hint to show.

Interface used by the graders (in-kernel hidden checks, ``autograder check``, the sandbox):

- ``spec.check`` -> ``Check`` (plain; what the public data and the judges need)
- ``spec.hidden_cases(rng)`` -> list of ``Case`` (fresh random inputs; seed the Generator for reproducible regrades),
  marked ``hidden``: their messages name the case by number and kind and never show input or expected values
- ``spec.public_cases()`` -> the fixed cases shipped in ``public_data``
- ``spec.expected(case)`` / ``spec.mutant_observations(case)`` -> probe observations of the reference / mutants
- ``spec.judge(case, observation)`` -> ``Result`` (trusted: live reference; mutants only run when the learner fails)
- ``spec.grade(obj, rng=None)`` -> ``Result`` in-process convenience (probe + judge every hidden case)
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compare import judge as judge_case
from ..encode import encode
from ..probes import probe
from ..results import Case, Check, Result, combine

__all__ = ["PUBLIC_SEED", "A", "ExerciseSpec", "Mutant", "S", "resolve"]

PUBLIC_SEED = 20261125


def resolve(ref: Any) -> Any:
    """'pkg.module:attr' -> object (imported on first use), callables unchanged."""
    if isinstance(ref, str):
        module, _, attr = ref.partition(":")
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj
    return ref


def A(x, dtype=float) -> dict:
    """Encode an array argument."""
    return encode(np.array(x, dtype=dtype))


def S(x) -> dict:
    """Encode a scalar/plain argument."""
    return encode(x)


@dataclass(frozen=True)
class Mutant:
    """A known-wrong variant of the reference and the hint a learner whose output matches it should see."""

    name: str
    hint: str
    fn: Any
    reproducible: bool = True   # False: its output is random by design (e.g. ignores the seed); not verified


@dataclass(frozen=True)
class ExerciseSpec:
    name: str
    assignment: str
    points: int
    reference: Any
    generate: Callable[[np.random.Generator], list]
    mutants: tuple = ()
    judge_kind: str = "value"
    rtol: float = 1e-7
    atol: float = 1e-10
    purity: bool = False
    fail_warnings: tuple = ()
    output_names: tuple = ()
    arg_names: tuple = ()
    description: str = ""
    n_public: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def check(self) -> Check:
        return Check(self.name, self.assignment, self.points, self.judge_kind, self.rtol, self.atol, self.purity,
                     tuple(self.fail_warnings), tuple(self.output_names), tuple(self.arg_names), self.description)

    @property
    def reference_obj(self) -> Any:
        return resolve(self.reference)

    def hidden_cases(self, rng: np.random.Generator | int | None = None) -> list[Case]:
        """Fresh cases marked hidden: labelled "case 3 (kind)", judged without showing input or expected values."""
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        return [case.as_hidden(i) for i, case in enumerate(self.generate(rng), start=1)]

    def public_cases(self) -> list[Case]:
        seed = PUBLIC_SEED + zlib.crc32(self.name.encode())
        cases = list(self.generate(np.random.default_rng(seed)))
        return cases[: self.n_public] if self.n_public else cases

    def expected(self, case: Case) -> dict:
        return probe(self.name, self.reference_obj, case)

    def mutant_observations(self, case: Case):
        """(hint, observation) per mutant, computed lazily (only consumed when a learner fails)."""
        for m in self.mutants:
            yield m.hint, probe(self.name, resolve(m.fn), case)

    def judge(self, case: Case, observation: dict) -> Result:
        return judge_case(self.check, case, observation, self.expected(case), self.mutant_observations(case))

    def grade(self, obj: Any, rng: np.random.Generator | int | None = None, cases: list[Case] | None = None
              ) -> Result:
        cases = self.hidden_cases(rng) if cases is None else cases
        results = []
        for case in cases:
            obs = probe(self.name, obj, case)
            r = self.judge(case, obs)
            results.append(r)
            err = obs.get("error") or {}
            if obs["output"].get("t") == "missing" or err.get("type") == "NotImplementedError":
                return r
        return combine(self.name, self.points, results)
