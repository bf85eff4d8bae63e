"""Grading configuration: one frozen dataclass, and the one list of modules a worker must never reach."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from pathlib import Path

from .records import STATUSES

__all__ = ["HIDDEN_MODULES", "STATUSES", "SandboxConfig", "hidden_module_paths", "is_hidden_module",
           "worker_env"]

#: The answer key and the instructor side: what learner code must neither import nor read. This is THE list:
#: the worker's import guard, the zygote's self-check, the paths hidden from the worker (``hidden_module_paths``)
#: and the student bundle (classroom/release.py) all derive from it.
HIDDEN_MODULES = (
    "course_lib",  # the reference implementation, i.e. the answer key
    "autograder.exercises",  # specs: hidden case generators, references, misconception mutants
    "autograder.registry",
    "autograder.hidden",
    "autograder.publicgen",
    "autograder.cli",  # the instructor's command line (the learner's is autograder.learner_cli)
    "autograder.classroom",  # the class: discovery, store (and its key), exports
    "autograder.sandbox.grade",  # the trusted side of the sandbox: plans, hidden inputs, verdicts
    "autograder.sandbox.workdir",
    "autograder.sandbox.judging",
    "nbgrader",  # gradebooks and hidden-test tooling
)


def is_hidden_module(name: str) -> bool:
    """True for a module of ``HIDDEN_MODULES`` or any submodule of one."""
    return any(name == hidden or name.startswith(hidden + ".") for hidden in HIDDEN_MODULES)


def hidden_module_paths() -> tuple[str, ...]:
    """Files and folders that hold ``HIDDEN_MODULES`` in this installation (packages as folders, modules as
    their source file and its cached bytecode), found without importing them; modules not installed are left
    out."""
    paths: set[str] = set()
    for name in HIDDEN_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        if spec.submodule_search_locations:
            paths.update(os.path.realpath(p) for p in spec.submodule_search_locations)
        elif spec.origin and os.path.isfile(spec.origin):
            paths.add(os.path.realpath(spec.origin))
            if spec.cached and os.path.exists(spec.cached):
                paths.add(os.path.realpath(spec.cached))
    return tuple(sorted(paths))


@dataclasses.dataclass(frozen=True)
class SandboxConfig:
    """How to run and confine one learner worker.

    Parameters
    ----------
    source_dir : the instructor's source notebooks, ``<source_dir>/<assignment>/<notebook>.ipynb``.
    timeout : wall-clock seconds for a whole submission (all cells and all checks, retries included).
    step_timeout : wall-clock seconds for one step (one notebook cell, or the checks of one exercise);
        ``None`` means a third of ``timeout`` (so that one hanging exercise leaves time to grade the others).
        A step that runs over is killed, reported, and skipped on a retry.
    memory_mb : address-space limit of the worker (RLIMIT_AS), in MiB.
    cpu_seconds : CPU-time limit of the worker (RLIMIT_CPU); ``None`` means ``timeout + 5``.
    max_output_bytes : bytes of the worker's stdout/stderr kept (the rest is read and dropped).
    max_file_mb : largest file the worker may write (RLIMIT_FSIZE).
    max_disk_mb : size of the worker directory's own tmpfs (root only): all it may write in total.
    max_processes : processes + threads of the worker's uid (RLIMIT_NPROC; only enforced off root,
        which is why a root grader drops the worker to its own uid).
    max_open_files : RLIMIT_NOFILE.
    max_response_mb : largest result channel (JSON + npz) the trusted side accepts from a worker.
    max_attempts : how many times a submission is re-run after the worker dies, each time skipping
        the step that killed it.
    isolate : "auto" (every layer; ``autograder grade`` refuses to grade where the namespaces are refused),
        "weak" (grade anyway with what this machine allows and say once what is missing), "rlimits"
        (no namespaces: rlimits and the import guard only) or "strict" (fail when any layer is refused).
    uid_base : first unprivileged uid/gid used for worker slots when the grader runs as root.
    data_dir : files copied next to the submission as ``data/`` (the notebooks read
        ``../../data/...``); ``None`` means the course's ``data`` directory when it exists.
    hide_paths : the instructor's folders the worker must not see wherever they sit (the real ``submitted/``,
        the course's source notebooks, the output folder, the gradebook, ``--hide`` paths), as absolute paths.
        The classroom fills it in (``classroom.api``); the answer key and the instructor side of the autograder
        (``HIDDEN_MODULES``) are always hidden.
    salt : mixed into the per-student seed (a course may keep it secret so hidden inputs cannot be
        recomputed by students who read this code).
    warm_start : fork each worker from a zygote that has already imported numpy, pandas, scikit-learn,
        matplotlib and IPython (``autograder.sandbox.zygote``; same confinement, same results, about 2 s
        less per submission); False starts every worker as a fresh interpreter.
    """

    source_dir: Path | None = None
    timeout: float = 60.0
    step_timeout: float | None = None
    memory_mb: int = 2048
    cpu_seconds: float | None = None
    max_output_bytes: int = 64 * 1024
    max_file_mb: int = 64
    max_disk_mb: int = 512
    max_processes: int = 64
    max_open_files: int = 256
    max_response_mb: int = 64
    max_attempts: int = 4
    isolate: str = "auto"
    uid_base: int = 61000
    data_dir: Path | None = None
    hide_paths: tuple[Path, ...] = ()
    salt: str = ""
    warm_start: bool = True

    def __post_init__(self):
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout!r}")
        if self.step_timeout is not None and self.step_timeout <= 0:
            raise ValueError(f"step_timeout must be positive, got {self.step_timeout!r}")
        if self.memory_mb < 256:
            raise ValueError(f"memory_mb must be at least 256 (numpy needs it), got {self.memory_mb!r}")
        if self.isolate not in ("auto", "weak", "rlimits", "strict"):
            raise ValueError(f"isolate must be 'auto', 'weak', 'rlimits' or 'strict', got {self.isolate!r}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts!r}")

    @property
    def effective_step_timeout(self) -> float:
        return min(self.timeout, self.step_timeout) if self.step_timeout else self.timeout / 3

    @property
    def effective_cpu_seconds(self) -> int:
        return int(self.cpu_seconds if self.cpu_seconds is not None else self.timeout + 5)


def worker_env(workdir: str) -> dict:
    """The whole environment of a worker process (cold or forked by the zygote): no variable of the grader's,
    HOME and the tools' folders in its own work folder, every BLAS/OpenMP pool at one thread."""
    threads = "1"
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
        "NUMEXPR_NUM_THREADS": threads, "VECLIB_MAXIMUM_THREADS": threads, "MPLBACKEND": "Agg",
        "IPYTHONDIR": os.path.join(workdir, ".ipython"), "MPLCONFIGDIR": os.path.join(workdir, ".matplotlib"),
        "JUPYTER_PLATFORM_DIRS": "1", "PYTHONHASHSEED": "0", "TERM": "dumb",
    }
