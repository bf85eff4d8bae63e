"""Learner-side checks from shipped data files (PUBLIC runtime: works without course_lib).

Interface
---------
``check(obj, name=None) -> Result``
    Run the public cases of exercise ``name`` (default: ``obj.__name__``, i.e. the function or class name) against
    ``obj``; render a short report (HTML + plain text in Jupyter, plain text elsewhere, always on stdout) and raise
    ``AssertionError`` with the same text when it fails, so that an nbgrader test cell scores it. The kernel
    remembers each exercise's last diagnosis (failing case, misconception): when the learner edits, runs the check
    again and fails the same case the same way, the misconception's second, more specific hint is shown.
``check_gradients(backward_propagation) -> Result``
    Compare the learner's analytic gradients on a small fixed network with central differences precomputed from
    the reference; the message names each wrong parameter array and its wrong entries.
``load_exercise(name) -> PublicExercise`` / ``load_index() -> dict``: the shipped data.
``grade_cases(check, cases, obj, expected, mutants) -> Result``: probe + judge every case (shared with hidden.py).
``show(result)`` renders a result the same way ``check`` does (used by ``autograder.hidden``).

Data: ``public_data/index.json`` (assignments, points) and, per exercise, ``<name>.json`` + ``<name>.npz`` written by
``autograder.publicgen`` (``autograder build-public`` or ``python -m autograder.publicgen --write``) through ``encode.write_channel``; no pickle.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .compare import _index, compare
from .encode import read_channel
from .methods import apply_findings, method_findings, source_of
from .probes import probe
from .results import Case, Check, Result
from .verdict import judge, judge_cases

__all__ = [
    "DATA_DIR",
    "CheckFailed",
    "GRADIENT_CHECK",
    "PublicExercise",
    "check",
    "check_gradients",
    "grade_cases",
    "load_exercise",
    "load_index",
    "show",
]

DATA_DIR = Path(__file__).resolve().parent / "public_data"
GRADIENT_CHECK = "gradient_check"


@dataclass(frozen=True)
class PublicExercise:
    check: Check
    cases: tuple[Case, ...]
    expected: tuple[dict, ...]
    mutants: tuple[tuple[str, str, tuple[dict, ...]], ...]   # (name, hint, observations per case)
    second_hints: dict = field(default_factory=dict)          # a mutant's hint -> its second, more specific hint

    def mutants_for(self, i: int) -> list[tuple[str, dict]]:
        return [(hint, obs[i]) for _, hint, obs in self.mutants]


@cache
def load_index() -> dict:
    import json
    with open(DATA_DIR / "index.json", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load_exercise(name: str) -> PublicExercise:
    if not (DATA_DIR / f"{name}.json").exists():
        raise KeyError(name)
    tree = read_channel(str(DATA_DIR / name))
    return PublicExercise(
        check=Check.from_plain(tree["check"]),
        cases=tuple(Case.from_plain(c) for c in tree["cases"]),
        expected=tuple(tree["expected"]),
        mutants=tuple((m["name"], m["hint"], tuple(m["observations"])) for m in tree["mutants"]),
        second_hints={m["hint"]: m["second_hint"] for m in tree["mutants"] if m.get("second_hint")},
    )


def grade_cases(check_: Check, cases: Sequence[Case], obj: Any, expected: Sequence[dict],
                mutants: Sequence[Sequence[tuple[str, dict]]], judged: list | None = None) -> Result:
    """Probe ``obj`` on every case (lazily) and judge it; stop at the first missing/not-implemented verdict.

    judged: when given, each (case, verdict for that case) is appended to it, in order.
    """
    index = {id(case): i for i, case in enumerate(cases)}

    def judge_one(case: Case, observed: dict) -> Result:
        i = index[id(case)]
        verdict = judge(check_, case, observed, expected[i], mutants[i] if i < len(mutants) else ())
        if judged is not None:
            judged.append((case, verdict))
        return verdict
    pairs = ((case, probe(check_.name, obj, case)) for case in cases)
    return judge_cases(check_, pairs, judge_one)


def with_method(result: Result, check_: Check, obj: Any) -> Result:
    """``result`` under the exercise's method requirement, read from ``obj``'s own source where it can be found.

    Functions of the same module (or notebook) that ``obj`` calls can satisfy a "must use" or a loop structure;
    only ``obj``'s own lines are reported for a forbidden construct (their line numbers are the ones shown).
    """
    if not check_.method:
        return result
    found = source_of(obj)
    if found is None:
        return result
    source, first_line = found
    own_name = getattr(obj, "__name__", None)   # the object may be checked under another name: check(f, name=...)
    name = own_name if type(own_name) is str else check_.name
    findings = method_findings(source, name, check_.method, first_line)
    if findings and any(f.what in ("require", "loops") for f in findings):
        helpers = _helper_sources(obj)
        if helpers:
            combined = method_findings(source + "\n\n" + "\n\n".join(helpers), name, check_.method, first_line)
            last = first_line + source.count("\n")
            findings = [f for f in combined if f.what in ("require", "loops") or f.line <= last]
    return apply_findings(result, findings)


def _helper_sources(obj: Any, depth: int = 3) -> list[str]:
    """Sources of the plain functions of ``obj``'s own module that it calls (recursively, a few levels)."""
    import inspect
    import textwrap
    import types
    seen, out, todo = {id(obj)}, [], [(obj, 0)]
    while todo:
        fn, level = todo.pop()
        code, glb = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
        if code is None or glb is None or level >= depth:
            continue
        for n in code.co_names:
            g = glb.get(n)
            if type(g) is types.FunctionType and id(g) not in seen and g.__module__ == fn.__module__:
                seen.add(id(g))
                try:
                    out.append(textwrap.dedent(inspect.getsource(g)))
                except (OSError, TypeError):
                    continue
                todo.append((g, level + 1))
    return out


