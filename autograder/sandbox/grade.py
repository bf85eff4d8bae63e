"""Grade ONE submitted notebook safely (trusted process): ``grade_notebook(submission, config) -> NotebookGrade``.

1. Plan (trusted): the notebook is parsed defensively (``notebook.read_submission``: size, cell count, UTF-8,
   JSON, nbformat) and its cells planned against the instructor's SOURCE notebook (tests and demos skipped, locked
   cells run as released, test and locked cells checked for tampering).
2. Hidden inputs (trusted): ``spec.hidden_cases(rng)``, seeded per student, assignment and exercise.
3. Worker: ``workdir.run_attempts`` runs the planned cells and the probes in a confined worker, again without
   the step that killed it when it dies or hangs.
4. Judge (trusted): each exercise's observations are judged by the engine against the live reference.

The function is pure: it reads nothing but its arguments (and the instructor's source notebook), writes nothing
outside the worker's own temporary folders, and never raises for anything the learner did; a failure of the
grader itself costs this notebook only (its rows say ``error``, ``NotebookGrade.isolation`` has the details).

Statuses (one row per exercise; only ``passed`` scores, except ``tampered``):

- ``passed``: every hidden case passed; full points.
- ``failed``: the function ran and a case failed; the message says what differs (and the hint, the
  misconception it matches).
- ``error``: the function raised, or its checks crashed the Python process, or the notebook could not be read.
- ``timeout`` / ``memory``: the checks of the exercise (or the cell defining it) ran over the wall-clock/CPU
  limit or out of memory.
- ``missing``: the function is not defined, still raises NotImplementedError (the released stub), or the
  notebook was not submitted.
- ``tampered``: the exercise's nbgrader test cell was modified, deleted or turned into markdown. Test cells are
  never run, so this earns nothing: the grader's own hidden checks decide the score as if nothing had happened,
  and the status tells the instructor, who decides.
"""

from __future__ import annotations

import dataclasses
import functools
import time
import traceback
from pathlib import Path

import numpy as np

from autograder import learner_text
from autograder.api import exercise_source
from autograder.methods import Finding, apply_findings, method_findings
from autograder.results import Case, Check, Result
from autograder.verdict import judge_cases, stops_grading

from .config import SandboxConfig
from .judging import ExerciseHandle, Provider, case_seed, misconception_id, registry_provider
from .notebook import SourceNotebook, UnreadableNotebook, load_source, plan_cells, read_submission
from .records import CellReport, ExerciseRow, NotebookGrade, NotebookSubmission
from .workdir import run_attempts

__all__ = ["MAX_METHOD_SOURCE", "default_source_dir", "exercise_points", "grade_notebook", "method_problems",
           "source_notebooks"]

#: The largest cell whose method requirement the grader analyses, in characters (the course's largest solution
#: cell has under 5000; the analysis of this much code takes about 0.15 s).
MAX_METHOD_SOURCE = 16 * 2**10


# --------------------------------------------------------------------------------------------------
# the instructor's source notebooks
# --------------------------------------------------------------------------------------------------
def default_source_dir() -> Path | None:
    """The course's own ``notebooks/`` folder, when this autograder runs from the course's checkout."""
    cand = Path(__file__).resolve().parents[2] / "notebooks"
    return cand if cand.is_dir() else None


def source_notebooks(source_dir: Path | None, assignment: str) -> list[Path]:
    """``<source_dir>/<assignment>/*.ipynb`` (the notebooks every submission of the assignment must have)."""
    if source_dir is None:
        return []
    folder = Path(source_dir) / assignment
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(".")) if folder.is_dir() else []


@functools.lru_cache(maxsize=64)
def _cached_source(path: str, mtime_ns: int, assignment: str) -> SourceNotebook:
    return load_source(Path(path), assignment)


def get_source(config: SandboxConfig, assignment: str, notebook: str) -> SourceNotebook | None:
    for path in source_notebooks(config.source_dir, assignment):
        if path.stem == notebook:
            return _cached_source(str(path), path.stat().st_mtime_ns, assignment)
    return None


