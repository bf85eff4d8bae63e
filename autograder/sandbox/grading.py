"""Grading submitted notebooks safely (trusted process): the unit of work and the class-level driver.

``grade_submission(submission, config) -> SubmissionResult`` is a pure function of one submitted notebook
and the configuration: it writes nothing outside its own temporary directory, so it can run in a thread pool, a
process pool or on a Dask worker. ``grade_submissions(submitted_dir, out_dir, config)`` finds the submissions
(nbgrader's ``submitted/<student_id>/<assignment>/<notebook>.ipynb``), grades them, writes each result
atomically (``results/<student>/<assignment>.json``), the per-student feedback and ``grades.csv``.

Scores and statuses (one row per student x assignment x exercise):

- ``passed``: every hidden case passed; full points.
- ``failed``: the function ran and a case failed; 0 points; the message says what differs (and the hint the
  misconception it matches).
- ``error``: the function raised, or its checks crashed the Python process, or the notebook could not be read;
  0 points.
- ``timeout`` / ``memory``: the checks of the exercise (or the cell defining it) ran over the wall-clock/CPU
  limit or out of memory; 0 points.
- ``missing``: the function is not defined (or still raises NotImplementedError), or the notebook was not
  submitted; 0 points.
- ``tampered``: the exercise's nbgrader test cell was modified, deleted or turned into markdown. Test cells are
  never run, so editing one cannot earn anything: the exercise is graded by the grader's own hidden checks as
  if nothing had happened and keeps that score (full points when the function is right, 0 otherwise), but the
  status is ``tampered`` so that the instructor sees it, and the message gives the checks' verdict too.
  Modified locked cells that are not tests (setup, provided code) are replaced by the instructor's version
  when running and reported as a note on the notebook.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import hashlib
import io
import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from autograder.encode import ChannelError, to_channel
from autograder.results import Case, Result, combine

from . import isolation
from .channel import read_response
from .config import SandboxConfig
from .judging import ExerciseHandle, Provider, case_seed, misconception_id, registry_provider
from .notebook import SourceNotebook, UnreadableNotebook, load_source, plan_cells, read_submission
from .runner import prepare_warm_start, run_job

#: hint: the misconception hint shown to the learner; misconception: the id (mutant name) of the known-wrong
#: variant the answer matched ("" when none did); both empty for a passed exercise.
CSV_COLUMNS = ("student_id", "assignment", "notebook", "exercise", "score", "max_score", "status", "message",
               "hint", "misconception")
FORMAT_VERSION = 1


@dataclasses.dataclass(frozen=True)
class Submission:
    student_id: str
    assignment: str
    notebook: str  # file stem
    path: Path


@dataclasses.dataclass(frozen=True)
class GradeRow:
    student_id: str
    assignment: str
    notebook: str
    exercise: str
    score: float
    max_score: float
    status: str
    message: str
    hint: str = ""
    misconception: str = ""  # id of the known-wrong variant (mutant) the answer matched, if any

    def csv_row(self) -> dict:
        return {k: getattr(self, k) for k in CSV_COLUMNS}


@dataclasses.dataclass(frozen=True)
class CellReport:
    label: str
    problem: str  # learner-facing: what went wrong in this cell


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    submission: Submission
    rows: tuple[GradeRow, ...]
    cells: tuple[CellReport, ...] = ()
    notes: tuple[str, ...] = ()  # learner-facing notes on the whole notebook
    isolation: tuple[str, ...] = ()  # instructor-facing: layers this machine refused
    seconds: float = 0.0
    key: str = ""  # content hash: same key => same grades (for resumable runs)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.rows)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.rows)

    def to_json(self) -> dict:
        return {"format": FORMAT_VERSION, "key": self.key, "seconds": self.seconds,
                "submission": {"student_id": self.submission.student_id, "assignment": self.submission.assignment,
                               "notebook": self.submission.notebook, "path": str(self.submission.path)},
                "rows": [dataclasses.asdict(r) for r in self.rows],
                "cells": [dataclasses.asdict(c) for c in self.cells],
                "notes": list(self.notes), "isolation": list(self.isolation)}

    @classmethod
    def from_json(cls, d: dict) -> SubmissionResult:
        s = d["submission"]
        return cls(Submission(s["student_id"], s["assignment"], s["notebook"], Path(s["path"])),
                   tuple(GradeRow(**r) for r in d["rows"]), tuple(CellReport(**c) for c in d["cells"]),
                   tuple(d["notes"]), tuple(d["isolation"]), d["seconds"], d["key"])


# --------------------------------------------------------------------------------------------------
# finding submissions and sources
# --------------------------------------------------------------------------------------------------
def default_source_dir() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    cand = root / "notebooks"
    return cand if cand.is_dir() else None


def default_data_dir() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    cand = root / "data"
    return cand if cand.is_dir() else None


def source_notebooks(source_dir: Path | None, assignment: str) -> list[Path]:
    if source_dir is None:
        return []
    folder = Path(source_dir) / assignment
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(".")) if folder.is_dir() else []


@functools.lru_cache(maxsize=64)
def _cached_source(path: str, mtime_ns: int, assignment: str) -> SourceNotebook:
    return load_source(Path(path), assignment)


def get_source(path: Path, assignment: str) -> SourceNotebook:
    return _cached_source(str(path), path.stat().st_mtime_ns, assignment)


def find_submissions(submitted_dir: Path, source_dir: Path | None = None) -> list[Submission]:
    """Every ``<student>/<assignment>/<notebook>.ipynb`` to grade, sorted. With a source directory, each
    source notebook of an assignment is expected (a missing one is still listed, and graded as missing)."""
    submitted_dir = Path(submitted_dir)
    subs: list[Submission] = []
    for student in sorted(os.listdir(submitted_dir)):
        sdir = submitted_dir / student
        if student.startswith(".") or sdir.is_symlink() or not sdir.is_dir():
            continue
        for assignment in sorted(os.listdir(sdir)):
            adir = sdir / assignment
            if assignment.startswith(".") or adir.is_symlink() or not adir.is_dir():
                continue
            expected = source_notebooks(source_dir, assignment)
            if expected:
                names = [p.stem for p in expected]
            else:
                names = sorted(p.stem for p in adir.glob("*.ipynb") if not p.name.startswith("."))
            for name in names:
                subs.append(Submission(student, assignment, name, adir / f"{name}.ipynb"))
    return subs


def submission_key(sub: Submission, config: SandboxConfig) -> str:
    """Hash of everything a grade depends on: the notebook bytes, the source notebook, the limits and salt."""
    h = hashlib.sha256()
    for part in (sub.student_id, sub.assignment, sub.notebook, repr(_config_fingerprint(config))):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for path in [sub.path] + source_notebooks(config.source_dir, sub.assignment):
        try:
            if not os.path.islink(path):
                h.update(Path(path).read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()


def _config_fingerprint(config: SandboxConfig) -> tuple:
    return (FORMAT_VERSION, config.timeout, config.step_timeout, config.memory_mb, config.salt, config.max_attempts)


# --------------------------------------------------------------------------------------------------
# the unit of work
# --------------------------------------------------------------------------------------------------
def _rows_all(sub: Submission, exercises: dict[str, float], status: str, message: str) -> tuple[GradeRow, ...]:
    return tuple(GradeRow(sub.student_id, sub.assignment, sub.notebook, name, 0.0, pts, status, message)
                 for name, pts in exercises.items())


def _cause_status(cause: str | None) -> str:
    return {"timeout": "timeout", "cpu": "timeout", "memory": "memory"}.get(cause or "", "error")


def grade_submission(sub: Submission, config: SandboxConfig | None = None,
                     provider: Provider | None = None) -> SubmissionResult:
    """Grade one submitted notebook in a confined worker; never raises for anything the learner did.

    A failure of the grader itself (a bug, a broken exercise spec) is caught too: the submission's rows say
    ``error`` with "internal grader error" and ``SubmissionResult.isolation`` carries the details for the
    instructor, so that one submission never stops the grading of a class.
    """
    config = config or SandboxConfig()
    try:
        return _grade_submission(sub, config, provider)
    except Exception as exc:  # noqa: BLE001 - the class run must go on; the instructor sees the cause
        import traceback

        try:
            handles = dict((provider or registry_provider)(sub.assignment))
            points = {n: float(h.points) for n, h in handles.items()}
        except Exception:  # noqa: BLE001
            points = {}
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:1000]
        return SubmissionResult(sub, _rows_all(sub, points, "error", "internal grader error: this notebook could "
                                               "not be graded; the instructor has the details"),
                                isolation=(f"internal grader error: {detail}",),
                                key=submission_key(sub, config))


def _grade_submission(sub: Submission, config: SandboxConfig, provider: Provider | None) -> SubmissionResult:
    t0 = time.monotonic()
    key = submission_key(sub, config)
    handles = dict((provider or registry_provider)(sub.assignment))
    sources = source_notebooks(config.source_dir, sub.assignment)
    source = next((get_source(p, sub.assignment) for p in sources if p.stem == sub.notebook), None)
    if source is not None:
        order = [n for n in source.exercises if n in handles]
    else:
        order = list(handles)
    points = {}
    for name in order:
        test = source.test_cell_of(name) if source else None
        points[name] = float(test.points) if test is not None and test.points else float(handles[name].points)

    def result(rows, cells=(), notes=(), iso=()):
        return SubmissionResult(sub, tuple(rows), tuple(cells), tuple(notes), tuple(iso),
                                round(time.monotonic() - t0, 3), key)

    if not order:
        return result([], notes=[f"no graded exercises are known for assignment {sub.assignment!r}"])
    if os.path.islink(sub.path):
        return result(_rows_all(sub, points, "error", "the submitted notebook is a symbolic link; "
                                "submit the notebook file itself"))
    if not sub.path.exists():
        others = sorted(p.name for p in sub.path.parent.glob("*.ipynb"))[:3] if sub.path.parent.is_dir() else []
        found = f" (found {', '.join(others)} instead: keep the released file name)" if others else ""
        return result(_rows_all(sub, points, "missing", f"{sub.notebook}.ipynb was not submitted{found}"))
    try:
        nb = read_submission(sub.path)
    except UnreadableNotebook as exc:
        return result(_rows_all(sub, points, "error", f"the notebook could not be read: {exc}"))
    plan = plan_cells(nb, source)

    cases: dict[str, list[Case]] = {}
    for name in order:
        rng = np.random.default_rng(case_seed(sub.student_id, sub.assignment, name, config.salt))
        cases[name] = list(handles[name].hidden_cases(rng))

    job = {"cells": [dataclasses.asdict(c) for c in plan.run],
           "exercises": [{"name": n, "cases": [c.to_plain() for c in cases[n]]} for n in order],
           "notebook_dir": f"notebooks/{_safe_name(sub.assignment)}",
           "max_output": config.max_output_bytes, "max_array_bytes": config.max_response_mb * 2**20 // 2}
    run, response, fatal, iso_notes = _run_with_retries(sub, nb, job, config)

    cell_reports: list[CellReport] = []
    labels = {c.key: c for c in plan.run}
    cell_problem: dict[str, str] = {}  # grade_id -> status of its cell's failure
    for key_, (cause, detail) in fatal.items():
        if key_ in labels:
            cell_reports.append(CellReport(labels[key_].label, f"stopped: {detail}"))
            if labels[key_].grade_id:
                cell_problem[labels[key_].grade_id] = _cause_status(cause)
    if response is not None:
        for c in response["cells"]:
            if c["error"] and c["key"] in labels:
                cell_reports.append(CellReport(labels[c["key"]].label, f"raised {c['error']}"))
                gid = labels[c["key"]].grade_id
                if gid and gid not in cell_problem:
                    cell_problem[gid] = "memory" if c["error_type"] == "MemoryError" else "error"
    cell_reports.sort(key=lambda r: _cell_order(r.label))

    rows = []
    for name in order:
        pts = points[name]
        if f"x:{name}" in fatal:
            cause, detail = fatal[f"x:{name}"]
            row = GradeRow(sub.student_id, sub.assignment, sub.notebook, name, 0.0, pts, _cause_status(cause),
                           f"checking `{name}` was stopped: {detail}")
        elif response is None:
            row = GradeRow(sub.student_id, sub.assignment, sub.notebook, name, 0.0, pts,
                           _cause_status(run.cause) if run.cause in ("timeout", "memory") else "error",
                           f"`{name}` could not be checked: {run.detail or 'the notebook could not be run'}")
        else:
            row = _judge_exercise(sub, name, pts, handles[name], cases[name],
                                  response["exercises"].get(name), cell_problem.get(name))
        if name in plan.tampered:
            verdict = f"{row.status}: {row.message}" if row.status != "passed" else "passed the grader's checks"
            row = dataclasses.replace(row, status="tampered", message=(
                f"{plan.tampered[name]} (test cells are not run; the grader's own checks decide the score: "
                f"{_fmt(row.score)}/{_fmt(pts)}, {verdict})"))
        rows.append(row)
    notes = list(plan.notes)  # (skipped demonstration cells are not mentioned: every submission has them)
    if response is not None and response["output_dropped"]:
        notes.append(f"the notebook printed a lot: {response['output_dropped']} characters of output were dropped")
    return result(rows, cell_reports, notes, iso_notes)


def _cell_order(label: str) -> int:
    try:
        return int(label.split()[1])
    except (IndexError, ValueError):
        return 10**9


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:100] or "assignment"


def _judge_exercise(sub: Submission, name: str, pts: float, handle: ExerciseHandle, cases: list[Case],
                    observations, cell_status: str | None) -> GradeRow:
    def row(status, message, score=0.0, hint=""):
        return GradeRow(sub.student_id, sub.assignment, sub.notebook, name, score, pts, status, message, hint,
                        misconception_id(handle, hint))

    if observations is None:
        return row("error", f"`{name}` was not checked (the worker returned no answer for it)")
    if len(observations) != len(cases):
        return row("error", f"`{name}`: the worker returned {len(observations)} answers for {len(cases)} cases")
    if all(o["output"].get("t") == "missing" for o in observations):
        if cell_status in ("timeout", "memory", "error"):
            why = {"timeout": "ran over the time limit", "memory": "ran out of memory",
                   "error": "raised an exception"}[cell_status]
            return row(cell_status, f"`{name}` is not defined: the cell that should define it {why}")
        return row("missing", f"`{name}` is not defined in the notebook (was it renamed or deleted?)")
    results: list[Result] = []
    for case, obs in zip(cases, observations):
        try:
            results.append(handle.judge(case, obs))
        except Exception as exc:  # noqa: BLE001 - a judge crash on hostile data costs this exercise only
            results.append(Result(name, False, 0.0, pts, f"the answer could not be judged ({type(exc).__name__})"))
    # an exception a case asked for (a documented ValueError) is a right answer, not an error
    errors = [o["error"] for o, r in zip(observations, results) if o["error"] is not None and not r.passed]
    verdict = combine(name, pts, results)
    if verdict.passed:
        return row("passed", verdict.message, float(pts), "")
    status = "failed"
    if any(e["type"] == "NotImplementedError" for e in errors) or any(
            text in verdict.message for text in ("raised NotImplementedError", "is not implemented yet")):
        # the released stub, left as it was: an unanswered exercise (0 points whatever the status)
        return row("missing", verdict.message, 0.0, verdict.hint)
    if errors:
        types = {e["type"] for e in errors}
        status = "memory" if "MemoryError" in types else "error"
    return row(status, verdict.message, 0.0, verdict.hint)


def _run_with_retries(sub: Submission, nb, job: dict, config: SandboxConfig):
    """Run the worker; when it dies or hangs in a step, run again without that step (bounded)."""
    fatal: dict[str, tuple[str, str]] = {}
    iso_notes: list[str] = []
    if config.warm_start:  # (re)start this grader's zygote outside the submission's time budget
        prepare_warm_start()
    deadline = time.monotonic() + config.timeout
    root = isolation.running_as_root() and config.isolate != "rlimits"
    data_dir = config.data_dir or default_data_dir()
    workdir = tempfile.mkdtemp(prefix="autograder-work-")
    run = None
    response = None
    on_tmpfs = root and isolation.mount_workdir_tmpfs(workdir, config.max_disk_mb)
    if root and not on_tmpfs:
        iso_notes.append("the worker directory could not get its own tmpfs: disk use is bounded per file only")
    try:
        os.chmod(workdir, 0o700)
        nbdir = Path(workdir) / job["notebook_dir"]
        nbdir.mkdir(parents=True)
        shutil.copyfile(sub.path, nbdir / f"{_safe_name(sub.notebook)}.ipynb", follow_symlinks=False)
        if data_dir and Path(data_dir).is_dir():
            shutil.copytree(data_dir, Path(workdir) / "data", symlinks=False,
                            ignore=shutil.ignore_patterns("*.py", "__pycache__", ".*"))
        usable = (lambda slot: isolation.uid_is_unassigned(config.uid_base + slot)) if root else (lambda slot: True)
        with isolation.worker_slot(usable=usable) as slot:
            uid = config.uid_base + slot if root else None
            if uid is not None:  # a grader killed earlier may have left workers of this uid: clear them
                isolation.kill_leftovers(uid=uid, sid=-1, deadline=2.0)
            plan = _confine_plan(workdir, uid, config, sub)
            warm = config.warm_start
            for _attempt in range(config.max_attempts):
                budget = deadline - time.monotonic()
                if budget <= 0.2:
                    break
                token = secrets.token_hex(16)
                _write_job(workdir, {**job, "plan": plan.to_json(), "skip": sorted(fatal), "token": token})
                run = run_job(Path(workdir), config, uid=uid, budget=budget, token=token, warm=warm)
                if run.cause == "zygote":  # the fork server died under the worker: run it again, cold
                    warm = False
                    continue
                iso_notes = list(dict.fromkeys(iso_notes + run.notes))
                if run.leftovers:
                    iso_notes.append(f"processes {run.leftovers} survived the worker")
                if run.finished:
                    try:
                        response = read_response(workdir, config.max_response_mb * 2**20)
                    except ChannelError as exc:
                        run = dataclasses.replace(run, cause="error", detail=f"its answer was unusable ({exc})")
                    break
                culprit = run.culprit
                if culprit is None or culprit in ("start", "setup", "respond", "done") or culprit in fatal:
                    if culprit in ("start", "setup"):
                        run = dataclasses.replace(run, detail=f"the grader could not start the notebook: {run.detail}")
                    break
                fatal[culprit] = (run.cause, run.detail)
    finally:
        if on_tmpfs:
            isolation.unmount(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    if run is None:
        from .runner import WorkerRun
        run = WorkerRun(False, None, "timeout", f"the submission's time budget of {config.timeout:g} s ran out",
                        [], b"", b"", 0.0, [])
    elif response is None and not run.detail:
        run = dataclasses.replace(run, detail="the notebook could not be run")
    if response is None and run.culprit and run.culprit not in ("start", "setup") and fatal and not run.finished:
        run = dataclasses.replace(run, detail=f"{run.detail} (after {len(fatal)} earlier stop(s))")
    return run, response, fatal, iso_notes


def _confine_plan(workdir: str, uid: int | None, config: SandboxConfig, sub: Submission) -> isolation.ConfinePlan:
    hide_dirs, hide_files = _hidden_paths(config, sub)
    return isolation.ConfinePlan(
        workdir=workdir, uid=uid, gid=uid, hide_dirs=tuple(hide_dirs), hide_files=tuple(hide_files),
        memory_bytes=config.memory_mb * 2**20, cpu_seconds=config.effective_cpu_seconds,
        file_bytes=config.max_file_mb * 2**20, nproc=config.max_processes, nofile=config.max_open_files,
        strict=config.isolate == "strict", namespaces=config.isolate != "rlimits", expose=_needed_paths())


def _needed_paths() -> tuple[str, ...]:
    """What the worker's interpreter reads: the Python installation, the environment, this package."""
    import sys
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), str(Path(__file__).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            paths.add(sysconfig.get_paths()[key])
    return tuple(sorted(p for p in paths if p and os.path.exists(p)))


PUBLIC_AUTOGRADER = {"__init__.py", "results.py", "encode.py", "compare.py", "verdict.py", "methods.py", "probes.py", "public.py",
                     "public_data", "properties.py", "sandbox", "py.typed"}


def _hidden_paths(config: SandboxConfig, sub: Submission) -> tuple[list[str], list[str]]:
    """Everything the worker must not see: the course's project tree except the public half of the
    autograder (and the Python environment, wherever it lives), the submissions, the sources, the outputs."""
    import sys

    pkg = Path(__file__).resolve().parents[1]  # autograder/
    root = pkg.parent
    keep = {os.path.realpath(p) for p in (pkg, sys.prefix, sys.base_prefix, sys.executable)}
    dirs, files = [], []

    def hide(path: Path):
        if any(k == os.path.realpath(path) or k.startswith(os.path.realpath(path) + "/") for k in keep):
            return  # it contains something the worker needs; its own children are handled separately
        (dirs if path.is_dir() else files).append(str(path))

    if (root / "pyproject.toml").exists():
        for entry in sorted(root.iterdir()):
            if os.path.realpath(entry) in keep:
                continue
            hide(entry)
    for entry in sorted(pkg.iterdir()):
        if entry.name not in PUBLIC_AUTOGRADER:
            hide(entry)
    sandbox_pyc = pkg / "sandbox" / "__pycache__"
    if sandbox_pyc.is_dir():
        dirs.append(str(sandbox_pyc))
    for extra in (config.source_dir, sub.path.parents[2], *config.hide_paths):
        if extra:
            p = Path(extra)
            if p.exists():
                dirs.append(str(p)) if p.is_dir() else files.append(str(p))
    try:  # the answer key wherever it is installed
        import importlib.util
        spec = importlib.util.find_spec("course_lib")
        if spec and spec.submodule_search_locations:
            dirs.extend(spec.submodule_search_locations)
    except (ImportError, ValueError):
        pass
    return sorted(set(dirs)), sorted(set(files))


def _write_job(workdir: str, job: dict) -> None:
    data, arrays = to_channel(job)
    path = os.path.join(workdir, "job.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    fd = os.open(os.path.join(workdir, "job.npz"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        np.savez(fh, **arrays)


# --------------------------------------------------------------------------------------------------
# the class-level driver
# --------------------------------------------------------------------------------------------------
def result_path(out_dir: Path, sub: Submission) -> Path:
    return Path(out_dir) / "results" / _safe_name(sub.student_id) / f"{_safe_name(sub.assignment)}__" \
        f"{_safe_name(sub.notebook)}.json"


def write_result(out_dir: Path, res: SubmissionResult) -> Path:
    """Write one submission's result atomically (temp file + rename): an interrupted run loses nothing."""
    path = result_path(out_dir, res.submission)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, json.dumps(res.to_json(), indent=1))
    return path


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_grades_csv(out_dir: Path, results: list[SubmissionResult]) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for res in sorted(results, key=lambda r: (r.submission.student_id, r.submission.assignment,
                                              r.submission.notebook)):
        for row in res.rows:
            writer.writerow(row.csv_row())
    path = Path(out_dir) / "grades.csv"
    _atomic_write(path, buf.getvalue())
    return path


def grade_submissions(submitted_dir: Path, out_dir: Path, config: SandboxConfig | None = None,
                      provider: Provider | None = None, progress=None) -> list[SubmissionResult]:
    """Grade every submission under ``submitted_dir`` one after the other; write results, feedback, CSV."""
    from .feedback import write_feedback

    config = config or SandboxConfig()
    if config.source_dir is None and default_source_dir() is not None:
        config = dataclasses.replace(config, source_dir=default_source_dir())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config = dataclasses.replace(config, hide_paths=tuple(config.hide_paths) + (out_dir.resolve(),))
    results = []
    for sub in find_submissions(Path(submitted_dir), config.source_dir):
        res = grade_submission(sub, config, provider)
        write_result(out_dir, res)
        results.append(res)
        if progress is not None:
            progress(res)
    write_feedback(out_dir, results)
    write_grades_csv(out_dir, results)
    return results
