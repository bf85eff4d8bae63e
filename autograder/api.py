"""The autograder's API: what the CLI, the tests and other graders call.

- ``check_function(obj, name=None, hidden=False, seed=None) -> Result``: grade one learner object in-process.
- ``check_notebook(path, timeout=60, hidden=False, seed=None) -> list[Result]``: execute a learner's notebook in a
  Jupyter kernel (nbclient), ask the kernel to probe every graded object on the planned cases, and judge the plain
  observations here (results come back through the JSON + npz channel, never pickled). A malformed notebook, a
  cell that raises, a missing function or a kernel that dies gives per-exercise messages, not a traceback.
- ``plan(names, hidden=False, seed=None) -> list[Plan]`` and ``judge_plan(plan, observations) -> Result``: the two
  trusted halves of that flow, reusable by a grader that runs learner code elsewhere (e.g. a sandboxed worker):
  send ``[{"exercise": p.exercise, "case": c.to_plain()} for c in p.cases]`` to the learner side, run
  ``autograder.probes.run_probe_requests`` there, and judge what comes back.
- ``notebook_exercises(path) -> (assignment, [names])``: which exercises a notebook holds.

Public cases need only the shipped data (works in the student bundle); ``hidden=True`` needs the instructor side
(course_lib), imported lazily.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .results import Case, Result

__all__ = [
    "Plan",
    "check_function",
    "check_notebook",
    "format_table",
    "judge_plan",
    "notebook_exercises",
    "plan",
    "results_to_json",
]


@dataclass(frozen=True)
class Plan:
    exercise: str
    max_score: float
    cases: tuple[Case, ...]
    source: str          # "public" | "hidden"
    seed: int | None = None


def check_function(obj: Any, name: str | None = None, hidden: bool = False, seed: int | None = None) -> Result:
    from .public import _name_of, run_public
    name = _name_of(obj, name)
    if hidden:
        from .hidden import run_hidden
        return run_hidden(obj, name, seed)
    return run_public(obj, name)


def plan(names: Sequence[str], hidden: bool = False, seed: int | None = None) -> list[Plan]:
    """Cases to run for each exercise (public data, or fresh hidden cases from the registry)."""
    plans = []
    if hidden:
        import numpy as np

        from .hidden import _seed
        from .registry import EXERCISES
        s = _seed(seed)
        for i, name in enumerate(names):
            spec = EXERCISES.get(name)
            cases = tuple(spec.hidden_cases(np.random.default_rng([s, i]))) if spec else ()
            plans.append(Plan(name, float(spec.points) if spec else 0.0, cases, "hidden", s))
        return plans
    from .public import load_exercise
    for name in names:
        try:
            ex = load_exercise(name)
            plans.append(Plan(name, float(ex.check.points), ex.cases, "public"))
        except KeyError:
            plans.append(Plan(name, 0.0, (), "public"))
    return plans


def judge_plan(p: Plan, observations: Sequence[dict], source: str | None = None) -> Result:
    """Trusted verdict for one exercise from the learner side's observations (one per case, in order).

    source: the learner's code that defines the exercise (its cell, or the whole notebook's code); when given and
    the exercise has a method requirement, it is parsed (never run) and the point policy of
    ``autograder.methods`` applies.
    """
    from dataclasses import replace

    from .methods import apply_findings, method_findings
    from .verdict import judge, judge_cases
    if not p.cases:
        return Result(p.exercise, False, 0.0, p.max_score, f"there is no exercise named {p.exercise!r}.")
    if len(observations) != len(p.cases):
        return Result(p.exercise, False, 0.0, p.max_score, "the checks could not be run (no observations).")
    if p.source == "hidden":
        from .registry import EXERCISES
        spec = EXERCISES[p.exercise]
        check, judge_one = spec.check, spec.judge
    else:
        from .public import load_exercise
        ex = load_exercise(p.exercise)
        position = {id(case): i for i, case in enumerate(p.cases)}
        check = ex.check

        def judge_one(case: Case, obs: dict) -> Result:
            i = position[id(case)]
            return judge(ex.check, case, obs, ex.expected[i], ex.mutants_for(i))
    result = judge_cases(check, zip(p.cases, observations), judge_one)
    result = replace(result, case_set=p.source)
    if source is not None and check.method:
        result = apply_findings(result, method_findings(source, p.exercise, check.method))
    return result


def exercise_source(nb, name: str) -> str | None:
    """The source of the code cell that defines ``name`` last (as it runs), or None.

    The last runnable code cell with a top-level ``def name`` / ``class name`` (a later redefinition is what the
    kernel grades); failing that, the cell whose nbgrader grade_id is ``name``.
    """
    import re
    pattern = re.compile(rf"^(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", re.MULTILINE)
    cells = [c for c in nb.cells if _runnable(c)]
    defining = [c for c in cells if pattern.search(str(c.get("source", "")))]   # the last one is what runs
    tagged = [c for c in cells if _grade_id(c) == name]
    chosen = (defining or tagged)[-1:]
    return str(chosen[0].get("source", "")) if chosen else None


# ---------------------------------------------------------------------------------------------------------------
# Notebooks
# ---------------------------------------------------------------------------------------------------------------

def _index() -> dict:
    from .public import load_index
    return load_index()


def _grade_id(cell) -> str | None:
    nbg = (cell.get("metadata") or {}).get("nbgrader") or {}
    gid = nbg.get("grade_id")
    return gid if isinstance(gid, str) else None


def notebook_exercises(path: str | os.PathLike, nb=None) -> tuple[str | None, list[str]]:
    """(assignment, ordered exercise names) from the folder/file name, else from the solution cells' grade_ids."""
    index = _index()
    assignments, exercises = index["assignments"], index["exercises"]
    p = Path(path)
    for candidate in (p.parent.name, p.stem):
        if candidate in assignments:
            return candidate, list(assignments[candidate])
    names = []
    if nb is not None:
        for cell in nb.cells:
            gid = _grade_id(cell)
            if gid in exercises and gid not in names:
                names.append(gid)
    assignment = exercises[names[0]]["assignment"] if names else None
    if assignment:
        return assignment, list(assignments[assignment])
    return None, names