def exercise_points(handles: dict[str, ExerciseHandle], source: SourceNotebook | None) -> dict[str, float]:
    """Graded exercises in notebook order with their points (the source's test cell, else the spec's)."""
    order = [n for n in source.exercises if n in handles] if source is not None else list(handles)
    points = {}
    for name in order:
        test = source.test_cell_of(name) if source else None
        points[name] = float(test.points) if test is not None and test.points else float(handles[name].points)
    return points


# --------------------------------------------------------------------------------------------------
# one notebook
# --------------------------------------------------------------------------------------------------
def _error_notebook(submission: NotebookSubmission, config: SandboxConfig, message: str,
                    provider: Provider | None = None, isolation: tuple[str, ...] = ()) -> NotebookGrade:
    """The grade of a notebook the grader itself failed on: every exercise is an ``error`` with ``message``."""
    try:
        handles = dict((provider or registry_provider)(submission.assignment))
        source = get_source(config, submission.assignment, submission.notebook)
        points = exercise_points(handles, source)
    except Exception:  # noqa: BLE001 - a broken spec must not hide that the grader failed
        points = {}
    rows = tuple(ExerciseRow(name, 0.0, pts, "error", message) for name, pts in points.items())
    return NotebookGrade(submission.notebook, rows, isolation=isolation)


def grade_notebook(submission: NotebookSubmission, config: SandboxConfig | None = None,
                   provider: Provider | None = None) -> NotebookGrade:
    """Grade one submitted notebook in a confined worker; see the module docstring."""
    config = config or SandboxConfig()
    try:
        return _grade_notebook(submission, config, provider)
    except Exception as exc:  # noqa: BLE001 - the class run must go on; the instructor sees the cause
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:1000]
        return _error_notebook(submission, config, "internal grader error: this notebook could not be "
                               "graded; the instructor has the details", provider,
                               isolation=(f"internal grader error: {detail}",))


def _cause_status(cause: str | None) -> str:
    return {"timeout": "timeout", "cpu": "timeout", "memory": "memory"}.get(cause or "", "error")