def _name_of(obj: Any, name: str | None) -> str:
    if name:
        return name
    n = getattr(obj, "__name__", None)
    if type(n) is not str:
        raise TypeError("check() needs a function or class, or an explicit name: check(obj, name='sigmoid')")
    return n


def run_public(obj: Any, name: str, judged: list | None = None) -> Result:
    """Public cases of ``name`` against ``obj`` (no rendering, no raising); ``judged`` as in ``grade_cases``."""
    try:
        ex = load_exercise(name)
    except KeyError:
        known = sorted(load_index().get("exercises", {}))
        return Result(name, False, 0.0, 0.0, f"there is no exercise named {name!r} (known: {', '.join(known)}).")
    except Exception as exc:  # noqa: BLE001 - damaged data files: say so instead of a traceback
        return Result(name, False, 0.0, 0.0, f"the checker's data for {name!r} could not be read "
                                             f"({type(exc).__name__}); reinstall the checker.")
    result = grade_cases(ex.check, ex.cases, obj, ex.expected, [ex.mutants_for(i) for i in range(len(ex.cases))],
                         judged)
    return replace(with_method(result, ex.check, obj), case_set="public")


#: exercise -> (case label, hint) of the last failed ``check`` of this exercise in this process (the kernel)
_LAST_DIAGNOSIS: dict[str, tuple[str, str]] = {}


def diagnosis(result: Result, judged: Sequence[tuple[Case, Result]]) -> tuple[str, str] | None:
    """(label of the first case that failed with the hint shown, that hint), or None (passed, or no hint)."""
    if result.passed or not result.hint:
        return None
    for case, verdict in judged:
        if not verdict.passed and result.hint in (verdict.candidates or (verdict.hint,)):
            return case.label, result.hint
    return None


def escalate(result: Result, now: tuple[str, str] | None, before: tuple[str, str] | None,
             second_hints: dict) -> Result:
    """The result with the mutant's second, more specific hint when this failure repeats the previous one: the
    same case failed with the same diagnosis (``diagnosis``). Otherwise the result as it is (the first hint)."""
    second = second_hints.get(result.hint) if now is not None and now == before else None
    if not second:
        return result
    return replace(result, hint=f"{second} (a second hint: case '{now[0]}' failed the same way last time)")


def _checked_with_memory(obj: Any, name: str) -> Result:
    """``run_public`` for the in-notebook ``check``: a repeated failure gets the second hint (``escalate``)."""
    judged: list = []
    result = run_public(obj, name, judged)
    try:
        second_hints = load_exercise(name).second_hints
    except Exception:  # noqa: BLE001 - unknown exercise or damaged data: run_public has said so already
        second_hints = {}
    now = diagnosis(result, judged)
    shown = escalate(result, now, _LAST_DIAGNOSIS.get(name), second_hints)
    if now is None:
        _LAST_DIAGNOSIS.pop(name, None)
    else:
        _LAST_DIAGNOSIS[name] = now
    return shown


# ---------------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------------

class Report:
    """A result that renders as HTML in Jupyter and as plain text elsewhere.

    ``label`` says which checks ran ("public checks" in the learner's notebook, "hidden checks" for the
    instructor's), so a test cell that runs both shows two distinguishable reports.
    """

    def __init__(self, result: Result, label: str = "public checks"):
        self.result = result
        self.label = label

    def __repr__(self) -> str:
        return f"[{self.label}] {self.result.text()}"

    def _repr_html_(self) -> str:
        r = self.result
        color = "#1a7f37" if r.passed else "#cf222e"
        status = "passed" if r.passed else "failed"
        parts = [f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">',
                 (f'<b style="color:{color}">{html.escape(r.exercise)}: {status}</b> '
                  + (f'({r.score:g}/{r.max_score:g}) ' if r.max_score else "")
                  + f'<span style="color:#57606a">{html.escape(self.label)}</span>')]
        if r.message:
            parts.append(f"<div>{html.escape(r.message)}</div>")
        if r.hint:
            parts.append(f"<div><i>Hint:</i> {html.escape(r.hint)}</div>")
        for n in r.notes:
            parts.append(f'<div style="color:#57606a">Note: {html.escape(n)}</div>')
        parts.append("</div>")
        return "".join(parts)


