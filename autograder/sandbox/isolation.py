"""The layers that confine a worker, and the parent's tools to make sure nothing outlives it.

Child side (run inside the worker, as root when the grader is root, BEFORE any learner code):
    ``confine(plan)``: private mount/network/IPC namespaces with the answer key, the instructor's
    files, the other submissions and the grade files hidden under empty tmpfs mounts; private
    /tmp, /var/tmp and /dev/shm; no-new-privileges; resource limits; then the drop to the slot's
    unprivileged uid/gid. Every layer that this machine refuses is reported as a note, never
    silently skipped (``isolate="strict"`` turns a refusal into an error).

Parent side:
    ``worker_slot()`` hands out a slot (and so a uid) that no other grader process on this machine
    holds, ``kill_leftovers()`` kills every process of a worker (its uid when we could drop to one,
    else its session and process group) and checks that none is left.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import errno
import fcntl
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4

MAX_SLOTS = 512


class ConfinementError(RuntimeError):
    """A layer required by ``isolate="strict"`` could not be set up."""


@dataclasses.dataclass(frozen=True)
class ConfinePlan:
    """What the worker must do to itself before running learner code (sent as JSON)."""

    workdir: str
    uid: int | None  # None: do not change uid (grader is not root)
    gid: int | None
    hide_dirs: tuple[str, ...] = ()
    hide_files: tuple[str, ...] = ()
    memory_bytes: int = 2 << 30
    cpu_seconds: int = 65
    file_bytes: int = 64 << 20
    nproc: int = 64
    nofile: int = 256
    strict: bool = False
    namespaces: bool = True
    expose: tuple[str, ...] = ()  # paths the worker needs (the Python installation) even under a 0700 parent

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ConfinePlan:
        fields = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in fields}
        kwargs["hide_dirs"] = tuple(kwargs.get("hide_dirs", ()))
        kwargs["hide_files"] = tuple(kwargs.get("hide_files", ()))
        kwargs["expose"] = tuple(kwargs.get("expose", ()))
        return cls(**kwargs)


# --------------------------------------------------------------------------------------------------
# child side
# --------------------------------------------------------------------------------------------------
def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(libc, source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    enc = lambda s: None if s is None else s.encode()
    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def confine(plan: ConfinePlan) -> tuple[str, list[str]]:
    """Confine the current process; returns (the workdir as seen afterwards, notes on refused layers)."""
    notes: list[str] = []

    def refused(layer: str, exc: BaseException) -> None:
        msg = f"{layer} not available here ({exc}); continuing without it"
        if plan.strict:
            raise ConfinementError(msg)
        notes.append(msg)

    libc = _libc()
    workdir = plan.workdir
    if plan.uid is not None and plan.namespaces:
        try:
            _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        except OSError as exc:
            refused("private mount namespace", exc)
        else:
            workdir = _hide_and_privatise(libc, plan, notes, refused)
        for flag, layer in ((CLONE_NEWNET, "private network namespace (no network)"),
                            (CLONE_NEWIPC, "private IPC namespace"), (CLONE_NEWUTS, "private UTS namespace")):
            try:
                _check(libc.unshare(flag), layer)
            except OSError as exc:
                refused(layer, exc)
    elif plan.uid is None:
        notes.append("grader is not root: no privilege drop, no mount namespace; the worker runs with the "
                     "grader's uid and can read what the grader can read (rlimits, a fresh working directory "
                     "and the import guard still apply)")
    try:
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    except OSError as exc:
        refused("no-new-privileges", exc)
    _set_limits(plan, refused)
    uid = plan.uid
    if uid is not None:
        # Without a mount namespace to expose it, a Python installed under a private directory (pyenv under
        # /root) would be unreadable after the drop: keep the grader's uid rather than a broken worker.
        unreachable = [p for p in (*plan.expose, workdir) if blocked_ancestor(p)]
        if unreachable:
            refused(f"privilege drop ({unreachable[0]} would be unreachable for uid {uid})",
                    PermissionError("a parent directory is private"))
            uid = None
    if uid is not None:
        try:
            os.chown(workdir, plan.uid, plan.gid)
            os.setgroups([])
            os.setresgid(plan.gid, plan.gid, plan.gid)
            os.setresuid(plan.uid, plan.uid, plan.uid)
        except OSError as exc:
            refused("privilege drop", exc)
            uid = None
        else:
            try:  # prove the drop cannot be undone
                os.setuid(0)
            except PermissionError:
                pass
            else:  # pragma: no cover - would mean the kernel ignored setresuid
                raise ConfinementError("privilege drop did not stick: setuid(0) succeeded")
    os.chdir(workdir)
    return workdir, notes


def _set_limits(plan: ConfinePlan, refused) -> None:
    limits = [
        (resource.RLIMIT_CORE, 0, "core dumps off"),
        (resource.RLIMIT_FSIZE, plan.file_bytes, "file size"),
        (resource.RLIMIT_NOFILE, plan.nofile, "open files"),
        (resource.RLIMIT_AS, plan.memory_bytes, "address space"),
        (resource.RLIMIT_CPU, plan.cpu_seconds, "CPU time"),
        (resource.RLIMIT_NPROC, plan.nproc, "number of processes"),
    ]
    for which, value, layer in limits:
        try:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY and value > hard:
                value = hard
            resource.setrlimit(which, (value, value))
        except (OSError, ValueError) as exc:
            refused(f"rlimit {layer}", exc)
    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _hide_and_privatise(libc, plan: ConfinePlan, notes: list[str], refused) -> str:
    try:
        _mount(libc, None, "/", None, MS_REC | MS_PRIVATE, None)
    except OSError as exc:
        refused("private mount propagation", exc)
        return plan.workdir
    work_fd = os.open(plan.workdir, os.O_PATH | os.O_DIRECTORY)
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    _expose(libc, plan, refused)
    for path in plan.hide_dirs:
        if not os.path.isdir(path):
            continue
        if _contains(path, plan.workdir):
            notes.append(f"not hiding {path}: it contains the worker's working directory")
            continue
        try:
            _mount(libc, "tmpfs", path, "tmpfs", flags, "size=4k,nr_inodes=4,mode=000")
        except OSError as exc:
            refused(f"hiding {path}", exc)
    for path in plan.hide_files:
        if not os.path.isfile(path):
            continue
        try:
            _mount(libc, "/dev/null", path, None, MS_BIND, None)
        except OSError as exc:
            refused(f"hiding {path}", exc)
    # Private temporary directories: nothing a worker leaves there reaches the next submission,
    # and the other workers' directories are out of sight. A Python environment or project that itself
    # lives under one of them (a CI clone in /tmp) is bind-mounted back, with the hiding mounts above
    # carried along (MS_REC), so the worker still imports what it needs and still sees nothing else.
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(tmp):
            try:
                _cover_keeping(libc, tmp, flags, "size=64m,mode=1777",
                               [p for p in _outermost(plan.expose) if _contains(tmp, p)])
            except OSError as exc:
                refused(f"private {tmp}", exc)
    # A private view of /proc: the worker sees its own uid's processes only (not the grader's command lines,
    # not the other workers).
    try:
        _mount(libc, "proc", "/proc", "proc", flags, "hidepid=2")
    except OSError as exc:
        refused("private /proc (hidepid)", exc)
    try:
        target = "/tmp/submission"
        os.mkdir(target, 0o700)
        _mount(libc, f"/proc/self/fd/{work_fd}", target, None, MS_BIND, None)
        return target
    except OSError as exc:
        refused("re-mounting the working directory", exc)
        return plan.workdir
    finally:
        os.close(work_fd)


def blocked_ancestor(path: str) -> str | None:
    """The first directory above ``path`` that an unprivileged user cannot traverse (e.g. /root), or None."""
    parts = os.path.realpath(path).split("/")[1:]
    current = ""
    for part in parts[:-1]:
        current += "/" + part
        try:
            if not os.stat(current).st_mode & 0o001:
                return current
        except OSError:
            return None
    return None


def _expose(libc, plan: ConfinePlan, refused) -> None:
    """Make the needed paths reachable for the dropped uid when a parent directory is private (pyenv's
    Python under /root): the parent is replaced by an empty tmpfs (hiding the rest of it) into which only
    the needed paths are bind-mounted back."""
    groups: dict[str, list[str]] = {}
    for path in sorted({os.path.realpath(p) for p in plan.expose}):
        anc = blocked_ancestor(path)
        if anc and not any(_contains(q, path) for q in groups.get(anc, [])):
            groups.setdefault(anc, []).append(path)
    for anc, paths in groups.items():
        try:
            _cover_keeping(libc, anc, MS_NOSUID | MS_NODEV, "size=64k,mode=0755", paths)
        except OSError as exc:
            refused(f"exposing the Python installation under {anc}", exc)


def _cover_keeping(libc, target: str, flags: int, options: str, keep: list[str]) -> None:
    """Cover ``target`` with an empty tmpfs, then bind-mount each path of ``keep`` (inside ``target``) back at
    its own path, with the mounts below it (MS_REC). Raises OSError when a mount is refused."""
    kept = [(p, os.open(p, os.O_PATH)) for p in keep]  # handles that still reach the paths once covered
    try:
        _mount(libc, "tmpfs", target, "tmpfs", flags, options)
        for p, fd in kept:
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(p, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(p), exist_ok=True)
                open(p, "w").close()
            _mount(libc, f"/proc/self/fd/{fd}", p, None, MS_BIND | MS_REC, None)
    finally:
        for _, fd in kept:
            os.close(fd)


def _outermost(paths) -> list[str]:
    """The real paths among ``paths`` that are not inside another one of them."""
    real = sorted({os.path.realpath(p) for p in paths})
    return [p for p in real if not any(q != p and _contains(q, p) for q in real)]


def _contains(parent: str, child: str) -> bool:
    parent, child = os.path.realpath(parent), os.path.realpath(child)
    return child == parent or child.startswith(parent.rstrip("/") + "/")


# --------------------------------------------------------------------------------------------------
# parent side
# --------------------------------------------------------------------------------------------------
def running_as_root() -> bool:
    return os.geteuid() == 0


MNT_DETACH = 2


def mount_workdir_tmpfs(path: str, size_mb: int) -> bool:
    """Put the worker's directory on its own size-limited tmpfs (root only): whatever the learner writes is
    bounded by ``size_mb`` and vanishes with it, instead of filling the grader's disk."""
    try:
        _mount(_libc(), "tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(size_mb)}m,mode=0700")
        return True
    except OSError:
        return False


