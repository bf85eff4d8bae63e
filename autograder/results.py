"""Plain, frozen records shared by every half of the autograder (PUBLIC runtime: no course_lib here).

- ``Check``: what is graded and how (name, assignment, points, judge, tolerances, purity, warning rules). It is
  plain data, so the public data files and the sandbox can carry it; the instructor-side ``ExerciseSpec`` owns one.
- ``Case``: one input of one exercise, as an *encoded* tree (see ``autograder.encode``) plus the name of the probe
  that drives the learner object with it. Cases cross process boundaries with ``Case.to_plain`` / ``Case.from_plain``.
- ``Result``: the verdict for one exercise (or one case): exercise, passed, score, max_score, message, hint, notes.
  ``combine(results)`` folds per-case results into one exercise result (all or nothing, like an nbgrader test cell).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

__all__ = ["Case", "Check", "Result", "combine"]


@dataclass(frozen=True)
class Check:
    """How one exercise is judged. Plain data only (JSON round-trip via ``to_plain`` / ``from_plain``).

    judge: "value" (compare with the reference's output, exact types and shapes first) or the name of a property
        judge in ``autograder.properties`` (behavioural exercises: init_params, split_and_scale, NeuralNet, ...).
    purity: when True, mutating an input is a failure (otherwise only a note).
    fail_warnings: (substring, hint) pairs; a warning raised inside the learner's call whose text contains the
        substring fails the case with that hint (e.g. "overflow" for a sigmoid that overflows).
    output_names: names of the items of a tuple output, used in messages ("dtheta" rather than "output[1]").
    """

    name: str
    assignment: str
    points: int
    judge: str = "value"
    rtol: float = 1e-7
    atol: float = 1e-10
    purity: bool = False
    fail_warnings: tuple[tuple[str, str], ...] = ()
    output_names: tuple[str, ...] = ()
    arg_names: tuple[str, ...] = ()
    description: str = ""
    #: how the learner's own source must compute the result (``autograder.methods.MethodRule.to_plain()``), or None
    method: dict | None = None

    def to_plain(self) -> dict:
        d = asdict(self)
        d["fail_warnings"] = [list(p) for p in self.fail_warnings]
        d["output_names"] = list(self.output_names)
        d["arg_names"] = list(self.arg_names)
        return d

    @classmethod
    def from_plain(cls, d: dict) -> Check:
        d = dict(d)
        d["fail_warnings"] = tuple((str(a), str(b)) for a, b in d.get("fail_warnings", ()))
        d["output_names"] = tuple(str(x) for x in d.get("output_names", ()))
        d["arg_names"] = tuple(str(x) for x in d.get("arg_names", ()))
        d["method"] = dict(d["method"]) if type(d.get("method")) is dict else None
        return cls(**d)


@dataclass(frozen=True)
class Case:
    """One input for one exercise.

    label: short human description shown in messages ("m = 1", "z = -1e3", ...). Public cases show it as it is.
    args / kwargs: encoded trees (``autograder.encode``), materialised afresh for every call.
    probe: name of the probe in ``autograder.probes.PROBES`` ("call" = call the function with the args).
    options: plain extra settings for the probe or the judge (e.g. {"bounds": [lo, hi]}).
    kind: the label without any input value, for generators whose label shows one ("n_features = 17" ->
        "a random n_features"); "" when the label names only the kind of case and shapes. Not serialised.
    hidden: the learner must not learn the inputs. Set by ``as_hidden`` (``ExerciseSpec.hidden_cases``): the
        judge then describes a failure without input, expected or learner values (``verdict.judge``).
    grades: the id of the requirement (of the exercise's ledger, ``ExerciseSpec.requirements``) that this case
        grades: "values" for the ordinary cases, e.g. "raises-flat-y" for a case that must raise.
    """

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    probe: str = "call"
    options: dict = field(default_factory=dict)
    kind: str = ""
    hidden: bool = False
    grades: str = "values"

    def as_hidden(self, number: int) -> Case:
        """This case as hidden case ``number``: labelled "case 3 (m = 1: shape (1, 1))" from ``kind`` or the label."""
        return replace(self, label=f"case {number} ({self.kind or self.label})", kind="", hidden=True)

    def to_plain(self) -> dict:
        d = {"label": self.label, "args": list(self.args), "kwargs": dict(self.kwargs),
             "probe": self.probe, "options": dict(self.options)}
        if self.hidden:
            d["hidden"] = True
        if self.grades != "values":
            d["grades"] = self.grades
        return d

    @classmethod
    def from_plain(cls, d: dict) -> Case:
        return cls(label=str(d["label"]), args=tuple(d.get("args", ())), kwargs=dict(d.get("kwargs", {})),
                   probe=str(d.get("probe", "call")), options=dict(d.get("options", {})),
                   hidden=d.get("hidden") is True, grades=str(d.get("grades", "values")))

    def __hash__(self) -> int:  # cases hold arrays; identity is the label
        return hash(self.label)


@dataclass(frozen=True)
class Result:
    """Verdict for one exercise (or one case of it)."""

    exercise: str
    passed: bool
    score: float
    max_score: float
    message: str
    hint: str = ""
    notes: tuple[str, ...] = ()
    #: every misconception hint whose mutant matched this case (``combine`` keeps the one matching most cases)
    candidates: tuple[str, ...] = field(default=(), compare=False)
    #: which cases produced the verdict: "public" (the shipped cases), "hidden" (fresh ones), "" (not known)
    case_set: str = ""

    def to_plain(self) -> dict:
        d = asdict(self)
        d["notes"] = list(self.notes)
        d["candidates"] = list(self.candidates)
        return d

    def summary(self) -> dict:
        """What ``autograder check --json`` prints per exercise: the verdict, its hint and notes, and which cases
        (public or hidden) ran."""
        return {"exercise": self.exercise, "passed": self.passed, "score": self.score,
                "max_score": self.max_score, "message": self.message, "hint": self.hint,
                "notes": list(self.notes), "cases": self.case_set}

    def text(self) -> str:
        """Plain-text report (the same text is the AssertionError message on failure)."""
        status = "PASSED" if self.passed else "FAILED"
        # a check worth no points (the gradient check, an unknown exercise) shows no "(0/0)"
        head = f"{self.exercise}: {status}" + (f" ({_fmt(self.score)}/{_fmt(self.max_score)})" if self.max_score else "")
        lines = [head]
        if self.message:
            lines.append(self.message)
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        for note in self.notes:
            lines.append(f"Note: {note}")
        return "\n".join(lines)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _dedupe(items) -> tuple[str, ...]:
    seen: list[str] = []
    for it in items:
        if it not in seen:
            seen.append(it)
    return tuple(seen)


def combine(exercise: str, max_score: float, results: list[Result]) -> Result:
    """Fold per-case results into the exercise's result: passes only if every case passed.

    The first failing case gives the message and hint (preferring a failure that matched a known misconception);
    notes from all cases are merged without duplicates.
    """
    notes = _dedupe(n for r in results for n in r.notes)
    failed = [r for r in results if not r.passed]
    if not results:
        return Result(exercise, False, 0.0, max_score, "no cases were run")
    if not failed:
        n = len(results)
        return Result(exercise, True, float(max_score), float(max_score),
                      f"all {n} case{'s' if n != 1 else ''} passed", "", notes)
    with_hint = [r for r in failed if r.hint]
    if with_hint:
        # The hint that explains most failing cases wins: a case like m = 1 can match several misconceptions.
        counts: dict[str, int] = {}
        for r in with_hint:
            for h in (r.candidates or (r.hint,)):
                counts[h] = counts.get(h, 0) + 1
        best = max(counts, key=lambda h: counts[h])   # first maximal, in case order
        first = next(r for r in with_hint if best in (r.candidates or (r.hint,)))
        first = replace(first, hint=best)
    else:
        first = failed[0]
    return replace(first, exercise=exercise, passed=False, score=0.0, max_score=float(max_score), notes=notes)
