"""A warm start for the worker: a fork server that has already imported the trusted libraries, and its client.

This module holds both ends: the fork server (``main``, run as ``python -I -B -m autograder.sandbox.zygote``) and
the grader's side of it (``Zygote``: start one per grader process and thread, ask it to fork a worker, reap;
``start_warm`` hands ``sandbox/runner.run_job`` a ``WarmProcess`` that it treats like a ``subprocess.Popen``).

Starting ``python -m autograder.sandbox.worker`` costs 2-3 s per submission, nearly all of it importing numpy,
pandas, scikit-learn, matplotlib and IPython. The zygote (``python -I -B -m autograder.sandbox.zygote FD HOME``,
started by the grader with ``subprocess`` like the cold worker, one per grader process and thread) imports
those once, with every BLAS/OpenMP pool pinned to one thread, and then only forks: one child per worker run.

What the zygote is, and is not:

- It never runs learner code and never reads a job: it holds nothing but trusted third-party modules and the
  public half of ``autograder`` (the instructor side is never imported, and it checks that). It does not
  instantiate IPython's shell, pyplot figures or anything else a learner would touch: those are created by the
  child, after confinement, exactly as in the cold worker.
- It forks only while it has a single thread (checked before every fork), so no lock is inherited held.
- The child does, in this order: ``setsid``; its stdin/stdout/stderr and progress pipe (received from the
  grader over the control socket, SCM_RIGHTS) on fds 0-3; every other descriptor closed (the control socket
  among them); the worker's scrubbed environment; a fresh seed for numpy's legacy global generator (the
  zygote's would otherwise be shared by every child); then ``worker.run``: the SAME code the cold worker runs
  (job file read and deleted, ``isolation.confine``, import guard, cells, probes, token). There is no second
  copy of the confinement.
- The grader keeps every responsibility it has with a cold worker: the child's pid is its session id (killpg),
  the grader enforces all timeouts and kills everything of the slot uid afterwards; the zygote only reaps its
  child and reports the wait status. The zygote (root when the grader is root, in the grader's own session)
  is out of the child's reach: another uid, hidden by ``/proc`` hidepid, unkillable by the slot uid.
- It is not dumpable (no ptrace, no /proc/PID/mem from the grader's uid, which is the workers' uid when the
  grader is not root); each child makes itself dumpable again first, as a freshly started worker is.
- It ends when the grader closes the control socket (the grader exits, or drops it); a child still running at
  that moment is killed first.

Protocol on the control socket (AF_UNIX, SOCK_SEQPACKET; one message per datagram, JSON):
    zygote -> grader  {"ready": pid} once the imports are done (or {"error": text} and exit)
    grader -> zygote  {"workdir": path} with 3 descriptors attached (stdout, stderr, progress write ends)
    zygote -> grader  {"pid": child_pid}, then {"status": wait_status} when that child has ended
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from .config import worker_env

#: Imported once in the zygote: trusted libraries and the public runtime (never course_lib, never the
#: instructor side of autograder). A module that fails to import is skipped (the child imports it itself).
PRELOAD = (
    "numpy", "pandas", "scipy", "scipy.special", "sklearn", "sklearn.base", "sklearn.datasets",
    "sklearn.exceptions", "sklearn.linear_model", "sklearn.metrics", "sklearn.model_selection",
    "sklearn.neural_network", "sklearn.preprocessing", "matplotlib", "matplotlib.pyplot",
    "IPython", "IPython.core.interactiveshell", "traitlets.config",
    "mlxtend.data", "autograder", "autograder.encode", "autograder.compare", "autograder.probes",
    "autograder.public", "autograder.sandbox.isolation", "autograder.sandbox.runner", "autograder.sandbox.worker",
)
MAX_MESSAGE = 1 << 16
PR_SET_DUMPABLE = 4


def _libc():
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # pragma: no cover - no /proc: trust the interpreter's count
        return threading.active_count()


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(Exception):  # not importable here: the child imports it when a cell needs it
            importlib.import_module(name)
    from autograder.sandbox.config import is_hidden_module

    leaked = [m for m in sys.modules if is_hidden_module(m)]
    if leaked:
        raise RuntimeError(f"the zygote imported instructor-side modules: {leaked[:5]}")


def _child(workdir: str, fds: list[int]) -> None:
    """In the forked child: become a fresh worker process, then run the worker's own code. Never returns."""
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        out, err, progress = fds
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.dup2(progress, 3)
        os.closerange(4, max(4, os.sysconf("SC_OPEN_MAX")))
        _libc().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # as a cold worker is (confine()'s uid drop clears it)
        os.environ.clear()
        os.environ.update(worker_env(workdir))
        os.chdir(workdir)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        if "numpy" in sys.modules:  # the legacy global RandomState was seeded once, in the zygote
            sys.modules["numpy"].random.seed()
        from autograder.sandbox import worker

        worker.MAIN_PID = os.getpid()
        worker.FORKED = True
        sys.argv = [worker.__file__, workdir, "3"]
    except BaseException:  # noqa: BLE001 - nothing to report to: the grader sees an exit without "done"
        os._exit(71)
    worker.run(sys.argv)  # exits


