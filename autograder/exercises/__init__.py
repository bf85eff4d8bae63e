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

The requirement ledger
----------------------
``spec.requirements`` lists, for this exercise, every requirement its text states (the markdown of the exercise and
the docstring of its solution cell) and what grades it. Each ``Requirement`` has

- ``id``: short name; cases that grade it carry it as ``Case.grades`` ("values" for the ordinary cases);
- ``says``: phrases of the exercise text that state it (matched case- and markup-insensitively: backticks, ``*``,
  ``$`` and backslashes are ignored). Every phrase must be found in the exercise's text, and every
  requirement-like sentence of that text must contain a phrase of some requirement;
- ``graded_by``: case tags (``Case.grades``) and/or judges: ``judge:purity`` (``spec.purity``), ``judge:warnings``
  (``spec.fail_warnings``), ``judge:method`` (``spec.method``, graded from the learner's source), or
  ``judge:<property judge>`` (``spec.judge_kind``). A case tag must be graded by public AND hidden cases;
- ``advice=True`` (no ``graded_by``): the text gives it as advice, and says so itself (hint, e.g., for example...).

``tests/autograder/test_engine_ledger.py`` enforces both directions against the notebooks (see
``autograder.exercises.ledger``): a stated requirement no ledger entry grades fails, and so does a case or judge that
no stated requirement claims.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..encode import encode
from ..methods import MethodRule
from ..probes import probe
from ..results import Case, Check, Result
from ..verdict import judge as judge_case
from ..verdict import judge_cases

__all__ = ["PUBLIC_SEED", "A", "ExerciseSpec", "MethodRule", "Mutant", "R", "Requirement", "S", "resolve"]

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
    """A known-wrong variant of the reference and the hint a learner whose output matches it should see.

    ``hint`` names the misconception and where to look; ``second_hint`` is more specific (still not the fixed
    code) and is shown by the in-notebook ``check`` when the learner fails the same case with the same diagnosis
    again (``autograder.public``).
    """

    name: str
    hint: str
    fn: Any
    reproducible: bool = True   # False: its output is random by design (e.g. ignores the seed); not shipped
    second_hint: str = ""


@dataclass(frozen=True)
class Requirement:
    """One requirement the exercise's text states, and what grades it (see "The requirement ledger" above)."""

    id: str
    says: tuple[str, ...]
    graded_by: tuple[str, ...] = ()
    advice: bool = False


def R(id: str, *says: str, by: tuple[str, ...] | str = (), advice: bool = False) -> Requirement:  # noqa: A002
    """Short constructor for ledger entries: ``R("raises-flat", "raise a `ValueError`", by="raises-flat")``."""
    return Requirement(id, tuple(says), (by,) if isinstance(by, str) else tuple(by), advice)


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
    requirements: tuple[Requirement, ...] = ()
    method: MethodRule | None = None

    @property
    def check(self) -> Check:
        return Check(self.name, self.assignment, self.points, self.judge_kind, self.rtol, self.atol, self.purity,
                     tuple(self.fail_warnings), tuple(self.output_names), tuple(self.arg_names), self.description,
                     self.method.to_plain() if self.method else None)

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
        """Values only (probe + judge every case); the method requirement is ``autograder.methods``' job."""
        cases = self.hidden_cases(rng) if cases is None else cases
        return judge_cases(self.check, ((case, probe(self.name, obj, case)) for case in cases), self.judge)
