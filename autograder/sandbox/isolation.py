"""The layers that confine a worker, and the parent's tools to make sure nothing outlives it.

Child side: ``confine(plan)`` is called by the worker (``worker.run``) BEFORE any learner code, as root when the
grader is root and as the grader's own uid otherwise. With namespaces (the default) it builds, in both modes:

    worker (W, the grader's child)    unshare: user namespace (only when not root: the grader's uid mapped to
       |                              itself), mount, PID, network, IPC and UTS namespaces; then waits and
       |                              reports the learner process's end as its own (exit code or signal).
       +-- init (I, pid 1)            builds the allow-list view and pivots into it, limits the number of
             |                        processes of the namespace, then reaps; when the learner process ends it
             |                        copies the answer out and exits, and the kernel kills every process left in
             |                        the namespace (``setsid`` + double fork included).
             +-- learner (J, pid 2)   no capabilities, no-new-privileges, rlimits, the slot uid when root;
                                      ``confine`` returns here and the worker goes on with the cells.

The allow-list view is a fresh read-only root holding only: the operating system's folders (/usr, /etc and the
/bin, /lib symlinks), the Python installation and the public half of the autograder (bound read-only at their
own paths, with the answer key and the instructor-side modules covered), a new /proc of the PID namespace, a
small /dev, and private size-capped tmpfs folders: /tmp, /var/tmp, /dev/shm and the work folder
/tmp/submission (the notebook copied in, the course data bound read-only). Nothing else of the machine exists
inside: not the course source, the submissions, the output folder, the gradebook, other users' homes,
/run/lock. The grader's copy of the work folder is never visible to the learner: init copies the answer files
out of the private one (regular files only, size-capped).

Fork bombs and memory: a cgroup v2 of the worker's own with ``pids.max`` and ``memory.max`` when the grader's
cgroup is a delegated cgroup v2 folder offering the pids and memory controllers (``find_delegated_cgroup``,
``worker_cgroup``); else RLIMIT_NPROC (counted per user namespace when not root, per slot uid as root). Both
with the PID namespace and its own ``pid_max`` (kernel >= 6.14). ``layers()`` says which bound is in force.

Every layer this machine refuses is reported as a note, never silently skipped (``strict`` turns a refusal into
an error); ``preflight()`` tells the grading command, before it grades anything, whether the namespaces work.

Parent side: ``worker_slot()`` hands out a slot (and so a uid, as root) that no other grader process on this
machine holds; ``kill_leftovers()`` kills the worker's session (which holds the namespace's init: killing it
kills the whole namespace) and, as root, every process of the slot uid, and checks that none is left.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import errno
import fcntl
import functools
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MOUNT_ATTR_NODEV = 0x4
# Syscalls glibc 2.36 has no wrapper for (numbers per architecture; mount_setattr is the same everywhere).
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
SYS_MOUNT_SETATTR = 442
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}.get(platform.machine())

MAX_SLOTS = 512
VIEW_WORKDIR = "/tmp/submission"  # the work folder as the learner sees it
SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
DEVICES = ("null", "zero", "full", "random", "urandom")
ANSWER_FILES = ("response.json", "response.npz")  # what init copies out of the private work folder
EXTRA_PIDS = 16  # pid_max above max_processes: the worker's own threads and the keeper
MIN_PID_MAX = 301  # the kernel's floor for pid_max (RESERVED_PIDS + 1)


def pid_max_for(nproc: int) -> int:
    """The PID namespace's pid_max: bounds every task (process or thread) of the worker at once."""
    return max(MIN_PID_MAX, nproc + EXTRA_PIDS)


class ConfinementError(RuntimeError):
    """A layer required by ``strict`` could not be set up."""


@dataclasses.dataclass(frozen=True)
class ConfinePlan:
    """What the worker must do to itself before running learner code (sent as JSON in the job).

    workdir : the grader's folder for this submission (the notebook under ``notebooks/``, the course data under
        ``data/``); with namespaces the learner never sees it: it works in a private copy.
    uid, gid : the slot's unprivileged ids when the grader is root; None keeps the grader's own.
    hide_dirs, hide_files : paths covered wherever they appear inside the view (instructor modules inside the
        exposed package, the answer key if installed in site-packages, a gradebook under /etc ...).
    expose : paths the worker needs (the Python installation, the public package), bound read-only.
    disk_bytes, tmp_bytes : sizes of the private work folder and of each private /tmp, /var/tmp, /dev/shm.
    answer_bytes : largest answer file copied out of the private work folder.
    cgroup : a cgroup v2 folder made for this worker (``worker_cgroup``) that it joins first; "" for none.
    """

    workdir: str
    uid: int | None
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
    expose: tuple[str, ...] = ()
    disk_bytes: int = 512 << 20
    tmp_bytes: int = 64 << 20
    answer_bytes: int = 64 << 20
    cgroup: str = ""

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ConfinePlan:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in fields}
        for name in ("hide_dirs", "hide_files", "expose"):
            kwargs[name] = tuple(kwargs.get(name, ()))
        return cls(**kwargs)


