"""Grade many submissions in parallel (a local process pool or a Dask cluster), resumably, with progress.

``run_tasks`` is the engine of ``autograder grade --jobs N`` and ``--scheduler tcp://HOST:PORT``: it submits
``grade_task`` for each submission to a ``concurrent.futures`` executor (``ProcessPoolExecutor`` locally, the
executor of a ``dask.distributed.Client`` on a cluster: the same function either way), keeps only a few tasks in
flight so that a class of any size costs little memory, and hands every result to ``on_result`` (the atomic
per-submission store) the moment it arrives. A progress bar (tqdm) shows the rate and the ETA.

Ctrl-C: the first one only sets a flag (so it can never cut a result's storing short): no more work is handed out,
and the submissions already being graded finish and are stored; a second one abandons those, and so does SIGTERM
(``kill``, a scheduler's time limit). Everything stored stays, and the next run grades only what is missing.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .provenance import Refusal, check, stamp
from .records import NotebookGrade, NotebookSubmission, SubmissionResult, SubmissionTask

__all__ = ["GradingContext", "RunReport", "default_config", "default_jobs", "grade_task", "run_tasks"]

#: Modules worth importing once in the forkserver (the trusted grader, the exercise registry, the answer key);
#: a module that cannot be imported is skipped.
PRELOAD = ("autograder.sandbox.grade", "autograder.registry")

#: grade_notebook(submission, config) -> NotebookGrade (the sandbox's ``grade_notebook``, or a test's stand-in)
GradeNotebook = Callable[[NotebookSubmission, Any], NotebookGrade]


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_config(course_dir: Path | None = None):
    """The sandbox's default configuration, with the source notebooks of the nbgrader course around the
    current directory, if any (else the course's own notebooks/ folder)."""
    from autograder.sandbox.config import SandboxConfig
    from autograder.sandbox.grade import default_source_dir

    from .nbgrader_io import find_course_dir, load_course

    course_dir = course_dir or find_course_dir(Path.cwd())
    source = load_course(course_dir).folder("source") if course_dir else None
    return SandboxConfig(source_dir=source if source is not None and source.is_dir() else default_source_dir())


def _sandbox_grade_notebook(submission: NotebookSubmission, config: Any) -> NotebookGrade:
    from autograder.sandbox.grade import grade_notebook

    return grade_notebook(submission, config)


@dataclasses.dataclass(frozen=True)
class GradingContext:
    """What every worker needs besides the task: the grading configuration and the per-notebook grader.

    grade_notebook must be a module-level function (it is pickled by reference to reach a worker process).
    """

    config: Any
    grade_notebook: GradeNotebook = _sandbox_grade_notebook


def grade_task(task: SubmissionTask, context: GradingContext) -> SubmissionResult:
    """Grade one submission: each of its notebooks, straight from the task's bytes (nothing is written to disk
    here; the sandbox gives each worker a fresh folder of its own). Runs in a pool process or on a Dask worker.

    The result carries its provenance, computed HERE (on the Dask worker, if that is where this runs). A pool
    process abandoned by its parent (SIGTERM, after a second Ctrl-C) unwinds this task, so that the sandbox kills
    its worker and removes its folder, and starts none of the tasks the pool had already queued for it.
    """
    if _ABANDONED.is_set():
        raise SystemExit(143)
    _BUSY.set()
    try:
        started = time.monotonic()
        notebooks = tuple(context.grade_notebook(task.notebook(name), context.config) for name in task.notebooks)
        return SubmissionResult(
            student_id=task.student_id, assignment=task.assignment, key=task.key, notebooks=notebooks,
            seconds=round(time.monotonic() - started, 3),
            graded_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            provenance=stamp(context.config, task.assignment),
        )
    finally:
        _BUSY.clear()


@dataclasses.dataclass
class RunReport:
    """What one run did. ``errors`` are failures of the grader itself (not of a learner): nothing is stored for
    them, so the next run retries them."""

    graded: list[SubmissionResult] = dataclasses.field(default_factory=list)
    errors: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # (student, assignment, text)
    rejected: list[Refusal] = dataclasses.field(default_factory=list)  # results from a worker with another grader
    interrupted: bool = False
    seconds: float = 0.0
    workers: int = 1
    where: str = "local"


def _pool_process_signals() -> None:
    """Pool processes leave Ctrl-C to the parent, which decides what to finish and what to abandon; when it
    abandons them (SIGTERM) the task being graded unwinds like an exception, so that every ``finally`` runs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # A pool process ends with os._exit, without atexit: its zygotes would end only after it, when they see
    # their socket close. Stop them (and wait) first, so that nothing outlives the pool's shutdown.
    from autograder.sandbox.zygote import close_zygotes

    multiprocessing.util.Finalize(None, close_zygotes, exitpriority=10)


_ABANDONED = threading.Event()  # set in a pool process that its parent abandoned (SIGTERM)
_BUSY = threading.Event()  # set while this pool process grades a task
#: seconds an abandoned pool process gets to clean up after itself before it is killed
ABANDON_GRACE = 20.0


def _exit_on_sigterm(signum, frame):
    """Unwind the task being graded, if any; an idle process stays up and ends when the pool shuts down (a pool
    process that dies between tasks breaks the pool, which Python 3.11 mishandles with cancelled futures)."""
    _ABANDONED.set()
    if _BUSY.is_set():
        raise SystemExit(128 + signum)


class _Local:
    """A process pool, or the calling process itself when one job is asked for.

    Pool processes are forked from a forkserver (a clean process: no threads, no open progress bar) that has
    imported ``preload`` once, so each pool process starts with the grader already imported.
    """

    def __init__(self, jobs: int, preload: Sequence[str] = ()):
        self.workers = jobs
        self.where = f"local, {jobs} process{'es' if jobs != 1 else ''}"
        self.pool = None
        if jobs > 1:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["autograder.classroom.runner", *preload])
            self.pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_pool_process_signals)

    def exclude(self, address: str) -> bool:
        """A local process cannot be told apart from the next one: nothing to exclude (False)."""
        return False

    def submit(self, fn, *args) -> cf.Future:
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        future: cf.Future = cf.Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    def close(self, abandon: bool = False) -> None:
        if self.pool is None:
            return
        processes = list(getattr(self.pool, "_processes", {}).values())
        if not abandon:
            self.pool.shutdown(wait=True, cancel_futures=True)
            _stop_pool_helpers()
            return
        # A second Ctrl-C: each process unwinds the submission it is grading (its worker killed, its folder
        # removed), then the pool ends as usual; one that does not end within the grace period is killed.
        for process in processes:
            process.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + ABANDON_GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()


def _stop_pool_helpers() -> None:
    """The forkserver and multiprocessing's resource tracker would outlive the pool until this process exits:
    stop them now and wait for them, so that when the command returns, no process it started is running.
    (``_stop`` is what the standard library's own tests call; without it they end a moment after we do.)"""
    from multiprocessing import forkserver, resource_tracker

    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        try:
            helper._stop()
        except (AttributeError, OSError, ChildProcessError):
            pass


class _Dask:
    """The executor of a ``dask.distributed.Client`` connected to ``address`` (or a Client given directly)."""

    def __init__(self, scheduler: Any):
        from distributed import Client

        self.own_client = not isinstance(scheduler, Client)
        self.client = Client(scheduler, set_as_default=False) if self.own_client else scheduler
        self.executor = self.client.get_executor(pure=False)
        self.executors = [self.executor]
        self.excluded: set[str] = set()
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.where = f"dask {self.client.scheduler.address}, {self.workers} worker thread(s)"

    def exclude(self, address: str) -> bool:
        """Send no more work to the worker at ``address`` (its grader is not ours); False when no worker is left."""
        if address:
            self.excluded.add(address)
        allowed = sorted(set(self.client.nthreads()) - self.excluded)
        if not allowed:
            return False
        self.executor = self.client.get_executor(pure=False, workers=allowed, allow_other_workers=False)
        self.executors.append(self.executor)
        return True

    def submit(self, fn, *args) -> cf.Future:
        return self.executor.submit(fn, *args)

    def close(self, abandon: bool = False) -> None:
        for executor in self.executors:
            executor.shutdown(wait=False)
        if self.own_client:
            self.client.close()


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="submission", disable=not enabled or total == 0, file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1)


def run_tasks(
    tasks: Sequence[Callable[[], SubmissionTask]] | Sequence[SubmissionTask],
    context: GradingContext,
    on_result: Callable[[SubmissionResult], None],
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
    labels: Sequence[tuple[str, str]] | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> RunReport:
    """Grade ``tasks`` (tasks, or zero-argument callables that read one) and pass each result to ``on_result``.

    At most about two tasks per worker are in flight, so submissions are read from disk only when a worker is
    about to need them. ``labels`` ((student, assignment) per task) names the submission in grader errors.
    ``fingerprints`` (assignment -> this machine's grader fingerprint): a result whose provenance shows another
    grader is refused (never passed on), its worker gets no more work, and the task is graded again elsewhere;
    when no other worker is left it is a grader error.
    """
    started = time.monotonic()
    preload = [context.grade_notebook.__module__, *PRELOAD]
    backend = _Dask(scheduler) if scheduler is not None else _Local(jobs or default_jobs(), preload)
    report = RunReport(workers=backend.workers, where=backend.where)
    window = max(2, 2 * backend.workers)
    pending = iter(enumerate(tasks))
    in_flight: dict[cf.Future, tuple[int, SubmissionTask]] = {}

    def label(index: int) -> tuple[str, str]:
        if labels is not None:
            return labels[index]
        task = tasks[index]
        return (task.student_id, task.assignment) if isinstance(task, SubmissionTask) else ("?", "?")

    def fill() -> None:
        while len(in_flight) < window:
            try:
                index, item = next(pending)
            except StopIteration:
                return
            task = item if isinstance(item, SubmissionTask) else item()
            in_flight[backend.submit(grade_task, task, context)] = (index, task)

    def refused(result: SubmissionResult, index: int, task: SubmissionTask) -> bool:
        """True when the result is refused (then graded again elsewhere, or a grader error when nowhere is left)."""
        if fingerprints is None or task.assignment not in fingerprints:
            return False
        refusal = check(result.provenance, fingerprints[task.assignment], task.student_id, task.assignment)
        if refusal is None:
            return False
        report.rejected.append(refusal)
        if backend.exclude(refusal.address) and not stop.is_set():
            in_flight[backend.submit(grade_task, task, context)] = (index, task)
        else:
            report.errors.append((*label(index), refusal.message() + "; no worker with this machine's grader "
                                  "is left"))
            bar.update(1)
        return True

    def collect(done: Iterator[cf.Future], bar) -> None:
        for future in done:
            index, task = in_flight.pop(future)
            if future.cancelled():
                continue
            exc = future.exception()
            if exc is None:
                result = future.result()
                if refused(result, index, task):
                    continue
                on_result(result)
                report.graded.append(result)
            else:
                text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                report.errors.append((*label(index), text))
            bar.update(1)

    bar = _progress_bar(len(tasks), progress)
    stop = threading.Event()
    abandon = False

    def on_sigint(signum, frame):  # first Ctrl-C: finish what is running; second: abandon it
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    def on_sigterm(signum, frame):  # `kill`, a scheduler's time limit: abandon at once, as a second Ctrl-C does
        stop.set()
        raise KeyboardInterrupt

    previous = previous_term = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, on_sigint)
        previous_term = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        fill()
        while in_flight:
            if stop.is_set() and not report.interrupted:
                report.interrupted = True
                for future in list(in_flight):
                    if future.cancel():
                        in_flight.pop(future)
                if in_flight:
                    bar.write(f"Interrupted: finishing the {len(in_flight)} submission(s) being graded "
                              "(Ctrl-C again to abandon them); the rest is graded by the next run.")
            done, _ = cf.wait(list(in_flight), timeout=0.25, return_when=cf.FIRST_COMPLETED)
            collect(iter(done), bar)
            if not stop.is_set():
                fill()
        if stop.is_set() and len(report.graded) + len(report.errors) < len(tasks):
            report.interrupted = True
    except KeyboardInterrupt:
        report.interrupted = abandon = True
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, previous_term)
        bar.close()
        backend.close(abandon=abandon)
    report.seconds = time.monotonic() - started
    return report