def _in_kernel() -> bool:
    ipy = sys.modules.get("IPython")
    if ipy is None:
        return False
    try:
        shell = ipy.get_ipython()
    except Exception:  # noqa: BLE001
        return False
    return shell is not None and hasattr(shell, "kernel")


def show(result: Result, label: str = "public checks") -> None:
    """Display the report (rich in a Jupyter kernel, plain text on stdout otherwise); never writes to stderr."""
    report = Report(result, label)
    if _in_kernel():
        from IPython.display import display
        display(report)
    else:
        print(repr(report))


class CheckFailed(AssertionError):
    """A failed check: an AssertionError whose message is the whole plain-text report (nbgrader and plain Python
    show it). In IPython, where the report has just been displayed, its traceback is one line instead of a second
    copy of the report."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for exceptions that format themselves
        headline = str(self).splitlines()[0] if str(self) else "the check failed"
        return [f"AssertionError: {headline} (the report above says why)"]


def _finish(result: Result, label: str = "public checks") -> Result | None:
    """Show the report, raise CheckFailed (an AssertionError) on failure, and return the result.

    In a Jupyter kernel the report has just been displayed, so None is returned: a test cell ending in
    ``check(fn)`` would otherwise show the same result a second time as its Out[] value.
    """
    show(result, label)
    if not result.passed:
        raise CheckFailed(result.text())
    return None if _in_kernel() else result


def check(obj: Any, name: str | None = None) -> Result | None:
    """Check ``obj`` against the public cases of its exercise; raise AssertionError if it fails.

    Returns the Result outside Jupyter, None inside a kernel (where the report is displayed instead). When the
    same case fails with the same misconception as at the previous call (the learner edited and ran the check
    again), the misconception's second, more specific hint is shown instead of the first.
    """
    return _finish(_checked_with_memory(obj, _name_of(obj, name)))


# ---------------------------------------------------------------------------------------------------------------
# Gradient checking
# ---------------------------------------------------------------------------------------------------------------

def gradient_report(observed: dict, numeric: dict, tol: float = 1e-7) -> Result:
    """Compare an observation of backward_propagation with numerical gradients (dict key -> ndarray)."""
    name = GRADIENT_CHECK
    out, err = observed.get("output", {}), observed.get("error")
    if out.get("t") == "missing":
        return Result(name, False, 0.0, 0.0, "backward_propagation is not defined.")
    if err:
        if err["type"] == "NotImplementedError":
            return Result(name, False, 0.0, 0.0, "backward_propagation is not implemented yet.")
        return Result(name, False, 0.0, 0.0, f"backward_propagation raised {err['type']}: {err['message']}")
    if out.get("t") != "dict":
        return Result(name, False, 0.0, 0.0, f"backward_propagation returned {out.get('t')}; a dict of gradients "
                                             "is expected.")
    got = dict(zip(out["keys"], out["values"]))
    lines, ok = [], True
    for key, num in numeric.items():
        tree = got.get(key)
        if tree is None:
            ok = False
            lines.append(f"{key}: missing from the returned dict")
            continue
        problem, _ = compare({"t": "ndarray", "v": num}, tree, 0.0, np.inf, path=key)  # type/shape only
        if problem:
            ok = False
            lines.append(problem)
            continue
        a = tree["v"].astype(float)
        denom = np.linalg.norm(a) + np.linalg.norm(num)
        rel = 0.0 if denom == 0 else float(np.linalg.norm(a - num) / denom)
        if rel > tol or not np.isfinite(rel):
            ok = False
            bad = np.argwhere(~np.isclose(a, num, rtol=1e-5, atol=1e-8))
            where = ", ".join(_index(b) for b in bad[:6])
            lines.append(f"{key}: relative error {rel:.2e} (> {tol:g}); wrong entries: {where}"
                         f"{' ...' if len(bad) > 6 else ''} (e.g. analytic {a[tuple(bad[0])]:.6g} vs numerical "
                         f"{num[tuple(bad[0])]:.6g})" if len(bad) else f"{key}: relative error {rel:.2e}")
        else:
            lines.append(f"{key}: ok (relative error {rel:.1e})")
    msg = "; ".join(lines)
    return Result(name, ok, 0.0, 0.0, ("all gradients match central differences: " if ok else "") + msg,
                  "" if ok else "the listed arrays' analytic gradients disagree with central differences",
                  tuple(_gradient_notes(observed)))


def _gradient_notes(observed: dict) -> list[str]:
    notes = []
    if observed.get("warnings"):
        notes.append("warnings (captured): " + "; ".join(observed["warnings"][:3]))
    if (observed.get("stdout") or "").strip():
        notes.append("your code printed output during the check (captured)")
    return notes


def check_gradients(backward_propagation: Any) -> Result:
    """Finite-difference check of the learner's backward pass on a small fixed network."""
    tree = read_channel(str(DATA_DIR / GRADIENT_CHECK))
    case = Case.from_plain(tree["case"])
    observed = probe(GRADIENT_CHECK, backward_propagation, case)
    numeric = {k: v["v"] for k, v in zip(tree["numeric"]["keys"], tree["numeric"]["values"])}
    return _finish(gradient_report(observed, numeric), label="gradient check")