# --------------------------------------------------------------------------------------------------
# system calls
# --------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _libc():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _enc(s: str | None):
    return None if s is None else os.fsencode(s)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc().mount(_enc(source), _enc(target), _enc(fstype), ctypes.c_ulong(flags), _enc(data)),
           f"mount {target}")


def _unshare(flags: int, what: str) -> None:
    _check(_libc().unshare(flags), f"unshare({what})")


def _prctl(option: int, arg: int, what: str) -> None:
    _check(_libc().prctl(option, ctypes.c_ulong(arg), 0, 0, 0), what)


def _pivot_root(new_root: str, put_old: str) -> None:
    if SYS_PIVOT_ROOT is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown syscall number on {platform.machine()}")
    _check(_libc().syscall(SYS_PIVOT_ROOT, _enc(new_root), _enc(put_old)), "pivot_root")


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64),
                ("userns_fd", ctypes.c_uint64)]


def _make_read_only(path: str) -> None:
    """Read-only, nosuid, nodev for the mount at ``path`` and every mount below it."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0)
    ret = _libc().syscall(SYS_MOUNT_SETATTR, -100, _enc(path), AT_RECURSIVE, ctypes.byref(attr),
                          ctypes.sizeof(attr))
    if ret == 0:
        return
    if ctypes.get_errno() != errno.ENOSYS:
        _check(-1, f"mount_setattr {path}")
    # Kernels before 5.12: remount the top mount only, keeping the flags the kernel locked on it.
    locked = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC}
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
    f_flag = os.statvfs(path).f_flag
    flags |= sum(v for k, v in locked.items() if f_flag & k)
    _mount(None, path, None, flags)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    """Empty the bounding, ambient, effective, permitted and inheritable sets of this process."""
    libc = _libc()
    last_cap = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last_cap + 1):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            _check(-1, "prctl(PR_CAPBSET_DROP)")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    if SYS_CAPSET is None:
        raise OSError(errno.ENOSYS, f"capset: unknown syscall number on {platform.machine()}")
    _check(libc.syscall(SYS_CAPSET, ctypes.byref(header), ctypes.byref(data)), "capset")


def effective_capabilities() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


# --------------------------------------------------------------------------------------------------
# child side
# --------------------------------------------------------------------------------------------------
class _Refusals:
    """Collects the layers this machine refused (or raises at once when strict)."""

    def __init__(self, strict: bool):
        self.strict, self.notes = strict, []

    def __call__(self, layer: str, exc: BaseException) -> None:
        msg = f"{layer} not available here ({exc})"
        if self.strict:
            raise ConfinementError(msg)
        self.notes.append(msg)


def confine(plan: ConfinePlan, progress_fd: int = 3) -> tuple[str, list[str]]:
    """Confine the calling worker; returns (its work folder as seen from now on, notes on refused layers).

    With namespaces this forks twice (see the module docstring): the calling process and the namespace's init
    never return from here; only the learner process does. ``progress_fd``: the worker's progress pipe (a
    failure of the confinement is reported there as a ``fatal`` line; init and the keeper close it).
    """
    refused = _Refusals(plan.strict)
    if plan.cgroup:
        try:
            join_cgroup(plan.cgroup)
        except OSError as exc:
            refused("cgroup v2 pids/memory of the worker", exc)
    if plan.namespaces:
        try:
            return _confine_in_namespaces(plan, refused, progress_fd)
        except _NamespacesRefused as exc:
            refused("namespaces (user, mount, PID, network, IPC, UTS)", exc.__cause__ or exc)
            refused.notes.append(WEAK_NOTE)
    workdir = plan.workdir
    _limit_and_drop(plan, refused, workdir)
    os.chdir(workdir)
    return workdir, refused.notes


WEAK_NOTE = ("weaker isolation: without namespaces the worker sees what the grader's uid can see (other "
             "submissions, the answer key, the output folder) and a setsid + double fork can outlive the run")


class _NamespacesRefused(RuntimeError):
    pass


def _confine_in_namespaces(plan: ConfinePlan, refused: _Refusals, progress_fd: int) -> tuple[str, list[str]]:
    root = os.geteuid() == 0
    if _threads() != 1:
        raise _NamespacesRefused(f"the worker runs {_threads()} threads (unshare needs one)")
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    uid, gid = os.getuid(), os.getgid()
    try:
        _unshare(flags if root else flags | CLONE_NEWUSER, "user, mount, PID, network, IPC, UTS")
        if not root:  # the grader's uid (and gid) stay themselves inside; nothing else is mapped
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
            Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except OSError as exc:
        raise _NamespacesRefused(str(exc)) from exc
    status_r, status_w = os.pipe()
    alive_r, alive_w = os.pipe()
    init_pid = os.fork()
    if init_pid:
        os.close(status_w)
        os.close(alive_r)
        _keeper(init_pid, status_r, progress_fd)  # never returns
    os.close(status_r)
    os.close(alive_w)
    try:
        return _init(plan, refused, status_w, alive_r, progress_fd)
    except BaseException as exc:  # noqa: BLE001 - init must never fall through into the worker's code
        _say(progress_fd, f"fatal the worker's confinement failed: {type(exc).__name__}: {exc}"[:500])
        os._exit(70)


def _say(fd: int, line: str) -> None:
    """A line on the progress pipe from the confinement itself."""
    with contextlib.suppress(OSError):
        os.write(fd, (line.replace("\n", " ") + "\n").encode("utf-8", "replace"))


def _keeper(init_pid: int, status_r: int, progress_fd: int) -> None:
    """The worker process as the grader knows it: waits for the namespace's init and ends as the learner
    process ended (same exit code, or killed by the same signal). Runs no learner code."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2, progress_fd):
        os.dup2(devnull, fd)
    init_status = 70 << 8
    with contextlib.suppress(ChildProcessError):
        _, init_status = os.waitpid(init_pid, 0)
    try:
        raw = os.read(status_r, 4)
    except OSError:
        raw = b""
    status = struct.unpack("i", raw)[0] if len(raw) == 4 else init_status
    _end_like(status)