def _wait(pid: int, sock: socket.socket) -> int | None:
    """Wait for the child; None when the grader went away meanwhile (the child is then killed)."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        while True:
            watch = [sock] + ([pidfd] if pidfd is not None else [])
            ready, _, _ = select.select(watch, [], [], 0.05 if pidfd is None else None)
            if pidfd is not None and pidfd in ready or pidfd is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    return status
            if sock in ready:
                try:
                    data = sock.recv(MAX_MESSAGE)
                except OSError:
                    data = b""
                if not data:  # the grader is gone: take the child with us
                    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                        try:
                            kill()
                        except OSError:
                            pass
                    os.waitpid(pid, 0)
                    return None
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _send(sock: socket.socket, message: dict) -> None:
    sock.send(json.dumps(message).encode())


def main(argv: list[str]) -> int:
    sock = socket.socket(fileno=int(argv[1]))
    # Not dumpable: a process of the grader's uid (a worker when the grader is not root) cannot ptrace the
    # zygote or write its memory to plant code in the workers forked after it.
    _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    try:
        _preload()
        if _threads() != 1:
            raise RuntimeError(f"the zygote runs {_threads()} threads after its imports; it must have one to fork")
    except BaseException as exc:  # noqa: BLE001
        _send(sock, {"error": f"{type(exc).__name__}: {exc}"[:500]})
        return 1
    sys.stdout.flush()
    sys.stderr.flush()
    _send(sock, {"ready": os.getpid()})
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
        except OSError:
            return 0
        if not data:
            for fd in fds:
                os.close(fd)
            return 0
        try:
            request = json.loads(data)
            workdir = request["workdir"]
            if type(workdir) is not str or len(fds) != 3:
                raise ValueError("a request is a workdir and three descriptors")
            if _threads() != 1:
                raise RuntimeError("the zygote is no longer single-threaded")
        except (ValueError, KeyError, TypeError, RuntimeError) as exc:
            for fd in fds:
                os.close(fd)
            _send(sock, {"error": str(exc)[:500]})
            continue
        pid = os.fork()
        if pid == 0:
            _child(workdir, fds)
        for fd in fds:
            os.close(fd)
        _send(sock, {"pid": pid})
        status = _wait(pid, sock)
        if status is None:
            return 0
        _send(sock, {"status": status})


# --------------------------------------------------------------------------------------------------
# the grader's side: start a zygote, fork a worker from it, reap
# --------------------------------------------------------------------------------------------------
class WarmProcess:
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


LOST = object()


def prepare_warm_start() -> bool:
    """Make sure this thread's zygote runs (starting it costs a few seconds of imports, which should not be
    charged to a submission's time limit); False when warm starts are unavailable here."""
    return Zygote.for_this_thread() is not None


def start_warm(workdir: str):
    """Fork the worker from this thread's zygote; (None, -1) when no zygote can be used (start cold), (LOST, -1)
    when the zygote failed after taking the request (whether it forked is unknown)."""
    zygote = Zygote.for_this_thread()
    if zygote is None:
        return None, -1
    fds = [os.pipe(), os.pipe(), os.pipe()]  # stdout, stderr, progress
    outcome = None
    try:
        pid = zygote.spawn(workdir, [w for _, w in fds])
    except ZygoteLost as exc:
        pid, outcome = None, (LOST if exc.sent else None)
    finally:
        for _, w in fds:
            os.close(w)
    if pid is None:
        for r, _ in fds:
            os.close(r)
        return outcome, -1
    (out_r, _), (err_r, _), (progress_r, _) = fds
    return WarmProcess(zygote, pid, out_r, err_r), progress_r


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
def close_zygotes() -> None:
    """Stop every zygote this process started and wait for it (at exit; a pool process, which ends without
    atexit, calls it from a ``multiprocessing`` finalizer)."""
    for zygote in _ZYGOTES.copy():
        if zygote.owner == os.getpid():
            zygote.close()


if __name__ == "__main__":
    try:
        code = main(sys.argv)
    except BaseException:  # noqa: BLE001
        code = 1
    if len(sys.argv) > 2:  # its private home (matplotlib's cache): the grader may have ended without removing it
        shutil.rmtree(sys.argv[2], ignore_errors=True)
    os._exit(code)