def _all_failed(names: Sequence[str], message: str) -> list[Result]:
    index = _index()["exercises"]
    return [Result(n, False, 0.0, float(index.get(n, {}).get("points", 0)), message) for n in names]


def _read_notebook(path: Path):
    import nbformat
    with open(path, "rb") as fh:
        raw = fh.read()
    text = raw.decode("utf-8")            # UnicodeDecodeError -> malformed
    nb = nbformat.reads(text, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("the notebook has no list of cells")
    return nb


_PROBE_CELL = """\
import autograder.probes as _autograder_probes
_autograder_probes.run_probe_files({req!r}, {out!r}, globals())
"""


def _runnable(cell) -> bool:
    if cell.get("cell_type") != "code":
        return False
    gid = _grade_id(cell) or ""
    tags = (cell.get("metadata") or {}).get("tags") or []
    return not gid.startswith("test_") and "demo" not in tags


def check_notebook(path: str | os.PathLike, timeout: int = 60, hidden: bool = False, seed: int | None = None,
                   kernel_name: str | None = None) -> list[Result]:
    """Execute a learner's notebook and grade its exercises (see module docstring)."""
    path = Path(path)
    nb = None
    try:
        nb = _read_notebook(path)
    except FileNotFoundError:
        _, names = notebook_exercises(path)
        return _all_failed(names, f"notebook {path.name} not found.") or [
            Result(path.name, False, 0.0, 0.0, f"notebook {path.name} not found.")]
    except Exception as exc:  # malformed JSON, bad encoding, invalid nbformat ...  # noqa: BLE001
        _, names = notebook_exercises(path)
        msg = f"the notebook could not be read ({type(exc).__name__}: {str(exc)[:200]}); nothing was graded."
        return _all_failed(names, msg) or [Result(path.name, False, 0.0, 0.0, msg)]
    _, names = notebook_exercises(path, nb)
    if not names:
        return [Result(path.name, False, 0.0, 0.0, "no graded exercise found in this notebook.")]
    try:
        plans = plan(names, hidden=hidden, seed=seed)
    except ImportError as exc:  # hidden cases need the instructor side (course_lib), absent from the student bundle
        return _all_failed(names, f"hidden checks are not available here ({exc}); run without --hidden.")
    requests = [{"exercise": p.exercise, "case": c.to_plain()} for p in plans for c in p.cases]
    observations, failure = _run_in_kernel(path, nb, requests, timeout, kernel_name)
    if observations is None:
        return _all_failed(names, f"the notebook could not be executed: {failure}")
    results, k = [], 0
    for p in plans:
        obs = observations[k:k + len(p.cases)]
        k += len(p.cases)
        r = judge_plan(p, obs, exercise_source(nb, p.exercise))
        if failure and not r.passed:
            from dataclasses import replace
            r = replace(r, notes=r.notes + (failure,))
        results.append(r)
    return results


def _run_in_kernel(path: Path, nb, requests: list, timeout: int, kernel_name: str | None):
    """Run the notebook's code cells then the probe cell; return (observations | None, failure note)."""
    import nbformat
    from nbclient import NotebookClient

    from .encode import read_channel, write_channel
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        req, out = os.path.join(tmp, "requests"), os.path.join(tmp, "observations")
        write_channel(req, requests)
        cells = [c for c in nb.cells if _runnable(c)]
        run_nb = nbformat.v4.new_notebook()
        run_nb.metadata = nb.get("metadata", {})
        for c in cells:
            run_nb.cells.append(nbformat.v4.new_code_cell(c.get("source", "")))
        run_nb.cells.append(nbformat.v4.new_code_cell(_PROBE_CELL.format(req=req, out=out)))
        kwargs = {"timeout": timeout, "allow_errors": True, "interrupt_on_timeout": True,
                  "resources": {"metadata": {"path": str(path.parent)}}}
        if kernel_name:
            kwargs["kernel_name"] = kernel_name
        client = NotebookClient(run_nb, **kwargs)
        failure = ""
        try:
            client.execute()
        except Exception as exc:  # timeout, dead kernel ...  # noqa: BLE001
            failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        errors = [o for c in run_nb.cells[:-1] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        note = (f"{len(errors)} cell(s) of the notebook raised an error or timed out (e.g. {errors[0].get('ename')})"
                if errors else "")
        if not os.path.exists(out + ".json"):
            return None, failure or "the checker could not run in the kernel"
        try:
            return read_channel(out), (failure or note)
        except Exception as exc:  # noqa: BLE001
            return None, f"invalid observations ({type(exc).__name__})"


# ---------------------------------------------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------------------------------------------

def results_to_json(results: Sequence[Result]) -> str:
    """One object per exercise: exercise, passed, score, max_score, message, hint, notes, cases (public/hidden)."""
    return json.dumps([r.summary() for r in results], indent=1)


def format_table(results: Sequence[Result], width: int = 100) -> str:
    """A score table; under each exercise its whole message, then its hint and notes, each on its own line (never
    cut: a hint is the part a learner most needs)."""
    import textwrap
    name_w = max([len("exercise")] + [len(r.exercise) for r in results])
    rule = "-" * min(width + name_w, 160)
    indent = " " * (name_w + 2)

    def block(prefix: str, text: str) -> list[str]:
        return textwrap.wrap(f"{prefix}{text}", width=width, initial_indent=indent, subsequent_indent=indent + "  ",
                             break_long_words=False, break_on_hyphens=False) or [indent + prefix]
    lines = [f"{'exercise':<{name_w}}  score    max  cases", rule]
    for r in results:
        lines.append(f"{r.exercise:<{name_w}}  {r.score:5g}  {r.max_score:5g}  {r.case_set}".rstrip())
        if r.message:
            lines += block("", r.message)
        if r.hint:
            lines += block("Hint: ", r.hint)
        for note in r.notes:
            lines += block("Note: ", note)
    total, best = sum(r.score for r in results), sum(r.max_score for r in results)
    lines.append(rule)
    lines.append(f"{'total':<{name_w}}  {total:5g}  {best:5g}")
    return "\n".join(lines)