def unmount(path: str) -> None:
    libc = _libc()
    libc.umount2(path.encode(), MNT_DETACH)


def uid_is_unassigned(uid: int) -> bool:
    """True when no account or group uses this id: its processes can only be our workers, so killing
    every process of that uid after a worker is safe."""
    import grp
    import pwd

    for lookup in (pwd.getpwuid, grp.getgrgid):
        try:
            lookup(uid)
            return False
        except KeyError:
            pass
    return True


@contextlib.contextmanager
def worker_slot(lock_dir: Path | None = None, usable=lambda slot: True):
    """Yield a slot number held exclusively by this process (file lock), so concurrent graders on
    one machine (``--jobs``, Dask workers) never share a worker uid. Slots failing ``usable`` are skipped."""
    lock_dir = Path(lock_dir or ("/run/autograder-slots" if running_as_root() else
                                 Path(os.environ.get("TMPDIR", "/tmp")) / f"autograder-slots-{os.getuid()}"))
    lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for slot in range(MAX_SLOTS):
        if not usable(slot):
            continue
        fd = os.open(lock_dir / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                continue
            raise
        try:
            yield slot
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    raise RuntimeError(f"all {MAX_SLOTS} worker slots are busy")


def _proc_entries():
    for name in os.listdir("/proc"):
        if name.isdigit():
            yield int(name)


def processes_of_uid(uid: int) -> list[int]:
    pids = []
    for pid in _proc_entries():
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        if uid in {int(x) for x in line.split()[1:]}:
                            pids.append(pid)
                        break
        except OSError:
            continue
    return pids


def processes_of_session(sid: int) -> list[int]:
    pids = []
    for pid in _proc_entries():
        try:
            with open(f"/proc/{pid}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 4 and (int(fields[2]) == sid or int(fields[3]) == sid) and pid != os.getpid():
            pids.append(pid)
    return pids


def kill_leftovers(*, uid: int | None, sid: int, deadline: float = 5.0) -> list[int]:
    """Kill everything the worker started; return the pids still alive after ``deadline`` (empty)."""
    if sid > 0:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(sid, signal.SIGKILL)
    if uid is not None and uid != 0:
        # kill(-1) issued AS the worker uid reaches all its processes atomically (a fork racing
        # the kill is stopped by the kernel), including those that escaped with setsid().
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(["/bin/kill", "-KILL", "-1"] if os.path.exists("/bin/kill") else
                           ["kill", "-KILL", "-1"], user=uid, group=uid, extra_groups=[],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5, check=False,
                           env={"PATH": "/usr/bin:/bin"})
    end = time.monotonic() + deadline
    while True:
        left = set(processes_of_session(sid)) if sid > 0 else set()  # also when the drop was refused
        if uid is not None and uid != 0:
            left |= set(processes_of_uid(uid))
        left = sorted(p for p in left if _alive(p))
        if not left or time.monotonic() > end:
            return left
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"
