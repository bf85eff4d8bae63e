"""Parent side of one worker run: start, watch, time out, kill, collect (trusted process).

``run_job(job, workdir, config, slot)`` starts ``python -m autograder.sandbox.worker`` with
``subprocess.Popen`` (a fresh interpreter, never a fork of the grader), in its own session, with a scrubbed
environment. It follows the worker's ``step`` announcements on fd 3, enforces the per-step and per-submission
wall-clock limits, reads stdout/stderr with a cap (the rest is read and dropped, so the worker never blocks and
the grader never buffers unbounded output), and afterwards kills every process the worker left (see
``isolation.kill_leftovers``). When the worker dies or hangs in a step, the caller re-runs the job without
that step (``WorkerRun.culprit``).

Warm start: by default the worker process is not a fresh interpreter but a child forked by this grader's
zygote (``autograder.sandbox.zygote``: a fork server started once per grader process and thread, holding
numpy, pandas, scikit-learn, matplotlib and IPython already imported, never any learner code). The child runs the
same worker code (``worker.run``) and the grader treats it exactly like a cold worker: same pipes, same session
id (its pid), same timeouts and kills. When the zygote cannot be started or used, the worker starts cold; a
zygote that died is started again for the next submission.
"""

from __future__ import annotations

import dataclasses
import json
import os
import selectors
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import SandboxConfig, worker_env
from .isolation import kill_leftovers
from .zygote import LOST, WarmProcess, start_warm

RESPONSE_STEMS = ("response.json", "response.npz")
STARTUP_SECONDS = 20.0


@dataclasses.dataclass
class WorkerRun:
    """What happened to one worker process."""

    finished: bool  # announced "done" (a response should exist)
    culprit: str | None  # the step it was in when it died or hung ("c4", "x:sigmoid", "setup", ...)
    cause: str | None  # "timeout" | "cpu" | "memory" | "crash" | "exit" | "fatal" | None
    detail: str  # learner-facing description of the cause
    notes: list[str]
    stdout: bytes
    stderr: bytes
    seconds: float
    leftovers: list[int]  # pids still alive after cleanup (must be empty)
    warm: bool = False  # forked by the zygote (False: a fresh interpreter)


