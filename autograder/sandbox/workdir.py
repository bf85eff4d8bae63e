"""The worker's folder, what it may see, and the attempts at one notebook (trusted side).

``run_attempts(job, notebook, config)`` runs the worker on one notebook until it answers, at most
``config.max_attempts`` times within ``config.timeout``: when the worker dies or hangs in a step (a cell, or the
checks of one exercise), the next attempt skips that step, so a crash costs that step only.

Every attempt gets a FRESH folder, made by the grader (mode 0700, its own size-capped tmpfs when the grader is
root) holding only the notebook, the course data and the job. Nothing a learner left in an earlier attempt's
folder (a FIFO where the job file goes, a symlink where the answer goes) is ever opened: that folder is unmounted
and removed first. Folders are named after the worker slot that owns them, so a grader that was killed leaves
nothing behind for long: the next grader to take that slot unmounts and removes them (``clear_slot``).

What the worker may see is described to ``isolation.confine`` by a ``ConfinePlan``: the paths it needs (the Python
installation, the public autograder), and what to hide: the modules of ``config.HIDDEN_MODULES``, the project
tree, and the instructor's real folders (``SandboxConfig.hide_paths``: submitted/, source, output, gradebook).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import io
import json
import os
import secrets
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import numpy as np

import autograder.sandbox.isolation as isolation
from autograder.encode import ChannelError, to_channel

from .channel import read_response
from .config import SandboxConfig, hidden_module_paths
from .runner import WorkerRun, run_job
from .zygote import prepare_warm_start

WORKDIR_PREFIX = "autograder-work-"
#: steps whose failure is not the notebook's fault, or that no retry can skip
UNSKIPPABLE = ("start", "setup", "respond", "done")


@dataclasses.dataclass
class Attempts:
    """How the attempts at one notebook ended.

    run: the last worker run; response: its validated answer (None when there is none);
    fatal: step -> (cause, learner-facing detail) for every step skipped after it killed or hung the worker;
    notes: instructor-facing notes on confinement layers refused.
    """

    run: WorkerRun
    response: dict | None
    fatal: dict[str, tuple[str, str]]
    notes: list[str]


def run_attempts(job: dict, notebook_bytes: bytes, notebook_file: str, config: SandboxConfig) -> Attempts:
    """Run the worker on one notebook (see the module docstring); never raises for what the learner did."""
    fatal: dict[str, tuple[str, str]] = {}
    notes: list[str] = []
    if config.warm_start:  # (re)start this grader's zygote outside the submission's time budget
        prepare_warm_start()
    deadline = time.monotonic() + config.timeout
    root = isolation.running_as_root() and config.isolate != "rlimits"
    usable = (lambda slot: isolation.uid_is_unassigned(config.uid_base + slot)) if root else (lambda slot: True)
    run = response = None
    with isolation.worker_slot(usable=usable) as slot:
        uid = config.uid_base + slot if root else None
        if uid is not None:  # a grader killed earlier may have left workers of this uid: clear them
            isolation.kill_leftovers(uid=uid, sid=-1, deadline=2.0)
        prefix = f"{WORKDIR_PREFIX}u{os.getuid()}-s{slot}-"
        clear_slot(prefix)
        hidden = hidden_paths(config)
        warm = config.warm_start
        for _attempt in range(config.max_attempts):
            budget = deadline - time.monotonic()
            if budget <= 0.2:
                break
            token = secrets.token_hex(16)
            with fresh_workdir(prefix, root, config) as (workdir, on_tmpfs), \
                    attempt_cgroup(slot, confine_plan(workdir, uid, config, hidden), notes) as plan:
                if root and not on_tmpfs:
                    notes.append("the worker directory could not get its own tmpfs: disk use is bounded per "
                                 "file only")
                lay_out(workdir, job, notebook_bytes, notebook_file, config)
                write_job(workdir, {**job, "plan": plan.to_json(), "skip": sorted(fatal), "token": token})
                run = run_job(Path(workdir), config, uid=uid, budget=budget, token=token, warm=warm)
                if run.finished:
                    try:
                        response = read_response(workdir, config.max_response_mb * 2**20)
                    except ChannelError as exc:
                        run = dataclasses.replace(run, cause="error", detail=f"its answer was unusable ({exc})")
            if run.cause == "zygote":  # the fork server died under the worker: run it again, cold
                warm = False
                continue
            notes = list(dict.fromkeys(notes + run.notes))
            if run.leftovers:
                notes.append(f"processes {run.leftovers} survived the worker")
            if run.finished:
                break
            culprit = run.culprit
            if culprit is None or culprit in UNSKIPPABLE or culprit in fatal:
                if culprit in ("start", "setup"):
                    run = dataclasses.replace(run, detail=f"the grader could not start the notebook: {run.detail}")
                break
            fatal[culprit] = (run.cause, run.detail)
    if run is None:
        run = WorkerRun(False, None, "timeout", f"the submission's time budget of {config.timeout:g} s ran out",
                        [], b"", b"", 0.0, [])
    elif response is None and not run.detail:
        run = dataclasses.replace(run, detail="the notebook could not be run")
    if response is None and run.culprit and run.culprit not in ("start", "setup") and fatal and not run.finished:
        run = dataclasses.replace(run, detail=f"{run.detail} (after {len(fatal)} earlier stop(s))")
    return Attempts(run, response, fatal, notes)


# --------------------------------------------------------------------------------------------------
# the folder of one attempt
# --------------------------------------------------------------------------------------------------
def _temp_base() -> str:
    return tempfile.gettempdir()


@contextlib.contextmanager
def fresh_workdir(prefix: str, root: bool, config: SandboxConfig):
    """Yield (a new empty folder of mode 0700 for one attempt, whether it is on its own tmpfs of
    ``max_disk_mb``: tried when ``root``); it is unmounted and removed afterwards."""
    workdir = tempfile.mkdtemp(prefix=prefix, dir=_temp_base())
    on_tmpfs = root and isolation.mount_workdir_tmpfs(workdir, config.max_disk_mb)
    try:
        os.chmod(workdir, 0o700)
        yield workdir, on_tmpfs
    finally:
        remove_workdir(workdir, on_tmpfs)


@contextlib.contextmanager
def attempt_cgroup(slot: int, plan: isolation.ConfinePlan, notes: list[str]):
    """Yield ``plan`` with the cgroup v2 folder of this attempt's worker (``pids.max``, ``memory.max`` from the
    plan's limits; removed afterwards), or ``plan`` as it is where no delegated cgroup v2 is available (the bound
    in force is then RLIMIT_NPROC, see ``isolation.describe_process_bound``)."""
    delegation = isolation.delegated_cgroup() if plan.namespaces else None
    with contextlib.ExitStack() as stack:
        if delegation is not None and delegation.path is not None:
            name = f"{isolation.CGROUP_WORKER_PREFIX}u{os.getuid()}-s{slot}"
            limits = isolation.cgroup_limits(plan.memory_bytes, plan.disk_bytes, plan.tmp_bytes, plan.nproc)
            try:
                plan = dataclasses.replace(plan, cgroup=stack.enter_context(
                    isolation.worker_cgroup(delegation.path, name, *limits)))
            except OSError as exc:
                notes.append(f"no cgroup v2 for the worker ({exc.strerror or exc}): processes bounded by "
                             "RLIMIT_NPROC")
        yield plan


def remove_workdir(workdir: str, mounted: bool) -> None:
    """Unmount (lazily: a process still holding it cannot keep it mounted) and delete, never following a link."""
    if mounted:
        isolation.unmount(workdir)
    shutil.rmtree(workdir, ignore_errors=True)


def clear_slot(prefix: str) -> list[str]:
    """Remove the folders a killed grader left for this slot (we hold the slot's lock, so none is in use)."""
    left = sorted(glob.glob(os.path.join(glob.escape(_temp_base()), glob.escape(prefix) + "*")))
    for path in left:
        if os.path.isdir(path) and not os.path.islink(path):
            remove_workdir(path, mounted=os.path.ismount(path))
    return left


def lay_out(workdir: str, job: dict, notebook_bytes: bytes, notebook_file: str, config: SandboxConfig) -> None:
    """The notebook at ``notebooks/<assignment>/<name>.ipynb`` and the course data at ``data/`` (the notebooks
    read ``../../data/...``)."""
    nbdir = Path(workdir) / job["notebook_dir"]
    nbdir.mkdir(parents=True)
    _write_new(str(nbdir / notebook_file), notebook_bytes, 0o644)
    data_dir = config.data_dir or default_data_dir()
    if data_dir and Path(data_dir).is_dir():
        shutil.copytree(data_dir, Path(workdir) / "data", symlinks=False,
                        ignore=shutil.ignore_patterns("*.py", "__pycache__", ".*"))


def write_job(workdir: str, job: dict) -> None:
    """job.json + job.npz (no pickle), created new and readable by the grader's uid only."""
    data, arrays = to_channel(job)
    _write_new(os.path.join(workdir, "job.json"), json.dumps(data).encode("utf-8"), 0o600)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    _write_new(os.path.join(workdir, "job.npz"), buffer.getvalue(), 0o600)


def _write_new(path: str, content: bytes, mode: int) -> None:
    """Create ``path`` (it must not exist: no FIFO, no symlink can be waiting there) and write ``content``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)


def default_data_dir() -> Path | None:
    cand = Path(__file__).resolve().parents[2] / "data"
    return cand if cand.is_dir() else None


# --------------------------------------------------------------------------------------------------
# what the worker may see
# --------------------------------------------------------------------------------------------------
def confine_plan(workdir: str, uid: int | None, config: SandboxConfig,
                 hidden: tuple[list[str], list[str]]) -> isolation.ConfinePlan:
    hide_dirs, hide_files = hidden
    return isolation.ConfinePlan(
        workdir=workdir, uid=uid, gid=uid, hide_dirs=tuple(hide_dirs), hide_files=tuple(hide_files),
        memory_bytes=config.memory_mb * 2**20, cpu_seconds=config.effective_cpu_seconds,
        file_bytes=config.max_file_mb * 2**20, nproc=config.max_processes, nofile=config.max_open_files,
        strict=config.isolate == "strict", namespaces=config.isolate != "rlimits", expose=needed_paths(),
        disk_bytes=config.max_disk_mb * 2**20, answer_bytes=config.max_response_mb * 2**20)


def needed_paths() -> tuple[str, ...]:
    """What the worker's interpreter reads: the Python installation, the environment, the autograder package
    (whose instructor-side modules are hidden separately)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), str(Path(__file__).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            paths.add(sysconfig.get_paths()[key])
    return tuple(sorted(p for p in paths if p and os.path.exists(p)))


def hidden_paths(config: SandboxConfig) -> tuple[list[str], list[str]]:
    """(folders, files) the worker must not see: the modules of ``HIDDEN_MODULES``, the course's project tree
    except the public autograder and the Python environment, and the instructor's real folders
    (``config.hide_paths``), each resolved to the path the kernel sees."""
    pkg = Path(__file__).resolve().parents[1]  # autograder/
    root = pkg.parent
    keep = {os.path.realpath(p) for p in (pkg, sys.prefix, sys.base_prefix, sys.executable)}
    dirs: list[str] = []
    files: list[str] = []

    def hide(path) -> None:
        real = os.path.realpath(path)
        if any(k == real or k.startswith(real + "/") for k in keep):
            return  # it contains something the worker needs; what it must not see inside is listed separately
        if os.path.isdir(real):
            dirs.append(real)
        elif os.path.exists(real):
            files.append(real)

    if (root / "pyproject.toml").exists():
        for entry in sorted(root.iterdir()):
            hide(entry)
    for path in (*hidden_module_paths(), *config.hide_paths):
        hide(path)
    return sorted(set(dirs)), sorted(set(files))