def _end_like(status: int) -> None:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(OSError, ValueError):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        time.sleep(0.5)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _init(plan: ConfinePlan, refused: _Refusals, status_w: int, alive_r: int,
          progress_fd: int) -> tuple[str, list[str]]:
    """Pid 1 of the new namespace: builds the view, forks the learner process (which returns), reaps."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "prctl(PR_SET_PDEATHSIG)")
    if select.select([alive_r], [], [], 0)[0]:  # the keeper died before the line above: nobody would kill us
        os._exit(70)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)  # pid 1 ignores what it has no handler for: nothing to catch
    host_dir = os.open(plan.workdir, os.O_RDONLY | os.O_DIRECTORY)
    _build_view(plan, refused, host_dir)
    _bound_pids(plan, refused)
    learner = os.fork()
    if learner == 0:
        for fd in (host_dir, status_w, alive_r):  # init's handles (the grader's folder among them)
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "prctl(PR_SET_PDEATHSIG)")
        _limit_and_drop(plan, refused, VIEW_WORKDIR, namespaced=True)
        os.chdir(VIEW_WORKDIR)
        return VIEW_WORKDIR, refused.notes
    # init: give up the grader's pipes (so that they close when the learner's processes end), its dumpability
    # and its capabilities (the learner process has the same uid when the grader is not root: no ptrace of init).
    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2, progress_fd):
        os.dup2(devnull, fd)
    os.close(devnull)
    _prctl(PR_SET_DUMPABLE, 0, "prctl(PR_SET_DUMPABLE)")
    if os.geteuid() != 0:  # (as root it keeps them to read the learner's folder: the learner has another uid)
        with contextlib.suppress(OSError):
            _drop_capabilities()
    status = 0
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == learner:
            break
    _copy_answer_out(host_dir, plan.answer_bytes)
    with contextlib.suppress(OSError):
        os.write(status_w, struct.pack("i", status))
    os._exit(0)  # the kernel now kills every process left in the namespace


def _copy_answer_out(host_dir: int, cap: int) -> None:
    for name in ANSWER_FILES:
        try:
            fd = os.open(os.path.join(VIEW_WORKDIR, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
                continue
            out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600, dir_fd=host_dir)
            try:
                left = cap
                while left > 0:
                    chunk = os.read(fd, min(1 << 20, left))
                    if not chunk:
                        break
                    os.write(out, chunk)
                    left -= len(chunk)
            finally:
                os.close(out)
        except OSError:
            continue
        finally:
            os.close(fd)


def _limit_and_drop(plan: ConfinePlan, refused: _Refusals, workdir: str, namespaced: bool = False) -> None:
    """The learner process's own layers: no-new-privileges, rlimits, no capabilities, the slot uid as root."""
    try:
        _prctl(PR_SET_NO_NEW_PRIVS, 1, "prctl(PR_SET_NO_NEW_PRIVS)")
    except OSError as exc:
        refused("no-new-privileges", exc)
    _set_limits(plan, refused)
    if plan.uid is not None and os.geteuid() == 0:
        _drop_uid(plan, refused, workdir, namespaced)
    elif namespaced:
        try:
            _drop_capabilities()
        except OSError as exc:
            refused("dropping the capabilities held in the user namespace", exc)
    if not namespaced and plan.uid is None and os.geteuid() != 0:
        refused.notes.append("grader is not root and namespaces are off: the worker keeps the grader's uid")


def _drop_uid(plan: ConfinePlan, refused: _Refusals, workdir: str, namespaced: bool) -> None:
    if not namespaced:
        unreachable = [p for p in (*plan.expose, workdir) if blocked_ancestor(p)]
        if unreachable:  # a Python under /root would be unreadable after the drop: keep a working worker
            refused(f"privilege drop ({unreachable[0]} would be unreachable for uid {plan.uid})",
                    PermissionError("a parent directory is private"))
            return
    try:
        os.chown(workdir, plan.uid, plan.gid)
        os.setgroups([])
        os.setresgid(plan.gid, plan.gid, plan.gid)
        os.setresuid(plan.uid, plan.uid, plan.uid)
    except OSError as exc:
        refused("privilege drop", exc)
        return
    try:  # prove the drop cannot be undone
        os.setuid(0)
    except PermissionError:
        return
    raise ConfinementError("privilege drop did not stick: setuid(0) succeeded")  # pragma: no cover


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


