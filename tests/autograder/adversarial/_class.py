"""The harness that grades the adversarial corpus the way an instructor does: ``autograder grade``, in a
subprocess, on a class tree laid out like a real one (``course/source``, ``submitted/``, a gradebook, an output
folder), placed under /tmp or outside it.

A case is a module of this folder (not starting with ``_``); each becomes one student of ONE class tree, so one
command run grades them all. What a case may declare:

- ``SOLUTIONS``: grade_id -> code for that solution cell; ``INSERT_AFTER``: grade_id -> a new cell after it;
  ``edit(nb, ctx)``: any change to the notebook; ``raw(data, ctx) -> bytes``: the bytes written instead;
- ``RENAME_TO``: the notebook's file name; ``NO_NOTEBOOK``; ``SYMLINK_TO_VICTIM`` (the notebook is a symbolic
  link to the honest student's);
- ``populate(student_dir, ctx)``: anything else on disk once the notebook is written (links, FIFOs, big files);
- ``EXPECTED``: exercise -> status (0 points unless "passed") or (status, score); unlisted exercises pass.

``@NAME@`` in code is replaced by ``repr`` of ``ctx[NAME]`` (the real paths of the class tree, see ``build``).

Grader modes: ``GRADER_MODES`` lists how ``autograder`` is run. ``current user`` runs this interpreter's
console script as the test process's own user (root in CI). A mode is a ``Grader``: the command prefix that
starts ``autograder``, and ``prepare(root)``, which makes the class tree usable by that grader (an
ordinary-user mode chowns the tree to its user and runs the command through ``runuser``/``setpriv`` with an
interpreter that user can execute). Tests take the ``grader`` fixture; adding a mode runs every test again in it.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]
sys.path.insert(0, str(HERE))
import _course  # noqa: E402

sys.path.insert(0, str(HERE.parent))
import ordinary_user  # noqa: E402

CASES = sorted(p.stem for p in HERE.glob("*.py") if not p.name.startswith("_"))
SECRET = "TOP-SECRET-7f3a: the instructor's private notes"


@dataclasses.dataclass(frozen=True)
class Grader:
    """How ``autograder`` is started. ``command``: the prefix (``[..., "autograder"]``) before the subcommand."""

    name: str
    command: tuple[str, ...]
    as_root: bool = os.geteuid() == 0  # what the corpus's isolation facts expect of the workers

    def prepare(self, root: Path) -> None:
        """Make the class tree under ``root`` usable by this grader (nothing to do for the current user)."""


def _console_script() -> tuple[str, ...]:
    script = Path(sys.executable).with_name("autograder")
    return (str(script),) if script.is_file() else (sys.executable, "-m", "autograder.cli")


class OrdinaryUserGrader:
    """``autograder`` run by an ordinary account that the test creates (``tests/autograder/ordinary_user.py``:
    useradd, setpriv, an interpreter that account can run), on a class tree handed over to it."""

    name = "ordinary-user"
    as_root = False

    @property
    def command(self) -> tuple[str, ...]:
        home = Path(tempfile.gettempdir()) / f"{ordinary_user.TEST_USER}-home"
        home.mkdir(mode=0o700, exist_ok=True)
        user = ordinary_user.account()
        os.chown(home, user.pw_uid, user.pw_gid)
        return tuple(ordinary_user.as_user(["/usr/bin/env", f"HOME={home}", "MPLBACKEND=Agg",
                                            ordinary_user.interpreter(), "-m", "autograder.cli"]))

    def prepare(self, root: Path) -> None:
        ordinary_user.hand_over("ordinary", root)


#: Every way the corpus is graded: as the test process's own user (root in CI) and, when that is root, also as
#: an ordinary user; each test runs once per mode, with the same expected outcomes.
GRADER_MODES = [Grader("current-user", _console_script())]
if ordinary_user.current_mode() == "root" and ordinary_user.skip_reason("ordinary") is None:
    GRADER_MODES.append(OrdinaryUserGrader())


def load_case(name: str):
    spec = importlib.util.spec_from_file_location(f"adversarial_{name}", HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def outside_tmp_base() -> Path:
    """A writable folder that is not under /tmp (where the worker's private /tmp would hide a class by luck):
    $AUTOGRADER_TEST_OUTSIDE_TMP, else /srv, /var/lib, /opt or the home folder."""
    env = os.environ.get("AUTOGRADER_TEST_OUTSIDE_TMP")
    for cand in ([env] if env else ["/srv", "/var/lib", "/opt", str(Path.home())]):
        real = os.path.realpath(cand)
        if os.path.isdir(real) and os.access(real, os.W_OK) and not (real + "/").startswith("/tmp/"):
            return Path(real)
    raise RuntimeError("no writable folder outside /tmp: set AUTOGRADER_TEST_OUTSIDE_TMP")


def make_root(where: str, tmp_path_factory) -> Path:
    """An empty folder for a class tree: "under-tmp" (pytest's own) or "outside-tmp"."""
    if where == "under-tmp":  # (not pytest's own folder: see ordinary_user.class_root)
        return ordinary_user.class_root("autograder-class-")
    return Path(tempfile.mkdtemp(prefix="autograder-corpus-", dir=outside_tmp_base()))


def build(root: Path, cases, extra_ctx: dict | None = None) -> dict:
    """Lay out the class under ``root``; returns ``ctx`` (the paths a case may attack, and the class's own).

    root/course/source/<assignment>/<assignment>.ipynb   the instructor's source (with hidden tests, solutions)
    root/course/gradebook.db                             a stand-in gradebook, passed as --hide
    root/course/private/notes.txt                        instructor data no one may read
    root/submitted/<case>/<assignment>/                  one student per case
    root/out, root/grades/gradebook.db                   written by the command
    """
    from autograder.sandbox.isolation import find_delegated_cgroup, running_as_root
    from autograder.sandbox.notebook import released_version

    source_dir = root / "course" / "source"
    (source_dir / _course.ASSIGNMENT).mkdir(parents=True)
    src_path = source_dir / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    src = _course.source_notebook()
    nbformat.write(src, src_path)
    released = released_version(src)
    gradebook = root / "course" / "gradebook.db"
    gradebook.write_bytes(b"SQLite format 3\x00 (stand-in gradebook)")
    private = root / "course" / "private" / "notes.txt"
    private.parent.mkdir()
    private.write_text(SECRET)
    submitted = root / "submitted"
    submitted.mkdir()
    victim = submitted / "honest" / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    import course_lib

    ctx = {"ROOT_DIR": str(root), "OUT_DIR": str(root / "out"), "SUBMITTED": str(submitted),
           "VICTIM": str(victim), "SOURCE": str(src_path), "SOURCE_DIR": str(source_dir),
           "GRADEBOOK": str(gradebook), "PRIVATE": str(private), "ROOT": running_as_root(),
           # whether the grader has a delegated cgroup v2: known when it runs as this process's user
           "CGROUP": (find_delegated_cgroup().path is not None
                      if (extra_ctx or {}).get("ROOT", running_as_root()) == running_as_root() else None),
           "GRADES_DB": str(root / "grades" / "gradebook.db"),
           "COURSE_LIB": str(Path(course_lib.__file__).parent), "PROJECT": str(PROJECT), **(extra_ctx or {})}

    def fill(text):
        for key, value in ctx.items():
            text = text.replace(f"@{key}@", repr(value) if key not in ("PORT", "ROOT", "CGROUP") else str(value))
        return text

    later = []
    for name in cases:
        mod = load_case(name)
        nb = _course.honest_submission(released)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in getattr(mod, "SOLUTIONS", {}) and cell.metadata["nbgrader"].get("solution"):
                cell.source = fill(mod.SOLUTIONS[gid])
        for gid, code in getattr(mod, "INSERT_AFTER", {}).items():
            pos = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            nb.cells.insert(pos + 1, nbformat.v4.new_code_cell(fill(code)))
        if hasattr(mod, "edit"):
            mod.edit(nb, ctx)
        folder = submitted / name / _course.ASSIGNMENT
        folder.mkdir(parents=True)
        path = folder / getattr(mod, "RENAME_TO", f"{_course.ASSIGNMENT}.ipynb")
        if getattr(mod, "SYMLINK_TO_VICTIM", False):
            later.append(lambda path=path: path.symlink_to(victim))
        elif not getattr(mod, "NO_NOTEBOOK", False):
            data = nbformat.writes(nb).encode("utf-8")
            if hasattr(mod, "raw"):
                data = mod.raw(data, ctx)
            path.write_bytes(data)
        if hasattr(mod, "populate"):
            later.append(lambda mod=mod, name=name: mod.populate(submitted / name, ctx))
    for step in later:  # links and the like, once every student's folder exists
        step()
    return ctx


def grade_command(grader: Grader, *extra: str) -> list[str]:
    """``autograder grade`` on the class, with RELATIVE paths (run from the class root: they must be resolved)."""
    return [*grader.command, "grade", "submitted", "--out", "out", "--source", "course/source",
            "--hide", "course/gradebook.db", "--hide", "course/private", "--timeout", "30", "--step-timeout", "8",
            "--memory", "1024", "--no-progress", *extra]


def run(grader: Grader, root: Path, *extra: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    """Run ``autograder grade`` on the class; ``.survivors`` of the result: the processes the command started
    that were still alive when it returned (None when this test process cannot track them, see ``Tracker``)."""
    with Tracker() as tracker:
        done = subprocess.run(grade_command(grader, *extra), cwd=root, capture_output=True, text=True,
                              timeout=timeout, check=False, preexec_fn=tracker.join)
        done.survivors = tracker.alive()
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    return done


class Tracker:
    """A cgroup of its own for one command run (root only: a v1 ``pids`` hierarchy or the cgroup v2 one, both
    writable by root here), so that the processes the command started are known exactly, whatever their uid,
    session or PID namespace (none can leave a cgroup it cannot write), and no process of another grader running
    on this machine at the same time (another test session, the same ordinary account) is counted."""

    def __init__(self):
        self.path = _tracking_base()
        if self.path is not None:
            self.path = os.path.join(self.path, f"autograder-test-{os.getpid()}-{time.monotonic_ns()}")
            try:
                os.mkdir(self.path)
            except OSError:
                self.path = None

    def __enter__(self):
        return self

    def join(self) -> None:
        """In the command's process before it starts (``preexec_fn``)."""
        if self.path is not None:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as fh:
                fh.write(str(os.getpid()))

    def alive(self) -> list[str] | None:
        """The command lines of the processes of this run still alive (zombies waiting for their reaper aside)."""
        if self.path is None:
            return None
        from autograder.sandbox.isolation import _alive

        pids = [int(p) for p in Path(self.path, "cgroup.procs").read_text().split()]
        return [_command(pid) for pid in pids if _alive(pid)]

    def __exit__(self, *exc) -> None:
        if self.path is None:
            return
        for _ in range(250):  # (only after a failure: what survived is killed so that the folder can go)
            pids = [int(p) for p in Path(self.path, "cgroup.procs").read_text().split()]
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.02)


def _tracking_base() -> str | None:
    """A cgroup folder root may create children in: the v1 ``pids`` hierarchy's root, else this process's
    cgroup v2 folder (None when not root or neither is mounted)."""
    if os.geteuid() != 0:
        return None
    v2 = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split()
            fstype, options = fields[fields.index("-") + 1], fields[-1].split(",")
            if fstype == "cgroup" and "pids" in options and fields[3] == "/":
                return fields[4]
            if fstype == "cgroup2" and fields[3] == "/":
                v2 = fields[4]
    if v2 is not None:
        own = next((line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
                    if line.startswith("0::")), "/")
        return os.path.join(v2, own.lstrip("/"))
    return None


def _command(pid: int) -> str:
    """"pid: command line [name, state, uid, pids in its namespaces]" of a process, for a failure message (an
    exiting process has no command line left)."""
    try:
        text = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if ":" in line)
        fields = [status.get(k, "?").strip() for k in ("Name", "State", "Uid", "NSpid")]
    except OSError:
        text, fields = "?", []
    return f"{pid}: {text} {fields}"
def read_rows(out: Path) -> dict[str, dict[str, dict]]:
    """grades.csv as {student: {exercise: row}}."""
    rows: dict[str, dict[str, dict]] = {}
    with open(Path(out) / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["student_id"], {})[row["exercise"]] = row
    return rows


def expected(name: str) -> dict[str, tuple[str, float]]:
    """exercise -> (status, score) the case must get."""
    mod = load_case(name)
    want = {}
    for ex, pts in _course.POINTS.items():
        exp = mod.EXPECTED.get(ex, "passed")
        if isinstance(exp, (list, tuple)):
            want[ex] = (exp[0], float(exp[1]))
        else:
            want[ex] = (exp, float(pts) if exp == "passed" else 0.0)
    return want


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
