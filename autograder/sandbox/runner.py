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

import atexit
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
import threading
import time
from pathlib import Path

from .config import SandboxConfig
from .isolation import kill_leftovers

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


def worker_env(workdir: str) -> dict:
    threads = "1"
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
        "NUMEXPR_NUM_THREADS": threads, "VECLIB_MAXIMUM_THREADS": threads, "MPLBACKEND": "Agg",
        "IPYTHONDIR": os.path.join(workdir, ".ipython"), "MPLCONFIGDIR": os.path.join(workdir, ".matplotlib"),
        "JUPYTER_PLATFORM_DIRS": "1", "PYTHONHASHSEED": "0", "TERM": "dumb",
    }


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
        proc, read_fd = _start_warm(workdir)
        if proc is _LOST:  # the zygote took the request and vanished: a child may exist, so no cold start here
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
                     seconds, leftovers, warm=isinstance(proc, _WarmProcess))


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


class _WarmProcess:
    """The grader's handle on a worker forked by the zygote: what the runner uses of ``subprocess.Popen``
    (pid, stdout, stderr, poll, wait). ``returncode`` is None when the zygote died before reporting it."""

    def __init__(self, zygote: Zygote, pid: int, stdout_fd: int, stderr_fd: int):
        self.zygote, self.pid = zygote, pid
        self.stdout = os.fdopen(stdout_fd, "rb", buffering=0)
        self.stderr = os.fdopen(stderr_fd, "rb", buffering=0)
        self.returncode: int | None = None
        self.done = False

    def poll(self):
        if not self.done:
            self._collect(0.0)
        return self.returncode if self.done else None

    def wait(self, timeout: float | None = None):
        if not self.done:
            self._collect(ZYGOTE_REPLY_SECONDS if timeout is None else timeout)
            if not self.done:
                if timeout is not None:
                    raise subprocess.TimeoutExpired("worker", timeout)
                self.zygote.close()  # it does not answer: it is not to be trusted with another child
                self.done = True
        return self.returncode

    def _collect(self, timeout: float) -> None:
        try:
            message = self.zygote.receive(timeout)
        except ZygoteLost:
            self.done = True  # returncode stays None
            return
        if message is not None:
            status = message.get("status")
            self.returncode = os.waitstatus_to_exitcode(status) if type(status) is int else None
            self.done = True


_LOST = object()


def prepare_warm_start() -> bool:
    """Make sure this thread's zygote runs (starting it costs a few seconds of imports, which should not be
    charged to a submission's time limit); False when warm starts are unavailable here."""
    return Zygote.for_this_thread() is not None


def _start_warm(workdir: str):
    """Fork the worker from this thread's zygote; (None, -1) when no zygote can be used (start cold), (_LOST, -1)
    when the zygote failed after taking the request (whether it forked is unknown)."""
    zygote = Zygote.for_this_thread()
    if zygote is None:
        return None, -1
    fds = [os.pipe(), os.pipe(), os.pipe()]  # stdout, stderr, progress
    outcome = None
    try:
        pid = zygote.spawn(workdir, [w for _, w in fds])
    except ZygoteLost as exc:
        pid, outcome = None, (_LOST if exc.sent else None)
    finally:
        for _, w in fds:
            os.close(w)
    if pid is None:
        for r, _ in fds:
            os.close(r)
        return outcome, -1
    (out_r, _), (err_r, _), (progress_r, _) = fds
    return _WarmProcess(zygote, pid, out_r, err_r), progress_r


ZYGOTE_READY_SECONDS = 90.0  # imports on a loaded machine
ZYGOTE_REPLY_SECONDS = 10.0
ZYGOTE_MAX_FAILURES = 3  # starts that failed in a row before this process gives up on warm starts


class ZygoteLost(RuntimeError):
    """The zygote is gone or broke the protocol (``sent``: after it was handed a request)."""

    sent = False


class Zygote:
    """The grader's end of one zygote process (``autograder.sandbox.zygote``): start, fork a worker, reap."""

    _local = threading.local()
    _failures = 0

    def __init__(self):
        self.owner = os.getpid()
        self.home = tempfile.mkdtemp(prefix="autograder-zygote-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        try:
            cmd = [sys.executable, "-I", "-B", "-m", "autograder.sandbox.zygote", str(theirs.fileno()), self.home]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
                                         start_new_session=True, env=worker_env(self.home), cwd=self.home,
                                         close_fds=True)
        except BaseException:
            ours.close()
            shutil.rmtree(self.home, ignore_errors=True)
            raise
        finally:
            theirs.close()
        _ZYGOTES.append(self)
        try:
            ready = self.receive(ZYGOTE_READY_SECONDS)
            if ready is None or ready.get("ready") != self.proc.pid:
                raise ZygoteLost(f"the zygote did not start: {ready!r}")
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    @classmethod
    def for_this_thread(cls) -> Zygote | None:
        """This thread's live zygote, started when needed; None when zygotes do not work here."""
        zygote = getattr(cls._local, "zygote", None)
        if zygote is not None and (zygote.owner != os.getpid() or not zygote.alive()):
            if zygote.owner == os.getpid():
                zygote.close()
            zygote = cls._local.zygote = None  # a fork of the grader must not use its parent's
        if zygote is None:
            if cls._failures >= ZYGOTE_MAX_FAILURES:
                return None
            try:
                zygote = cls._local.zygote = Zygote()
                cls._failures = 0
            except (OSError, ZygoteLost, ValueError):
                cls._failures += 1
                return None
        return zygote

    def alive(self) -> bool:
        return self.sock is not None and self.proc.poll() is None

    def spawn(self, workdir: str, fds: list[int]) -> int:
        if not self.alive():
            raise ZygoteLost("the zygote is not running")
        try:
            socket.send_fds(self.sock, [json.dumps({"workdir": workdir}).encode()], fds)
        except OSError as exc:  # not delivered: nothing was forked
            self.close()
            raise ZygoteLost(str(exc)) from exc
        try:
            reply = self.receive(ZYGOTE_REPLY_SECONDS)
            if reply is None or type(reply.get("pid")) is not int:
                self.close()  # a child it forked meanwhile is killed by the zygote when it sees the socket close
                raise ZygoteLost(f"the zygote did not fork: {reply!r}")
        except ZygoteLost as exc:
            exc.sent = True
            raise
        return reply["pid"]

    def receive(self, timeout: float) -> dict | None:
        """The next message, or None after ``timeout`` seconds; ZygoteLost when the zygote is gone."""
        if self.sock is None:
            raise ZygoteLost("the zygote was closed")
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 16)
        except (TimeoutError, BlockingIOError):
            return None
        except OSError as exc:
            self.close()
            raise ZygoteLost(str(exc)) from exc
        if not data:
            self.close()
            raise ZygoteLost("the zygote ended")
        try:
            message = json.loads(data)
        except ValueError as exc:
            self.close()
            raise ZygoteLost("the zygote sent garbage") from exc
        if type(message) is not dict or "error" in message:
            self.close()
            raise ZygoteLost(f"the zygote failed: {message!r}"[:500])
        return message

    def close(self) -> None:
        """Stop the zygote (closing its socket ends it; a child it still runs is killed by it)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.owner == os.getpid():
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.home, ignore_errors=True)
        if self in _ZYGOTES:
            _ZYGOTES.remove(self)


_ZYGOTES: list[Zygote] = []  # started by this process (closed at exit)


@atexit.register
def _close_zygotes() -> None:
    for zygote in _ZYGOTES.copy():
        if zygote.owner == os.getpid():
            zygote.close()


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
