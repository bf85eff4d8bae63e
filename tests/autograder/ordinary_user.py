"""The grader's second mode in tests: an ordinary user that the test creates, running ``autograder grade``.

Most instructors grade as an ordinary user (a laptop, a JupyterHub, a CI runner), so every adversarial case must
get the same outcome whether the grader is root or not. When the tests run as root (CI, these machines), this
module makes a system account (``useradd``), gives it an interpreter it can run, and builds the command line
that runs the grader as that account (``setpriv``: its uid and gid, no supplementary groups).

The seam for a test that runs ``autograder grade`` in a subprocess:

    argv = grader_command(mode) + ["grade", str(submitted), "--out", str(out), ...]
    hand_over(mode, class_root)       # the class folder belongs to the grader of that mode
    subprocess.run(argv, env=grader_env(mode, home), ...)

``MODES`` is ("root", "ordinary"); ``skip_reason(mode)`` says why a mode cannot run here (not root: no account
can be made; the ordinary mode then IS the current user, see ``current_mode``).

The interpreter: the one running the tests when the account can use it (its files world-readable, as with a
CI runner's Python); otherwise (a Python under /root, mode 0700, as on these machines) a virtual environment made
from the system's ``/usr/bin/python3`` with the project installed in editable mode, cached under
``$AUTOGRADER_TEST_CACHE`` (default ``/var/cache/autograder-tests``) and rebuilt only when the dependency pins,
``pyproject.toml``, the base interpreter or the project's path change (about two minutes once).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
TEST_USER = "autograder-ci"
MODES = ("root", "ordinary")
BASE_PYTHON = "/usr/bin/python3"
CHECK_IMPORTS = "import autograder.sandbox.grade, course_lib, nbformat, nbgrader.utils"


def current_mode() -> str:
    return "root" if os.geteuid() == 0 else "ordinary"


def skip_reason(mode: str) -> str | None:
    """Why ``mode`` cannot be tested here, or None."""
    if mode == current_mode():
        return None
    if mode == "root":
        return "the tests do not run as root: the root mode cannot be tested"
    for tool in ("useradd", "setpriv"):
        if shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin") is None:
            return f"{tool} is not installed: no ordinary account can be made"
    return None


@functools.lru_cache(maxsize=1)
def account() -> pwd.struct_passwd:
    """The ordinary test account (made once: a system account without a home or a login shell)."""
    try:
        return pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        TEST_USER], check=True, capture_output=True)
        return pwd.getpwnam(TEST_USER)


def as_user(argv: list[str]) -> list[str]:
    """``argv`` run as the test account (its uid and gid, no other groups)."""
    user = account()
    return [shutil.which("setpriv", path="/usr/bin:/bin") or "setpriv", f"--reuid={user.pw_uid}",
            f"--regid={user.pw_gid}", "--clear-groups", "--"] + argv


def _runs_as_user(python: str) -> bool:
    """Whether the account can run ``python`` with the project, also as a child process (the grader starts its
    workers with ``sys.executable``: a process of the account must be able to exec it, not only setpriv)."""
    nested = (f"import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-I', '-c', {CHECK_IMPORTS!r}])"
              ".returncode)")
    try:
        proc = subprocess.run(as_user([python, "-I", "-c", nested]), capture_output=True, timeout=120,
                              cwd="/", env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


@functools.lru_cache(maxsize=1)
def interpreter() -> str:
    """A Python that the test account can run, with this project (and its dependencies) importable."""
    if _runs_as_user(sys.executable):
        return sys.executable
    python = _cached_venv() / "bin" / "python"
    if not _runs_as_user(str(python)):
        raise RuntimeError(f"{TEST_USER} cannot import the project with {python}: is {PROJECT} readable by "
                           "every user?")
    return str(python)


def _cache_key() -> str:
    version = subprocess.run([BASE_PYTHON, "-c", "import sys; print(sys.version)"], capture_output=True,
                             text=True, check=True).stdout
    h = hashlib.sha256()
    for part in ((PROJECT / "constraints.txt").read_bytes(), (PROJECT / "pyproject.toml").read_bytes(),
                 version.encode(), str(PROJECT).encode()):
        h.update(part + b"\0")
    return h.hexdigest()[:16]


def _cached_venv() -> Path:
    cache = Path(os.environ.get("AUTOGRADER_TEST_CACHE", "/var/cache/autograder-tests"))
    cache.mkdir(mode=0o755, parents=True, exist_ok=True)
    venv = cache / f"venv-{_cache_key()}"
    with open(cache / ".lock", "w") as lock:  # pytest-xdist workers build it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            _build_venv(venv)
    return venv


def _build_venv(venv: Path) -> None:
    """A venv from the system Python with the project installed (editable) under the project's pins. Pins
    that this older interpreter cannot satisfy (a release needing a newer Python) are left to pip."""
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([BASE_PYTHON, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    pins = [line for line in (PROJECT / "constraints.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        for _attempt in range(5):
            constraints = Path(tmp) / "constraints.txt"
            constraints.write_text("\n".join(pins) + "\n")
            proc = subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check",
                                   "--constraint", str(constraints), "--editable", str(PROJECT)],
                                  capture_output=True, text=True)
            if proc.returncode == 0:
                break
            refused = set(re.findall(r"The user requested \(constraint\) ([A-Za-z0-9_.\-]+)==", proc.stdout
                                     + proc.stderr))
            if not refused:
                raise RuntimeError(f"pip could not install the project:\n{proc.stderr[-3000:]}")
            pins = [p for p in pins if re.split(r"[=<>!~ ;]", p, maxsplit=1)[0].lower()
                    not in {r.lower() for r in refused}]
        else:
            raise RuntimeError("pip could not satisfy the project's pins with the system Python")
    for root, dirs, files in os.walk(venv):
        for name in dirs + files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o444 | (0o111 if os.path.isdir(path) else 0))
    os.chmod(venv, 0o755)
    (venv / ".complete").touch()


def grader_command(mode: str) -> list[str]:
    """The argv prefix that runs the ``autograder`` command line as the grader of ``mode``."""
    if mode == current_mode():
        return [sys.executable, "-m", "autograder.cli"]
    return as_user([interpreter(), "-m", "autograder.cli"])


def hand_over(mode: str, folder: Path) -> None:
    """Give ``folder`` (a class: submissions, sources, output) to the grader of ``mode``, and make the folders
    above it traversable (a test's temporary folder is private to root)."""
    if mode == current_mode():
        return
    user = account()
    for root, dirs, files in os.walk(folder):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.lchown(name, user.pw_uid, user.pw_gid)
    parent = Path(folder).resolve().parent
    while parent != parent.parent:
        mode_bits = parent.stat().st_mode
        if not mode_bits & 0o001:
            os.chmod(parent, mode_bits | 0o001)
        parent = parent.parent


def class_root(prefix: str) -> Path:
    """A fresh folder for a class, directly under /tmp: pytest's own temporary folders sit in
    /tmp/pytest-of-root, which every new pytest session of root resets to mode 0700 (another account then cannot
    reach a class there). The caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o755)
    return folder


def grader_env(mode: str, home: Path) -> dict:
    """A small environment for the grader (its HOME is a folder it owns)."""
    home.mkdir(parents=True, exist_ok=True)
    if mode != current_mode():
        user = account()
        os.chown(home, user.pw_uid, user.pw_gid)
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "MPLBACKEND": "Agg", "TMPDIR": "/tmp"}
