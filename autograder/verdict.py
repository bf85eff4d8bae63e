"""The verdict for one case, and for one exercise from its cases (PUBLIC runtime).

Interface
---------
``judge(check, case, observed, expected, mutants=()) -> Result``
    Verdict for ONE case. ``observed`` / ``expected`` are probe observations (``autograder.probes``); ``mutants`` is a
    sequence of ``(hint, mutant_observation)``. Order: missing object, exceptions (NotImplementedError -> "not
    implemented yet"), forbidden warnings, purity, then the tree diff (``compare.compare``, when
    ``check.judge == "value"``) or a property judge from ``autograder.properties``. When the learner fails and its
    output matches a mutant's output (and the mutant differs from the reference on that case), the mutant's hint is
    shown.
``judge_cases(check, pairs, judge_one) -> Result``
    THE loop every grader uses (in-notebook checks, hidden checks, ``autograder check``, the sandbox): judge each
    ``(case, observation)`` pair in order, stop at the first "not defined" / "not implemented" verdict (one message,
    not one per case), else fold the per-case verdicts with ``results.combine``. ``pairs`` may be a lazy iterator
    that probes on demand, so nothing more runs once grading stopped.
``stops_grading(observation) -> bool``: the object is missing or raises NotImplementedError.

A case that must raise and whose text asks the message to name the shapes (``case.options["names_one_of"]``: the
shapes of the refused inputs) also fails when the message names none of them (``shape_named``; in a sandbox, from
the message's ``number_groups``, since the message itself is never shown on hidden cases).

Hidden cases (``case.hidden``) are judged with ``reveal=False``: messages name the case by number and kind and show
no input, expected or learner value (see ``autograder.compare``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

from .compare import _as_number, compare, describe, mask_numbers, values_match
from .properties import JUDGES
from .results import Case, Check, Result, combine

__all__ = ["judge", "judge_cases", "number_groups", "shape_named", "stops_grading"]


def stops_grading(observation: dict) -> bool:
    """True when the object is not defined or raises NotImplementedError (grading stops at that case)."""
    out = observation.get("output") if type(observation) is dict else None
    err = observation.get("error") if type(observation) is dict else None
    return (type(out) is dict and out.get("t") == "missing") or (
        type(err) is dict and err.get("type") == "NotImplementedError")


def judge_cases(check: Check, pairs: Iterable[tuple[Case, dict]],
                judge_one: Callable[[Case, dict], Result]) -> Result:
    """Judge every (case, observation) in order; stop at the first missing/not-implemented one (see module doc).

    judge_one: the verdict for one case (graders pass the live reference and mutants for hidden cases, or the
    shipped expectations for public ones).
    """
    results = []
    for case, obs in pairs:
        r = judge_one(case, obs)
        results.append(r)
        if stops_grading(obs):
            return r
    return combine(check.name, check.points, results)



def _arg_name(check: Check, pos) -> str:
    if isinstance(pos, int) and pos < len(check.arg_names):
        return check.arg_names[pos]
    return str(pos) if not isinstance(pos, int) else f"argument {pos + 1}"


def _notes(check: Check, observed: dict, failing_warnings: bool, reveal: bool = True) -> list[str]:
    shown = (lambda text: text) if reveal else mask_numbers
    notes = []
    if observed.get("warnings") and not failing_warnings:
        notes.append("warnings raised inside your code (captured, not shown): "
                     + "; ".join(shown(w) for w in observed["warnings"][:3]))
    out = observed.get("stdout") or ""
    if out.strip():
        first = shown(out.strip().splitlines()[0][:80])
        notes.append(f"your code printed {len(out.splitlines())} line(s) during the check (e.g. {first!r}); "
                     "the output was captured")
    if observed.get("mutated") and not check.purity:
        names = ", ".join(_arg_name(check, p) for p in observed["mutated"])
        notes.append(f"your function changed its input ({names}) in place; the check used fresh copies, but "
                     "callers may be surprised: prefer returning new arrays")
    return notes


def _where(case: Case) -> str:
    """How a message names its case: "On case 'm = 1'" (public), "On hidden case 3 (m = 1)" (hidden)."""
    return f"On hidden {case.label}" if getattr(case, "hidden", False) else f"On case '{case.label}'"


def _fail(check: Check, case: Case, message: str, hint, notes) -> Result:
    """hint: a string, or the list of every matching misconception hint (the first is shown)."""
    hints = [h for h in ([hint] if isinstance(hint, str) else list(hint)) if h]
    return Result(check.name, False, 0.0, float(check.points), f"{_where(case)}: {message}",
                  hints[0] if hints else "", tuple(notes), tuple(hints))


def judge(check: Check, case: Case, observed: dict, expected: dict,
          mutants: Sequence[tuple[str, dict]] = ()) -> Result:
    """Verdict for one case (score is all or nothing). See module docstring.

    Never raises on a malformed observation (e.g. one forged by learner code in a worker): that is a failure.
    """
    try:
        return _judge(check, case, observed, expected, mutants)
    except Exception as exc:  # noqa: BLE001
        return Result(check.name, False, 0.0, float(check.points),
                      f"{_where(case)}: the result could not be judged ({type(exc).__name__}); "
                      "it does not have the structure the checker expects.")


def _judge(check: Check, case: Case, observed: dict, expected: dict,
           mutants: Sequence[tuple[str, dict]] = ()) -> Result:
    name = check.name
    reveal = not getattr(case, "hidden", False)
    shown = (lambda text: text) if reveal else mask_numbers
    out = observed.get("output", {})
    if type(out) is dict and out.get("t") == "missing":
        return Result(name, False, 0.0, float(check.points),
                      f"`{name}` is not defined: run the cell that defines it, and keep the name `{name}`.")
    bad_warn = [(w, hint) for w in observed.get("warnings", []) for sub, hint in check.fail_warnings if sub in w]
    notes = _notes(check, observed, bool(bad_warn), reveal)
    err, exp_err = observed.get("error"), expected.get("error")
    if err:
        if err["type"] == "NotImplementedError":
            return Result(name, False, 0.0, float(check.points),
                          f"`{name}` is not implemented yet (it raises NotImplementedError).", "", tuple(notes))
        if not (exp_err and exp_err["type"] in err.get("mro", [err["type"]])):
            msg = f"your code raised {err['type']}: {shown(str(err['message']))}".rstrip(": ")
            if exp_err:
                msg += f" but {exp_err['type']} is expected here"
            return _fail(check, case, msg + ".", _mutant_hint(check, observed, expected, mutants), notes)
    elif exp_err:
        why = case.options.get("raises_because", "")
        return _fail(check, case, f"{exp_err['type']} should be raised{' (' + why + ')' if why else ''}, but your "
                     f"function returned {describe(out, reveal)}.", _mutant_hint(check, observed, expected, mutants),
                     notes)
    if bad_warn:
        w, hint = bad_warn[0]
        return _fail(check, case, f"your code raised a warning: {shown(w)}.", hint, notes)
    if check.purity and observed.get("mutated"):
        names = ", ".join(_arg_name(check, p) for p in observed["mutated"])
        return _fail(check, case, f"your function changed its input ({names}) in place; it must leave its inputs "
                     "unchanged and return new values.", _purity_hint(mutants)
                     + ["work on a copy (x.copy()) or build new arrays instead of assigning into the inputs"], notes)
    if err:  # expected exception raised
        unnamed = _unnamed_shapes(case, err)
        if unnamed:
            return _fail(check, case, f"{err['type']} is raised, as it should be, but its message "
                         f"({shown(str(err['message']))!r}) does not name the shape of the refused input "
                         f"({unnamed}); the exercise asks for a message that names the shapes.",
                         "put the offending shapes into the message (an f-string with the arrays' .shape), so that "
                         "whoever calls your function sees at once which argument to fix", notes)
        return Result(name, True, float(check.points), float(check.points), "passed", "", tuple(notes))
    hint = ""
    if check.judge == "value":
        problem, more = _value_problem(check, case, observed, expected)
    else:
        problem, hint, more = JUDGES[check.judge](check, case, observed, expected)
    notes += more
    if problem:
        return _fail(check, case, problem, _mutant_hint(check, observed, expected, mutants) + [hint], notes)
    return Result(name, True, float(check.points), float(check.points), "passed", "", tuple(notes))


_INTEGER = re.compile(r"(?<!\d)(?<!\d\.)\d{1,9}(?!\d)(?!\.\d)")


def number_groups(message, max_groups: int = 16, max_size: int = 8) -> list[list[int]]:
    """The whole numbers of ``message`` (not parts of decimals), grouped where at most 6 other characters separate
    them: "a (2, 3) and b (4, 2)" -> [[2, 3], [4, 2]]. Bounded, so a sandbox channel can keep them in place of a
    learner's message it must not show (``autograder.sandbox.channel``); a shape named in the message is one
    group's run of sizes (``shape_named``)."""
    if type(message) is not str:
        return []
    groups: list[list[int]] = []
    end = None
    for match in _INTEGER.finditer(message[:4000]):
        if end is not None and 1 <= match.start() - end <= 6 and len(groups[-1]) < max_size:
            groups[-1].append(int(match.group()))
        elif len(groups) < max_groups:
            groups.append([int(match.group())])
        else:
            break
        end = match.end()
    return groups