def _kernel_at_least(major: int, minor: int) -> bool:
    try:
        found = tuple(int(x) for x in os.uname().release.split("-")[0].split(".")[:2])
    except ValueError:
        return False
    return found >= (major, minor)


def _bound_pids(plan: ConfinePlan, refused: _Refusals) -> None:
    """Limit the namespace itself: its own pid_max, and (in a user namespace) no nested user namespaces.

    Both sysctls are per namespace only on kernels that say so: pid_max since 6.14 (before, it is the
    machine's, which root must never lower), user.max_user_namespaces in a user namespace."""
    if _kernel_at_least(6, 14):
        try:
            Path("/proc/sys/kernel/pid_max").write_text(str(pid_max_for(plan.nproc)))
        except OSError as exc:
            refused("pid_max of the PID namespace", exc)
    else:
        refused.notes.append("no pid_max of its own for the PID namespace (kernel 6.14 or later)")
    if os.geteuid() != 0:
        with contextlib.suppress(OSError):
            Path("/proc/sys/user/max_user_namespaces").write_text("0")


# ----- cgroup v2: a bound on the worker's processes and memory, where a cgroup is delegated ------------------
CGROUP_CONTROLLERS = ("pids", "memory")
CGROUP_WORKER_PREFIX = "autograder-worker-"
CGROUP_GRADER_PREFIX = "autograder-grader-"


@dataclasses.dataclass(frozen=True)
class CgroupDelegation:
    """Where worker cgroups can be made: ``path`` (a cgroup v2 folder), or None and ``reason`` why not."""

    path: str | None
    reason: str = ""


def _unescape_mount_path(field: str) -> str:
    """A path field of /proc/self/mountinfo (spaces and the like written as octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _cgroup2_mounts(mountinfo: str) -> list[tuple[str, str]]:
    """(root of the mount inside the hierarchy, mount point) of every cgroup2 mount listed in ``mountinfo``."""
    mounts = []
    for line in Path(mountinfo).read_text().splitlines():
        fields = line.split()
        if "-" in fields and fields.index("-") + 1 < len(fields) and fields[fields.index("-") + 1] == "cgroup2":
            mounts.append((_unescape_mount_path(fields[3]), _unescape_mount_path(fields[4])))
    return mounts


def find_delegated_cgroup(proc_cgroup: str = "/proc/self/cgroup",
                          mountinfo: str = "/proc/self/mountinfo") -> CgroupDelegation:
    """The calling process's own cgroup v2 folder when worker cgroups can be made in it, else why not.

    Usable means: the process's cgroup (the ``0::`` line of ``proc_cgroup``) lies under a cgroup2 mount (from
    ``mountinfo``), its ``cgroup.controllers`` offers pids and memory, and this process may create a child in it
    (write access to the folder, to ``cgroup.subtree_control`` and to ``cgroup.procs``: a delegated subtree, or
    root). Pure reading: the paths are parameters so that a fake tree can stand in for /proc and /sys.
    """
    try:
        lines = Path(proc_cgroup).read_text().splitlines()
    except OSError as exc:
        return CgroupDelegation(None, f"{proc_cgroup} cannot be read ({exc.strerror})")
    own = next((line[3:] for line in lines if line.startswith("0::")), None)
    if own is None:
        return CgroupDelegation(None, "the process is in no cgroup v2 hierarchy (cgroup v1 only)")
    try:
        mounts = _cgroup2_mounts(mountinfo)
    except OSError as exc:
        return CgroupDelegation(None, f"{mountinfo} cannot be read ({exc.strerror})")
    folder = None
    for root, point in mounts:
        if own == root or own.startswith(root.rstrip("/") + "/"):
            folder = os.path.normpath(os.path.join(point, own[len(root.rstrip("/")):].lstrip("/")))
            break
    if folder is None or not os.path.isdir(folder):
        return CgroupDelegation(None, f"the process's cgroup v2 {own!r} is not mounted here")
    try:
        offered = Path(folder, "cgroup.controllers").read_text().split()
    except OSError as exc:
        return CgroupDelegation(None, f"{folder}/cgroup.controllers cannot be read ({exc.strerror})")
    lacking = [c for c in CGROUP_CONTROLLERS if c not in offered]
    if lacking:
        return CgroupDelegation(None, f"the cgroup v2 {folder} offers no {'/'.join(lacking)} controller "
                                      f"(cgroup.controllers: {' '.join(offered) or 'none'})")
    for path, mode in ((folder, os.W_OK | os.X_OK), (os.path.join(folder, "cgroup.subtree_control"), os.W_OK),
                       (os.path.join(folder, "cgroup.procs"), os.W_OK)):
        if not os.access(path, mode):
            return CgroupDelegation(None, f"the cgroup v2 {folder} is not delegated to this user ({path} is not "
                                          "writable)")
    return CgroupDelegation(folder)


def enable_worker_controllers(delegation: CgroupDelegation) -> CgroupDelegation:
    """Turn on pids and memory for the children of the delegated folder, so that each worker's cgroup has
    ``pids.max`` and ``memory.max``. cgroup v2 refuses that while the folder itself holds processes (the
    grader): the grader then moves itself into a leaf of its own (``autograder-grader-<pid>``) first."""
    if delegation.path is None:
        return delegation
    folder = delegation.path
    control = os.path.join(folder, "cgroup.subtree_control")
    want = " ".join(f"+{c}" for c in CGROUP_CONTROLLERS)
    try:
        if set(CGROUP_CONTROLLERS) <= set(Path(control).read_text().split()):
            return delegation
        try:
            Path(control).write_text(want)
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
            leaf = os.path.join(folder, f"{CGROUP_GRADER_PREFIX}{os.getpid()}")
            os.makedirs(leaf, exist_ok=True)
            Path(leaf, "cgroup.procs").write_text(str(os.getpid()))
            Path(control).write_text(want)
    except OSError as exc:
        return CgroupDelegation(None, f"the controllers of the cgroup v2 {folder} cannot be enabled for workers "
                                      f"({exc.strerror or exc}: it holds other processes)")
    return delegation


@functools.lru_cache(maxsize=1)
def delegated_cgroup() -> CgroupDelegation:
    """This grader process's delegation (found and prepared once per process)."""
    return enable_worker_controllers(find_delegated_cgroup())


