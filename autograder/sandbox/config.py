"""Grading configuration: one frozen dataclass, no string-keyed dicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

#: Statuses a grades.csv row can carry (issue 5).
STATUSES = ("passed", "failed", "error", "timeout", "memory", "missing", "tampered")


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
    hide_paths : extra paths hidden from the worker (e.g. a gradebook); the submitted dir, the
        output dir, the source dir, the answer key and the instructor side of the autograder are
        always hidden when a mount namespace is available.
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