def shape_named(groups, shape) -> bool:
    """Whether a message (or its ``number_groups``) names ``shape``: its sizes in order, separated by a few
    non-digits ("(2, 3)", "[2, 3]", "2x3", "2 by 3"); a 1-D shape by its one size ("(3,)", "length 3")."""
    if type(groups) is str:
        groups = number_groups(groups)
    sizes = [int(d) for d in shape]
    k = len(sizes)
    return k > 0 and any(type(g) is list and any(g[i:i + k] == sizes for i in range(len(g) - k + 1))
                         for g in groups)


def _unnamed_shapes(case: Case, err: dict) -> str:
    """For a case whose text asks the ValueError to name the shapes (``options["names_one_of"]``: the shapes of
    the refused inputs): "" when the learner's message names one of them, else those shapes as text."""
    shapes = case.options.get("names_one_of")
    if not shapes:
        return ""
    groups = err.get("number_groups")   # a sandbox keeps only these, never the message itself
    groups = groups if type(groups) is list else number_groups(err.get("message"))
    if any(shape_named(groups, shape) for shape in shapes):
        return ""
    return " or ".join(str(tuple(int(d) for d in shape)) for shape in shapes)


def _value_problem(check: Check, case: Case, observed: dict, expected: dict) -> tuple[str | None, list]:
    reveal = not getattr(case, "hidden", False)
    rule = case.options.get("rule")
    if rule == "finite_between":
        got = _as_number(observed["output"]) if type(observed["output"]) is dict else None
        if got is None or got[1] not in "fiu":
            return compare(expected["output"], observed["output"], check.rtol, check.atol, reveal=reveal)
        v = float(got[0])
        lo, hi = case.options["lo"], case.options["hi"]
        if not (math.isfinite(v) and lo <= v <= hi):
            if not reveal:  # the bounds are computed from the hidden inputs
                what = "not finite" if not math.isfinite(v) else "too small" if v < lo else "too large"
                return (f"the result is {what}; a finite value in the range that a sensible clipping gives is "
                        f"expected ({case.options.get('why', '')})."), []
            return (f"the result is {v!r}; a finite value between {lo:.4g} and {hi:.4g} is expected "
                    f"({case.options.get('why', '')})."), []
        return None, []
    if len(check.output_names) == 1:  # a single named output, e.g. "grads": messages say grads['db1']
        return compare(expected["output"], observed["output"], check.rtol, check.atol, path=check.output_names[0],
                       reveal=reveal)
    return compare(expected["output"], observed["output"], check.rtol, check.atol, names=check.output_names,
                   reveal=reveal)


def _mutant_hint(check: Check, observed: dict, expected: dict, mutants: Sequence[tuple[str, dict]]) -> list[str]:
    """Hints of every mutant whose output the learner's matches (and that differs from the reference here)."""
    hints = []
    for hint, mobs in mutants:
        if not hint or hint in hints:
            continue
        try:
            if values_match(mobs, observed, check) and not values_match(expected, mobs, check):
                hints.append(hint)
        except Exception:  # a malformed observation never crashes the judge  # noqa: BLE001, S112
            continue
    return hints


def _purity_hint(mutants) -> list[str]:
    return [hint for hint, mobs in mutants if hint and mobs.get("mutated")]