@contextlib.contextmanager
def worker_cgroup(base: str, name: str, pids_max: int, memory_max: int):
    """Yield a new cgroup folder ``base/name`` with ``pids.max`` and ``memory.max`` (no swap), for one worker
    run; afterwards every process in it is killed (``cgroup.kill``) and the folder removed."""
    path = os.path.join(base, name)
    with contextlib.suppress(OSError):
        _remove_cgroup(path)  # left by a grader that was killed
    os.mkdir(path)
    try:
        Path(path, "pids.max").write_text(str(int(pids_max)))
        Path(path, "memory.max").write_text(str(int(memory_max)))
        with contextlib.suppress(OSError):
            Path(path, "memory.swap.max").write_text("0")
        yield path
    finally:
        with contextlib.suppress(OSError):
            _remove_cgroup(path)


def _remove_cgroup(path: str, deadline: float = 5.0) -> None:
    """Kill what is left in a worker cgroup and remove it (rmdir fails while a process is still exiting)."""
    if not os.path.isdir(path):
        return
    with contextlib.suppress(OSError):
        Path(path, "cgroup.kill").write_text("1")
    end = time.monotonic() + deadline
    while True:
        try:
            os.rmdir(path)
            return
        except OSError as exc:
            if exc.errno not in (errno.EBUSY, errno.ENOTEMPTY) or time.monotonic() > end:
                raise
        time.sleep(0.02)


def join_cgroup(path: str) -> None:
    """Move the calling process into the cgroup ``path`` (its children, and theirs, start in it)."""
    with open(os.path.join(path, "cgroup.procs"), "w") as fh:
        fh.write(str(os.getpid()))


def cgroup_limits(plan_memory: int, disk: int, tmp: int, nproc: int) -> tuple[int, int]:
    """(pids.max, memory.max) of a worker's cgroup: its processes and threads, and its address-space limit plus
    the private tmpfs folders it can fill (their pages are charged to it)."""
    return nproc + EXTRA_PIDS, plan_memory + disk + 3 * tmp


# ----- the allow-list view -----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Bind:
    target: str  # path inside the view
    fd: int  # O_PATH handle on the source, opened before anything was covered
    is_dir: bool
    writable: bool = False


