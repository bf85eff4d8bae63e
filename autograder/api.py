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

from .results import Case, Result, combine

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


def judge_plan(p: Plan, observations: Sequence[dict]) -> Result:
    """Trusted verdict for one exercise from the learner side's observations (one per case, in order)."""
    from .compare import judge
    if not p.cases:
        return Result(p.exercise, False, 0.0, p.max_score, f"there is no exercise named {p.exercise!r}.")
    if len(observations) != len(p.cases):
        return Result(p.exercise, False, 0.0, p.max_score, "the checks could not be run (no observations).")
    results = []
    if p.source == "hidden":
        from .registry import EXERCISES
        spec = EXERCISES[p.exercise]
        for case, obs in zip(p.cases, observations):
            results.append(spec.judge(case, obs))
    else:
        from .public import load_exercise
        ex = load_exercise(p.exercise)
        for i, (case, obs) in enumerate(zip(p.cases, observations)):
            results.append(judge(ex.check, case, obs, ex.expected[i], ex.mutants_for(i)))
    for r, obs in zip(results, observations):  # stop at "not defined" / "not implemented"
        out, err = obs.get("output", {}), obs.get("error") or {}
        if out.get("t") == "missing" or err.get("type") == "NotImplementedError":
            return r
    return combine(p.exercise, p.max_score, results)


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
        r = judge_plan(p, obs)
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
    return json.dumps([{"exercise": r.exercise, "passed": r.passed, "score": r.score, "max_score": r.max_score,
                        "message": r.message} for r in results], indent=1)


def format_table(results: Sequence[Result], width: int = 100) -> str:
    name_w = max([len("exercise")] + [len(r.exercise) for r in results])
    lines = [f"{'exercise':<{name_w}}  score    max  message", "-" * min(width + name_w, 160)]
    for r in results:
        msg = r.message + (f" Hint: {r.hint}" if r.hint else "")
        msg = msg if len(msg) <= width else msg[: width - 3] + "..."
        lines.append(f"{r.exercise:<{name_w}}  {r.score:5g}  {r.max_score:5g}  {msg}")
    total, best = sum(r.score for r in results), sum(r.max_score for r in results)
    lines.append("-" * min(width + name_w, 160))
    lines.append(f"{'total':<{name_w}}  {total:5g}  {best:5g}")
    return "\n".join(lines)