def _grade_notebook(sub: NotebookSubmission, config: SandboxConfig, provider: Provider | None) -> NotebookGrade:
    started = time.monotonic()
    handles = dict((provider or registry_provider)(sub.assignment))
    source = get_source(config, sub.assignment, sub.notebook)
    points = exercise_points(handles, source)

    def result(rows, cells=(), notes=(), iso=(), outputs=None):
        return NotebookGrade(sub.notebook, tuple(rows), tuple(cells), tuple(notes), tuple(iso),
                             round(time.monotonic() - started, 3), outputs or {})

    def all_rows(status: str, message: str):
        return [ExerciseRow(name, 0.0, pts, status, message) for name, pts in points.items()]

    if not points:
        return result([], notes=[f"no graded exercises are known for assignment {sub.assignment!r}"])
    if sub.refused:
        return result(all_rows("error", sub.refused))
    if sub.content is None:
        others = ", ".join(learner_text.label(name, 60) for name in sub.siblings[:3])
        found = f" (found {others} instead: keep the released file name)" if others else ""
        return result(all_rows("missing", f"{sub.notebook}.ipynb was not submitted{found}"))
    try:
        nb = read_submission(sub.content)
    except UnreadableNotebook as exc:
        return result(all_rows("error", f"the notebook could not be read: {exc}"))
    plan = plan_cells(nb, source)

    cases: dict[str, list[Case]] = {}
    for name in points:
        rng = np.random.default_rng(case_seed(sub.student_id, sub.assignment, name, config.salt))
        cases[name] = list(handles[name].hidden_cases(rng))

    job = {"cells": [dataclasses.asdict(c) for c in plan.run],
           "exercises": [{"name": n, "cases": [c.to_plain() for c in cases[n]]} for n in points],
           "notebook_dir": f"notebooks/{_safe_name(sub.assignment)}",
           "max_output": config.max_output_bytes, "max_array_bytes": config.max_response_mb * 2**20 // 2}
    attempts = run_attempts(job, sub.content, f"{_safe_name(sub.notebook)}.ipynb", config)
    run, response, fatal = attempts.run, attempts.response, attempts.fatal

    cell_reports: list[CellReport] = []
    labels = {c.key: c for c in plan.run}
    cell_problem: dict[str, str] = {}  # grade_id -> status of its cell's failure
    for key, (cause, detail) in fatal.items():
        if key in labels:
            cell_reports.append(CellReport(labels[key].label, f"stopped: {detail}"))
            if labels[key].grade_id:
                cell_problem[labels[key].grade_id] = _cause_status(cause)
    if response is not None:
        for c in response["cells"]:
            if c["error"] and c["key"] in labels:
                cell_reports.append(CellReport(labels[c["key"]].label, f"raised {c['error']}"))
                gid = labels[c["key"]].grade_id
                if gid and gid not in cell_problem:
                    cell_problem[gid] = "memory" if c["error_type"] == "MemoryError" else "error"
    cell_reports.sort(key=lambda r: _cell_order(r.label))

    rows = []
    for name, pts in points.items():
        if f"x:{name}" in fatal:
            cause, detail = fatal[f"x:{name}"]
            row = ExerciseRow(name, 0.0, pts, _cause_status(cause), f"checking `{name}` was stopped: {detail}")
        elif response is None:
            row = ExerciseRow(name, 0.0, pts, _cause_status(run.cause) if run.cause in ("timeout", "memory")
                              else "error", f"`{name}` could not be checked: "
                              f"{run.detail or 'the notebook could not be run'}")
        else:
            row = judge_exercise(name, pts, handles[name], cases[name], response["exercises"].get(name),
                                 cell_problem.get(name))
            row = judge_method(row, handles[name], nb)
        if name in plan.tampered:
            verdict = f"{row.status}: {row.message}" if row.status != "passed" else "passed the grader's checks"
            row = dataclasses.replace(row, status="tampered", message=(
                f"{plan.tampered[name]} (test cells are not run; the grader's own checks decide the score: "
                f"{_fmt(row.score)}/{_fmt(pts)}, {verdict})"))
        rows.append(row)
    notes = list(plan.notes)  # (skipped demonstration cells are not mentioned: every submission has them)
    if response is not None and response["output_dropped"]:
        notes.append(f"the notebook printed a lot: {response['output_dropped']} characters of output were dropped")
    return result(rows, cell_reports, notes, attempts.notes, response["outputs"] if response is not None else None)


def judge_exercise(name: str, pts: float, handle: ExerciseHandle, cases: list[Case], observations,
                   cell_status: str | None) -> ExerciseRow:
    """The row of one exercise from the worker's observations (one per hidden case), judged by the engine.

    The cases go through THE loop every grader uses (``verdict.judge_cases``): it stops at the first case whose
    object is not defined or raises NotImplementedError. The row's status is decided here, from fields, never
    from a message: ``missing`` for a function that is not defined (or ``timeout``/``memory``/``error`` when the
    cell that should define it failed that way) or still raises NotImplementedError, else ``passed``, ``error``
    (an exception no case asked for; ``memory`` for a MemoryError) or ``failed``.
    """
    def row(status, message, score=0.0, hint=""):
        return ExerciseRow(name, score, pts, status, message, hint, misconception_id(handle, hint))

    if observations is None:
        return row("error", f"`{name}` was not checked (the worker returned no answer for it)")
    if len(observations) != len(cases):
        return row("error", f"`{name}`: the worker returned {len(observations)} answers for {len(cases)} cases")
    judged: list[tuple[dict, Result]] = []

    def judge_one(case: Case, observation: dict) -> Result:
        try:
            result = handle.judge(case, observation)
        except Exception as exc:  # noqa: BLE001 - a judge crash on hostile data costs this exercise only
            result = Result(name, False, 0.0, pts, f"the answer could not be judged ({type(exc).__name__})")
        judged.append((observation, result))
        return result

    verdict = judge_cases(Check(name, "", pts), zip(cases, observations), judge_one)
    last = judged[-1][0] if judged else {}
    if stops_grading(last) and last["output"].get("t") == "missing":
        if cell_status in ("timeout", "memory", "error"):
            why = {"timeout": "ran over the time limit", "memory": "ran out of memory",
                   "error": "raised an exception"}[cell_status]
            return row(cell_status, f"`{name}` is not defined: the cell that should define it {why}")
        return row("missing", f"`{name}` is not defined in the notebook (was it renamed or deleted?)")
    if verdict.passed:
        return row("passed", verdict.message, float(pts), "")
    if any(raised_not_implemented(o) for o, _ in judged):
        # the released stub, left as it was: an unanswered exercise (0 points whatever the status)
        return row("missing", verdict.message, 0.0, verdict.hint)
    # an exception a case asked for (a documented ValueError) is a right answer, not an error
    # (also when only its message falls short, e.g. it does not name the shapes: that is a failed case)
    types = {o["error"]["type"] for c, (o, r) in zip(cases, judged)
             if o["error"] is not None and not r.passed and not _asked_for(c, o["error"])}
    status = ("memory" if "MemoryError" in types else "error") if types else "failed"
    return row(status, verdict.message, 0.0, verdict.hint)


def judge_method(row: ExerciseRow, handle: ExerciseHandle, nb) -> ExerciseRow:
    """The exercise's method requirement (``spec.method``), read from the learner's own cell with ``ast`` in this
    trusted process (never run), with the point policy of ``autograder.methods``: right values by a forbidden
    method earn half the points and fail; wrong values keep their verdict and gain the method as a note."""
    rule = getattr(getattr(handle, "spec", None), "method", None)
    if rule is None or row.status not in ("passed", "failed"):
        return row
    findings = method_problems(exercise_source(nb, row.exercise), row.exercise, rule)
    if not findings:
        return row
    verdict = apply_findings(Result(row.exercise, row.passed, row.score, row.max_score, row.message, row.hint),
                             findings)
    message = " ".join((verdict.message, *verdict.notes))
    return dataclasses.replace(row, status="failed", score=float(verdict.score), message=message,
                               hint=verdict.hint, misconception=row.misconception if verdict.hint == row.hint
                               else "")


def method_problems(source: str | None, name: str, rule) -> list[Finding]:
    """``methods.method_findings`` on the learner's cell, within bounds: the analysis walks the syntax tree in
    Python (about 10 s per MiB of code), so a cell over ``MAX_METHOD_SOURCE`` characters, or one the parser
    cannot hold, is not analysed and counts as a finding (its method could not be checked)."""
    if not source:
        return []
    if len(source) > MAX_METHOD_SOURCE:
        return [Finding("size", 0, f"the cell defining `{name}` holds {len(source) // 1024} KiB of code, more than "
                                   f"the {MAX_METHOD_SOURCE // 1024} KiB the grader reads to check how it computes, "
                                   "so its method could not be checked")]
    try:
        return method_findings(source, name, rule)
    except (RecursionError, MemoryError):
        return [Finding("unreadable", 0, f"the cell defining `{name}` is nested too deeply for the grader to check "
                                         "how it computes")]


def _asked_for(case: Case, error: dict) -> bool:
    """The case must raise (a documented ValueError: ``raises_because``) and the learner's code raised one."""
    mro = error.get("mro") if type(error.get("mro")) is list else []
    return bool(case.options.get("raises_because")) and "ValueError" in [error.get("type"), *mro]


def raised_not_implemented(observation: dict) -> bool:
    """True when the learner's code raised NotImplementedError anywhere in this observation: the call itself
    (``error``), or one step of a behavioural probe (the NeuralNet scenarios keep each step's exception in
    the output tree)."""
    stack = [observation.get("error"), observation.get("output")]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if node.get("t") == "exception" and node.get("type") == "NotImplementedError":
                return True
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return False


def _cell_order(label: str) -> int:
    try:
        return int(label.split()[1])
    except (IndexError, ValueError):
        return 10**9


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:100] or "assignment"