def _build_view(plan: ConfinePlan, refused: _Refusals, host_dir: int) -> None:
    """Make a fresh read-only root holding only what the worker needs, and pivot into it (see the module
    docstring). Raises OSError when a mount that the view cannot do without is refused."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    binds, links = _view_sources(plan)
    data_fd = _open_path(os.path.join(plan.workdir, "data"))
    stage = tempfile.gettempdir() if os.path.isdir(tempfile.gettempdir()) else "/tmp"
    try:
        _mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
        new = lambda p: stage + p  # noqa: E731 - a path of the view, seen from before the pivot
        for path, target in links:
            _makedirs(os.path.dirname(new(path)))
            os.symlink(target, new(path))
        for sub in ("/proc", "/dev", "/tmp", "/var/tmp"):
            _makedirs(new(sub))
        _mount("proc", new("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        _mount("tmpfs", new("/dev"), "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755")
        for name in DEVICES:
            Path(new(f"/dev/{name}")).touch(0o666)
            _mount(f"/dev/{name}", new(f"/dev/{name}"), None, MS_BIND)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, new(f"/dev/{name}"))
        _makedirs(new("/dev/shm"))
        _mount(None, new("/dev"), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
        scratch = f"size={plan.tmp_bytes},nr_inodes=16384,mode=1777"
        for sub in ("/dev/shm", "/tmp", "/var/tmp"):
            _mount("tmpfs", new(sub), "tmpfs", MS_NOSUID | MS_NODEV, scratch)
        _work_folder(plan, new(VIEW_WORKDIR), host_dir, data_fd)
        for bind in sorted(binds, key=lambda b: b.target.count("/")):
            _place(bind, new(bind.target))
        _cover(plan, new, refused)
        _mount(None, stage, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    finally:
        for bind in binds:
            os.close(bind.fd)
        if data_fd is not None:
            os.close(data_fd)
    os.chdir(stage)
    _pivot_root(".", ".")
    _check(_libc().umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")


def _open_path(path: str) -> int | None:
    try:
        return os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return None


def _view_sources(plan: ConfinePlan) -> tuple[list[_Bind], list[tuple[str, str]]]:
    """Read-only binds (system folders, the exposed paths) and symlinks (/bin -> usr/bin) of the view."""
    binds, links = [], []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            links.append((path, os.readlink(path)))
        elif os.path.isdir(path):
            fd = _open_path(path)
            if fd is not None:
                binds.append(_Bind(path, fd, True))
    covered = [b.target for b in binds]
    for path in _outermost(plan.expose):
        if any(_contains(c, path) for c in covered) or _contains(VIEW_WORKDIR, path) or _contains(path, "/tmp"):
            continue
        fd = _open_path(path)
        if fd is not None:
            binds.append(_Bind(path, fd, os.path.isdir(path)))
    return binds, links


def _work_folder(plan: ConfinePlan, target: str, host_dir: int, data_fd: int | None) -> None:
    """The learner's own size-capped tmpfs folders, holding a copy of the grader's folder (the data bound
    read-only). The notebook's folder (the cells' working directory) is a tmpfs of ``disk_bytes``; the top
    folder, where the worker writes its answer, is another one: a notebook that fills its own folder does not
    leave the worker without room for the answer."""
    os.mkdir(target, 0o700)
    owner = f",uid={plan.uid},gid={plan.gid}" if plan.uid is not None and os.geteuid() == 0 else ""
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={2 * plan.answer_bytes + (16 << 20)},nr_inodes=4096,mode=0700{owner}")
    for name in os.listdir(host_dir):
        if name == "data" or name in ANSWER_FILES or name.startswith("job."):
            continue
        dest = os.path.join(target, name)
        if stat.S_ISDIR(os.stat(name, dir_fd=host_dir, follow_symlinks=False).st_mode):
            os.mkdir(dest, 0o700)
            _mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={plan.disk_bytes},nr_inodes=65536,mode=0700{owner}")
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=host_dir)
            try:
                for child in os.listdir(sub):
                    _copy_tree(sub, child, os.path.join(dest, child), plan)
            finally:
                os.close(sub)
        else:
            _copy_tree(host_dir, name, dest, plan)
    if data_fd is not None:
        os.mkdir(os.path.join(target, "data"), 0o755)
        _mount(f"/proc/self/fd/{data_fd}", os.path.join(target, "data"), None, MS_BIND | MS_REC)
        _make_read_only(os.path.join(target, "data"))


def _copy_tree(src_dir: int, name: str, dest: str, plan: ConfinePlan) -> None:
    """Copy ``name`` (relative to the directory handle) to ``dest``: regular files and folders only."""
    st = os.stat(name, dir_fd=src_dir, follow_symlinks=False)
    if stat.S_ISDIR(st.st_mode):
        os.mkdir(dest, 0o700)
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=src_dir)
        try:
            for child in os.listdir(sub):
                _copy_tree(sub, child, os.path.join(dest, child), plan)
        finally:
            os.close(sub)
    elif stat.S_ISREG(st.st_mode):
        src = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=src_dir)
        try:
            with open(dest, "wb") as out, os.fdopen(os.dup(src), "rb") as fh:
                shutil.copyfileobj(fh, out)
        finally:
            os.close(src)
    else:
        return
    if plan.uid is not None and os.geteuid() == 0:
        os.chown(dest, plan.uid, plan.gid)


def _makedirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _place(bind: _Bind, target: str) -> None:
    if bind.is_dir:
        _makedirs(target)
    else:
        _makedirs(os.path.dirname(target))
        Path(target).touch(0o644)
    _mount(f"/proc/self/fd/{bind.fd}", target, None, MS_BIND | MS_REC)
    if not bind.writable:
        _make_read_only(target)


def _cover(plan: ConfinePlan, new, refused: _Refusals) -> None:
    """Hide the planned paths wherever they are inside the view (an empty read-only folder or file)."""
    for path in sorted({os.path.realpath(p) for p in plan.hide_dirs}):
        target = new(path)
        if os.path.isdir(target) and not os.path.islink(target) and not _contains(path, VIEW_WORKDIR):
            try:
                _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
                       "size=4k,nr_inodes=4,mode=000")
            except OSError as exc:
                refused(f"hiding {path}", exc)
    for path in sorted({os.path.realpath(p) for p in plan.hide_files}):
        target = new(path)
        if os.path.isfile(target) and not os.path.islink(target):
            try:
                _mount(new("/dev/null"), target, None, MS_BIND)
                _make_read_only(target)
            except OSError as exc:
                refused(f"hiding {path}", exc)


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


def _outermost(paths) -> list[str]:
    """The real paths among ``paths`` that are not inside another one of them."""
    real = sorted({os.path.realpath(p) for p in paths if os.path.exists(p)})
    return [p for p in real if not any(q != p and _contains(q, p) for q in real)]


def _contains(parent: str, child: str) -> bool:
    parent, child = os.path.realpath(parent), os.path.realpath(child)
    return child == parent or child.startswith(parent.rstrip("/") + "/")


# --------------------------------------------------------------------------------------------------
# what this machine allows (asked once by the grading command before it grades anything)
# --------------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Layers:
    """The confinement a worker gets on this machine, measured by confining a throw-away worker."""

    namespaces: bool
    notes: tuple[str, ...]  # layers refused
    process_bound: str  # which bound on the number of processes is in force
    cause: str = ""  # why the namespaces were refused (empty when they work)

    def missing(self) -> list[str]:
        return list(self.notes)


def _probe_child(workdir: str, cgroup: str, cgroup_reason: str) -> None:
    """Runs in a forked child of ``python -m autograder.sandbox.isolation --probe``: confine like a worker,
    then report what holds on fd 3."""
    plan = ConfinePlan(workdir=workdir, uid=None, gid=None, expose=python_paths(), nproc=64, cgroup=cgroup)
    try:
        _, notes = confine(plan)
        namespaces = not any(n == WEAK_NOTE for n in notes)
        pid_max = ""
        with contextlib.suppress(OSError):
            pid_max = Path("/proc/sys/kernel/pid_max").read_text().strip()
        in_cgroup = bool(cgroup) and not any(n.startswith("cgroup v2") for n in notes)
        bound = describe_process_bound(namespaces, pid_max, plan.nproc, cgroup if in_cgroup else "",
                                       cgroup_reason or "joining the worker's cgroup failed")
        report = {"namespaces": namespaces, "notes": notes, "bound": bound}
    except BaseException as exc:  # noqa: BLE001
        report = {"namespaces": False, "notes": [f"{type(exc).__name__}: {exc}"], "bound": ""}
    _say(3, json.dumps(report))
    os._exit(0)


def describe_process_bound(namespaces: bool, pid_max: str, nproc: int, cgroup: str, no_cgroup: str) -> str:
    """The bound on a worker's processes in force, headline first ("RLIMIT_NPROC + PID namespace", or
    "cgroup v2 pids/memory + PID namespace"), then the details: ``cgroup`` is the worker cgroup it ran in ("" for
    none, ``no_cgroup`` then says why)."""
    root = os.geteuid() == 0 or os.getuid() != os.geteuid()
    scope = "the worker's own user namespace" if namespaces and not root else (
        "the slot uid" if root else "the grader's uid (shared with the grader's own processes)")
    headline = [f"cgroup v2 pids/memory" if cgroup else "RLIMIT_NPROC"] + (["PID namespace"] if namespaces else [])
    parts = []
    if cgroup:
        parts.append(f"cgroup v2 pids.max {nproc + EXTRA_PIDS} and memory.max per worker (under "
                     f"{os.path.dirname(cgroup)})")
    parts.append(f"RLIMIT_NPROC {nproc} counted in {scope}")
    if namespaces and pid_max and int(pid_max) <= pid_max_for(nproc):
        parts.append(f"pid_max {pid_max} of the worker's PID namespace (all its tasks)")
    if namespaces:
        parts.append("PID namespace teardown (the worker's init ends, everything ends)")
    if not cgroup:
        parts.append(f"no cgroup v2 pids/memory: {no_cgroup}")
    return f"{' + '.join(headline)} ({'; '.join(parts)})"


@functools.lru_cache(maxsize=4)
def _probe(uid: int) -> Layers:
    delegation = delegated_cgroup()
    cmd = [sys.executable, "-I", "-B", "-m", "autograder.sandbox.isolation", "--probe", delegation.path or "",
           delegation.reason]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
        report = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        report = {"namespaces": False, "bound": "",
                  "notes": [f"the probe (a worker started with {sys.executable}) could not run: {exc}"]}
    return Layers(bool(report["namespaces"]), tuple(report["notes"]), report["bound"],
                  "" if report["namespaces"] else _refusal_cause(report["notes"]))


def layers() -> Layers:
    """What confinement a worker gets on this machine as this user (measured once per process)."""
    return _probe(os.geteuid())


def _sysctl(name: str) -> str | None:
    try:
        return Path("/proc/sys/" + name.replace(".", "/")).read_text().strip()
    except OSError:
        return None


def _refusal_cause(notes) -> str:
    """Which machine setting refuses user namespaces, in words an instructor can act on."""
    detail = next((n for n in notes if "namespaces" in n), notes[0] if notes else "unknown")
    if _sysctl("kernel.unprivileged_userns_clone") == "0":
        return f"kernel.unprivileged_userns_clone = 0 ({detail})"
    if _sysctl("kernel.apparmor_restrict_unprivileged_userns") == "1":
        return f"AppArmor restricts unprivileged user namespaces ({detail})"
    if _sysctl("user.max_user_namespaces") == "0":
        return f"user.max_user_namespaces = 0 ({detail})"
    return detail


def refusal_message(found: Layers) -> str:
    """The error ``autograder grade`` stops with when the namespaces are refused."""
    return (
        "autograder grade: refusing to grade: this machine does not let the grader confine learner code "
        f"(namespaces refused: {found.cause}). Without them a submission can read the answer key, the other "
        "submissions and the output folder, and leave processes behind that rewrite grades.\n"
        "Ways out: allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
        "user.max_user_namespaces=10000, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0 or an "
        "AppArmor profile for this Python); or grade as root (or as root in a container that may create "
        "namespaces); or pass --isolate weak to grade anyway with resource limits only.")


def preflight(isolate: str) -> tuple[str | None, list[str]]:
    """(an error that stops the run, or None; lines for the run's summary, said once: the layers missing and
    the bound on the number of processes in force).

    ``isolate``: "auto" refuses to grade when the namespaces are refused; "weak" grades anyway and lists what is
    missing; "strict" refuses on any missing layer; "rlimits" is the caller's explicit choice of no namespaces.
    """
    if isolate == "rlimits":
        return None, ["namespaces off (--isolate rlimits): " + WEAK_NOTE]
    found = layers()
    summary = found.missing() + ([f"processes bounded by {found.process_bound}"] if found.process_bound else [])
    if not found.namespaces and isolate in ("auto", "strict"):
        return refusal_message(found), summary
    if found.missing() and isolate == "strict":
        return "autograder grade: refusing to grade (--isolate strict): " + "; ".join(found.missing()), summary
    return None, summary


def python_paths() -> tuple[str, ...]:
    """What the worker's interpreter reads: the Python installation, the environment, this package."""
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), str(Path(__file__).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            paths.add(sysconfig.get_paths()[key])
    return tuple(sorted(p for p in paths if p and os.path.exists(p)))


# --------------------------------------------------------------------------------------------------
# parent side
# --------------------------------------------------------------------------------------------------
def running_as_root() -> bool:
    return os.geteuid() == 0


def mount_workdir_tmpfs(path: str, size_mb: int) -> bool:
    """Put the worker's directory on its own size-limited tmpfs (root only): whatever the learner writes is
    bounded by ``size_mb`` and vanishes with it, instead of filling the grader's disk."""
    try:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(size_mb)}m,mode=0700")
        return True
    except OSError:
        return False