def run_job(workdir: Path, config: SandboxConfig, *, uid: int | None, budget: float, token: str = "",
            warm: bool | None = None) -> WorkerRun:
    """Run the worker on ``workdir`` (already holding job.json/job.npz) within ``budget`` seconds.

    ``warm`` (default ``config.warm_start``): fork the worker from this grader's zygote when it can be used.
    A run whose zygote died under it, so that its outcome is unknown, has ``cause == "zygote"``: the caller
    runs it again (cold)."""
    if warm is None:
        warm = config.warm_start
    workdir = str(workdir)
    for name in RESPONSE_STEMS:  # never read a response left by an earlier attempt
        try:
            os.unlink(os.path.join(workdir, name))
        except FileNotFoundError:
            pass
    t0 = time.monotonic()
    proc, read_fd = None, -1
    if warm:
        proc, read_fd = start_warm(workdir)
        if proc is LOST:  # the zygote took the request and vanished: a child may exist, so no cold start here
            leftovers = kill_leftovers(uid=uid, sid=-1)
            return WorkerRun(False, "start", "zygote", "the grader lost track of the worker", [], b"", b"",
                             time.monotonic() - t0, leftovers, warm=True)
    if proc is None:
        proc, read_fd = _start_cold(workdir)
    sid = proc.pid
    out_buf, err_buf = bytearray(), bytearray()
    caps = {proc.stdout.fileno(): out_buf, proc.stderr.fileno(): err_buf}
    progress_buf = bytearray()
    step, step_started = "start", t0
    notes: list[str] = []
    finished = False
    fatal = ""
    timed_out = None
    sel = selectors.DefaultSelector()
    for fd in (proc.stdout.fileno(), proc.stderr.fileno(), read_fd):
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    open_fds = 3
    step_limit = config.effective_step_timeout
    progress_bytes = 0
    try:
        while open_fds:
            now = time.monotonic()
            # Start-up (interpreter, numpy, IPython, confinement) runs no learner code: a loaded machine gets slack.
            limit = max(step_limit, STARTUP_SECONDS) if step in ("start", "setup") else step_limit
            deadline = min(t0 + budget, step_started + limit)
            if now >= deadline:
                timed_out = "step" if step_started + limit <= t0 + budget else "budget"
                step_limit = limit
                break
            events = sel.select(timeout=min(0.25, deadline - now))
            for key, _ in events:
                fd = key.fd
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    sel.unregister(fd)
                    open_fds -= 1
                    continue
                if fd == read_fd:
                    progress_bytes += len(chunk)
                    if progress_bytes > 1 << 20:  # a learner flooding the progress pipe: stop listening
                        sel.unregister(fd)
                        open_fds -= 1
                        continue
                    progress_buf += chunk
                    while b"\n" in progress_buf:
                        line, _, rest = bytes(progress_buf).partition(b"\n")
                        progress_buf = bytearray(rest)
                        text = line.decode("utf-8", "replace")
                        if text.startswith("step "):
                            step, step_started = text[5:].strip()[:200], time.monotonic()
                        elif text == f"done {token}":
                            finished = True
                            step = "done"
                        elif text.startswith("note ") and step in ("start", "setup"):  # before learner code only
                            if len(notes) < 20:
                                notes.append(text[5:][:500])
                        elif text.startswith("fatal "):  # learner code can write this pipe: fixed words only
                            from autograder import learner_text  # (grader side only: the worker imports runner)

                            fatal = learner_text.fatal(text[6:])
                else:
                    buf = caps[fd]
                    room = config.max_output_bytes - len(buf)
                    if room > 0:
                        buf += chunk[:room]
    except BaseException:  # the grader itself is stopped (Ctrl-C twice, SIGTERM): the worker must not outlive
        try:               # it and keep writing into the folder the caller is about to remove
            os.killpg(sid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        kill_leftovers(uid=uid, sid=sid)
        raise
    # The worker has closed its pipes (or we gave up on it): make sure it is gone, and all it started.
    if proc.poll() is None and not timed_out:
        # Every pipe is closed but the process lives on (learner code closed its descriptors): without step
        # announcements left, only the submission's budget bounds it.
        try:
            proc.wait(timeout=max(0.1, t0 + budget - time.monotonic()) if not finished else 2.0)
        except subprocess.TimeoutExpired:
            timed_out = "budget"
    try:
        os.killpg(sid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    returncode = proc.wait()
    leftovers = kill_leftovers(uid=uid, sid=sid)
    sel.close()
    os.close(read_fd)
    proc.stdout.close()
    proc.stderr.close()
    seconds = time.monotonic() - t0

    cause, detail = None, ""
    if returncode is None and not finished:  # the zygote died: nobody knows how the worker ended
        cause, detail = "zygote", "the grader lost track of the worker"
    elif timed_out and not finished:
        cause = "timeout"
        limit = step_limit if timed_out == "step" else budget
        detail = f"it was still running after {limit:g} s (wall-clock limit) and was stopped"
    elif not finished:
        if fatal:
            cause, detail = "fatal", f"the grader's worker failed: {fatal}"
        elif returncode < 0:
            sig = -returncode
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            if sig == signal.SIGXCPU:
                cause, detail = "timeout", f"it used more than {config.effective_cpu_seconds} s of CPU time"
            elif sig == signal.SIGKILL:
                cause, detail = "memory", "the process was killed (SIGKILL), most likely for running out of memory"
            else:
                cause, detail = "crash", f"the Python process crashed ({name})"
        else:
            cause, detail = "exit", f"it ended the Python process (exit code {returncode})"
    return WorkerRun(finished, None if finished else step, cause, detail, notes, bytes(out_buf), bytes(err_buf),
                     seconds, leftovers, warm=isinstance(proc, WarmProcess))


# --------------------------------------------------------------------------------------------------
# starting the worker: a fresh interpreter (cold) or a fork of the zygote (warm)
# --------------------------------------------------------------------------------------------------
def _start_cold(workdir: str):
    read_fd, write_fd = os.pipe()
    cmd = [sys.executable, "-I", "-B", "-m", "autograder.sandbox.worker", workdir, str(write_fd)]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                pass_fds=(write_fd,), start_new_session=True, env=worker_env(workdir),
                                cwd=workdir, close_fds=True)
    finally:
        os.close(write_fd)
    return proc, read_fd


def read_capped_regular(path: str, cap: int) -> bytes:
    """Read a file written by the worker, refusing symlinks, FIFOs, devices and anything over ``cap`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{os.path.basename(path)} is not a regular file")
        if st.st_size > cap:
            raise ValueError(f"{os.path.basename(path)} is {st.st_size} bytes, over the {cap} byte limit")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise ValueError(f"{os.path.basename(path)} grew over the {cap} byte limit")
        return b"".join(chunks)
    finally:
        os.close(fd)