def unmount(path: str) -> None:
    _libc().umount2(os.fsencode(path), MNT_DETACH)


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
                stat_line = fh.read()
        except OSError:
            continue
        fields = stat_line[stat_line.rfind(")") + 2:].split()
        if len(fields) > 4 and (int(fields[2]) == sid or int(fields[3]) == sid) and pid != os.getpid():
            pids.append(pid)
    return pids


def kill_leftovers(*, uid: int | None, sid: int, deadline: float = 5.0) -> list[int]:
    """Kill everything the worker started; return the pids still alive after ``deadline`` (empty).

    The worker's session holds the namespace's init (which never leaves it): once init is dead, the kernel has
    killed every process of the namespace, wherever they moved (``setsid`` included)."""
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
            stat_line = fh.read()
    except OSError:
        return False
    return stat_line[stat_line.rfind(")") + 2:].split()[0] != "Z"


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    # Measure the layers as a worker gets them: a forked child confines itself (in a worker cgroup of its own
    # when the grader found a delegated one: argv[2], else argv[3] says why not) and reports on a pipe.
    probe_dir = tempfile.mkdtemp(prefix="autograder-probe-")
    cgroup_base, cgroup_reason = (sys.argv[2:4] + ["", ""])[:2]
    with contextlib.ExitStack() as stack:
        probe_cgroup = ""
        if cgroup_base:
            try:
                probe_cgroup = stack.enter_context(worker_cgroup(
                    cgroup_base, f"{CGROUP_WORKER_PREFIX}probe-{os.getpid()}", *cgroup_limits(2 << 30, 0, 0, 64)))
            except OSError as exc:
                cgroup_reason = f"a worker cgroup cannot be made in {cgroup_base} ({exc.strerror or exc})"
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:
            os.dup2(write_end, 3)
            _probe_child(probe_dir, probe_cgroup, cgroup_reason)
        os.close(write_end)
        chunks = []
        while True:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        os.waitpid(child, 0)
    shutil.rmtree(probe_dir, ignore_errors=True)
    lines = [line for line in b"".join(chunks).decode("utf-8", "replace").splitlines() if line.startswith("{")]
    print(lines[-1] if lines else json.dumps({"namespaces": False, "notes": ["the probe worker died"],
                                              "bound": ""}))
