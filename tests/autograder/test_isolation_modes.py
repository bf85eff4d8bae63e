"""The confinement in both grader modes, through ``autograder grade`` in a subprocess: as root and as an ordinary
user that the test creates (``tests/autograder/ordinary_user.py``). Every case must get the same outcome in
both modes.

The cases are the attacks that an ordinary-user grader did not stop before user namespaces (issue "Full
confinement when the grader is an ordinary user"): importing the answer key after removing the import guard, a
setsid + double fork that outlives the grader to rewrite grades.csv, reading another submission, the source and
the gradebook, writing the output folder, filling a world-writable folder outside /tmp for a later submission to
find, a forged ``fatal`` line on the progress pipe, and an exception message that spells the inputs in letters.
``isolation_facts`` (the corpus case) measures every layer from inside. A last test makes the machine refuse
user namespaces and checks that the command refuses to grade, unless ``--isolate weak``.
"""

from __future__ import annotations

import csv
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.sandbox import isolation
from autograder.sandbox.notebook import released_version

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "adversarial"))
sys.path.insert(0, str(HERE))
import _course  # noqa: E402
import isolation_facts  # noqa: E402
import ordinary_user  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Non-unique cell id")
PROJECT = Path(__file__).resolve().parents[2]
CANDIDATE_DROPS = ("/run/lock", "/var/lock", "/var/tmp", "/dev/shm", "/tmp", "/var/crash", "/var/mail",
                   "/dev/mqueue", "/run/user")

def _honest_unless(flag: str) -> str:
    """count_quadratic_terms as the honest student writes it, but wrong (-1) when ``flag`` is not empty: full
    marks prove the attack found nothing."""
    honest = _course.HONEST["count_quadratic_terms"].replace("def count_quadratic_terms(", "def _honest_count(")
    return (f"{honest}\ndef count_quadratic_terms(n_features):\n"
            f"    return -1 if {flag} else _honest_count(n_features)\n")


# Each case: code replacing solution cells (SOLUTIONS), cells inserted after one (INSERT_AFTER), and the
# expected (status, score) of the exercises that are not simply passed with full marks.
CASES = {
    "honest": {},
    "guard_removed": {
        "SOLUTIONS": {"sigmoid": (
            "import sys\n"
            "sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != 'ImportGuard']\n"
            "for name in [m for m in sys.modules if m.startswith('course_lib')]:\n"
            "    del sys.modules[name]\n"
            "sys.path.insert(0, @PROJECT@)\n"
            "from course_lib.activations import sigmoid\n")},
        "EXPECTED": {"sigmoid": ("error", 0.0)},  # the import fails: the cell raises, sigmoid is never defined
    },
    "outlive_grader": {
        "INSERT_AFTER": {"sigmoid": (
            "import os, time, ctypes\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        ctypes.CDLL(None).prctl(15, @MARKER@.encode(), 0, 0, 0)\n"
            "        time.sleep(3)\n"
            "        for target in (@OUT_DIR@ + '/grades.csv', @VICTIM@):\n"
            "            try:\n"
            "                with open(target, 'a') as fh:\n"
            "                    fh.write('honest,01_neuron_model,x,sigmoid,0,2,failed,forged\\n')\n"
            "            except OSError:\n"
            "                pass\n"
            "        time.sleep(3600)\n"
            "    os._exit(0)\n")},
    },
    "read_others": {
        "INSERT_AFTER": {"sigmoid": (
            "import os\n"
            "READ = []\n"
            "for target in (@VICTIM@, @SOURCE@, @GRADEBOOK@, @OUT_DIR@, @SUBMITTED@, @COURSE_LIB@, '/root/.bashrc',\n"
            "               @PROJECT@ + '/autograder/exercises', @PROJECT@ + '/notebooks', @PROJECT@ + '/.git'):\n"
            "    try:\n"
            "        if os.path.isdir(target):\n"
            "            if os.listdir(target):\n"
            "                READ.append(target)\n"
            "        elif open(target, 'rb').read(10):\n"
            "            READ.append(target)\n"
            "    except OSError:\n"
            "        pass\n"
            "for pid in os.listdir('/proc'):\n"
            "    try:\n"
            "        if pid.isdigit() and 'submitted' in os.readlink(f'/proc/{pid}/cwd'):\n"
            "            READ.append(pid)\n"
            "    except OSError:\n"
            "        pass\n")},
        "SOLUTIONS": {"count_quadratic_terms": _honest_unless("READ")},
    },
    "write_output": {
        "INSERT_AFTER": {"sigmoid": (
            "WROTE = []\n"
            "for target in (@OUT_DIR@ + '/grades.csv', @OUT_DIR@ + '/pwned.txt', @GRADEBOOK@, @VICTIM@):\n"
            "    try:\n"
            "        with open(target, 'a') as fh:\n"
            "            fh.write('pwned\\n')\n"
            "        WROTE.append(target)\n"
            "    except OSError:\n"
            "        pass\n")},
        "SOLUTIONS": {"count_quadratic_terms": _honest_unless("WROTE")},
    },
    "world_writable_a": {  # finding 3: graded before world_writable_b, which looks for what it left
        "INSERT_AFTER": {"sigmoid": (
            "import os\n"
            "for folder in @DROPS@:\n"
            "    try:\n"
            "        with open(os.path.join(folder, @MARKER@), 'wb') as fh:\n"
            "            fh.write(b'x' * (8 << 20))\n"
            "    except OSError:\n"
            "        pass\n")},
    },
    "world_writable_b": {
        "INSERT_AFTER": {"sigmoid": (
            "import os\n"
            "FOUND = [f for f in @DROPS@ if os.path.exists(os.path.join(f, @MARKER@))]\n")},
        "SOLUTIONS": {"count_quadratic_terms": _honest_unless("FOUND")},
    },
    "fatal_line": {  # finding 4: learner code writes a forged fatal line on the progress pipe, then dies
        "INSERT_AFTER": {"sigmoid": (
            "import os, sys\n"
            "fd = (sys.modules.get('autograder.sandbox.worker') or sys.modules['__main__']).PROGRESS_FD\n"
            "os.write(fd, b'fatal ValueError: SMUGGLED zero one two \\x1b[31m red \\x07 bell\\n')\n"
            "os._exit(3)\n")},
    },
    "letters_smuggle": {  # finding 5: the inputs spelled in letters in an exception message
        "SOLUTIONS": {"sigmoid": (
            "import numpy as np\n"
            "def sigmoid(z):\n"
            "    spelled = str(np.asarray(z).ravel().tolist()).translate(str.maketrans('0123456789', 'abcdefghij'))\n"
            "    raise ValueError('SMUGGLE ' + spelled)\n")},
        "EXPECTED": {"sigmoid": ("error", 0.0)},
    },
    "isolation_facts": {"SOLUTIONS": isolation_facts.SOLUTIONS, "INSERT_AFTER": isolation_facts.INSERT_AFTER},
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(root: Path, mode: str, marker: str) -> dict:
    source = root / "course" / "source" / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    source.parent.mkdir(parents=True)
    src = _course.source_notebook()
    nbformat.write(src, source)
    released = released_version(src)
    gradebook = root / "course" / "gradebook.db"
    gradebook.write_bytes(b"SQLite format 3\x00 (stand-in gradebook)")
    submitted, out = root / "submitted", root / "out"
    victim = submitted / "honest" / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    import course_lib

    ctx = {"OUT_DIR": str(out), "SUBMITTED": str(submitted), "VICTIM": str(victim), "SOURCE": str(source),
           "GRADEBOOK": str(gradebook), "COURSE_LIB": str(Path(course_lib.__file__).parent),
           "PROJECT": str(PROJECT), "MARKER": marker, "DROPS": CANDIDATE_DROPS, "ROOT": mode == "root",
           # (whether the grader has a delegated cgroup v2: known here for root only)
           "CGROUP": isolation.find_delegated_cgroup().path is not None if mode == "root" else None}

    def fill(text: str) -> str:
        for key, value in ctx.items():
            text = text.replace(f"@{key}@", str(value) if key in ("ROOT", "CGROUP") else repr(value))
        return text

    for name, case in CASES.items():
        nb = _course.honest_submission(released)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in case.get("SOLUTIONS", {}) and cell.metadata["nbgrader"].get("solution"):
                cell.source = fill(case["SOLUTIONS"][gid])
        for gid, code in case.get("INSERT_AFTER", {}).items():
            pos = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            nb.cells.insert(pos + 1, nbformat.v4.new_code_cell(fill(code)))
        path = submitted / name / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    return {"source": source, "gradebook": gradebook, "submitted": submitted, "out": out, "victim": victim}


def _grade(mode: str, paths: dict, root: Path, *extra: str, wrap=lambda argv: argv):
    argv = ordinary_user.grader_command(mode) + [
        "grade", str(paths["submitted"]), "--out", str(paths["out"]), "--source", str(paths["source"].parents[1]),
        "--timeout", "30", "--step-timeout", "6", "--memory", "1024", "--jobs", "1", "--no-progress",
        "--hide", str(paths["gradebook"].parent), *extra]
    return subprocess.run(wrap(argv), capture_output=True, text=True, timeout=900, cwd=root,
                          env=ordinary_user.grader_env(mode, root / "home"))


def _processes_named(name: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and Path(f"/proc/{pid}/comm").read_text().strip() == name[:15]:
                found.append(int(pid))
        except OSError:
            pass
    return found


def _drops(marker: str) -> list[str]:
    return [f for f in CANDIDATE_DROPS if os.path.exists(os.path.join(f, marker))]


@pytest.fixture(scope="module", params=ordinary_user.MODES)
def graded(request, tmp_path_factory):
    mode = request.param
    reason = ordinary_user.skip_reason(mode)
    if reason:
        pytest.skip(reason)
    root = ordinary_user.class_root(f"autograder-modes-{mode}-")
    marker = f"ag{secrets.token_hex(5)}"
    paths = _build(root, mode, marker)
    ordinary_user.hand_over(mode, root)
    before = {name: _sha(paths[name]) for name in ("victim", "gradebook", "source")}
    proc = _grade(mode, paths, root)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    after_run = _sha(paths["out"] / "grades.csv")
    time.sleep(4)  # the outliving process of outlive_grader would act 3 s after it started
    rows = {}
    with open(paths["out"] / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["student_id"], {})[row["exercise"]] = row
    yield {"mode": mode, "proc": proc, "rows": rows, "paths": paths, "before": before, "after_run": after_run,
           "marker": marker, "survivors": _processes_named(marker), "drops": _drops(marker)}
    for folder in _drops(marker):  # (only when the test failed: a leftover of finding 3)
        os.unlink(os.path.join(folder, marker))
    shutil.rmtree(root, ignore_errors=True)


def _expected(case: str) -> dict:
    want = {ex: ("passed", float(pts)) for ex, pts in _course.POINTS.items()}
    want.update(CASES[case].get("EXPECTED", {}))
    return want


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_gets_the_same_outcome_in_both_modes(graded, case):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    rows = graded["rows"][case]
    got = {ex: (rows[ex]["status"], float(rows[ex]["score"])) for ex in _course.POINTS}
    assert got == _expected(case), {ex: rows[ex]["message"] for ex in _course.POINTS}


def test_nothing_outside_the_worker_changed_and_nothing_outlived_the_run(graded):
    paths = graded["paths"]
    assert {name: _sha(paths[name]) for name in graded["before"]} == graded["before"]
    assert _sha(paths["out"] / "grades.csv") == graded["after_run"]  # nothing rewrote it after the run
    assert not (paths["out"] / "pwned.txt").exists()
    assert graded["survivors"] == []
    assert graded["drops"] == []  # finding 3: nothing left in a world-writable folder of the machine


def test_learner_text_reaches_no_output_raw(graded):
    """Findings 4 and 5: a forged fatal line and an exception message in letters: no learner-chosen word, no
    control character in grades.csv or the feedback."""
    out = graded["paths"]["out"]
    texts = [(out / "grades.csv").read_text()]
    for case in ("fatal_line", "letters_smuggle"):
        folder = out / "feedback" / case
        texts += [p.read_text() for p in sorted(folder.glob("feedback.*"))]
    assert len(texts) >= 3
    for text in texts:
        for word in ("SMUGGLE", "zero one two", "\x1b", "\x07"):
            assert word not in text, (word, text[:2000])
    fatal_rows = graded["rows"]["fatal_line"]
    assert all(r["status"] == "passed" for r in fatal_rows.values())  # the cell was skipped on the retry


def test_summary_names_the_process_bound_in_force(graded):
    out = graded["proc"].stdout
    bounds = [line for line in out.splitlines() if line.startswith("isolation: processes bounded by")]
    assert len(bounds) == 1 and "RLIMIT_NPROC" in bounds[0] and "PID namespace" in bounds[0], out
    if isolation.find_delegated_cgroup().path is None:  # cgroup v1 here: no grader, root or not, has one
        assert bounds[0].startswith("isolation: processes bounded by RLIMIT_NPROC + PID namespace ("), bounds
        assert "; no cgroup v2 pids/memory: " in bounds[0], bounds
    assert "weaker isolation" not in out and "not available" not in out, out


REFUSE_USERNS = """\
import ctypes, os, sys
uid, gid = int(sys.argv[1]), int(sys.argv[2])
ready_r, ready_w = os.pipe()
mapped_r, mapped_w = os.pipe()
child = os.fork()
if child == 0:  # a user namespace in which the grader's account may create no other one
    if ctypes.CDLL(None, use_errno=True).unshare(0x10000000) != 0:
        os._exit(90)
    os.write(ready_w, b'x')
    os.read(mapped_r, 1)
    with open('/proc/sys/user/max_user_namespaces', 'w') as fh:
        fh.write('0')
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    os.execv(sys.argv[3], sys.argv[3:])
os.read(ready_r, 1)
for name, line in (('uid_map', f'{uid} {uid} 1'), ('gid_map', f'{gid} {gid} 1')):
    with open(f'/proc/{child}/{name}', 'w') as fh:  # (root outside maps the account's ids, and only them)
        fh.write(line)
os.write(mapped_w, b'x')
sys.exit(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))
"""


def test_refuses_to_grade_where_user_namespaces_are_refused():
    """A machine that refuses user namespaces (here: user.max_user_namespaces = 0 for the grader, as a kernel
    setting would): the command stops before grading, naming the cause and the ways out; with --isolate weak it
    grades and says once what is missing."""
    if os.geteuid() != 0 or ordinary_user.skip_reason("ordinary"):
        pytest.skip("making a machine refuse user namespaces needs root")
    user = ordinary_user.account()
    tmp_path = ordinary_user.class_root("autograder-refusal-")
    paths = _build(tmp_path, "ordinary", "unused")
    for name in list(CASES):
        if name != "honest":
            shutil.rmtree(paths["submitted"] / name)
    ordinary_user.hand_over("ordinary", tmp_path)

    def wrap(argv):
        inner = argv[argv.index("--") + 1:]  # the grader's own argv, without setpriv
        return [sys.executable, "-c", REFUSE_USERNS, str(user.pw_uid), str(user.pw_gid), *inner]

    refused = _grade("ordinary", paths, tmp_path, wrap=wrap)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "refusing to grade" in refused.stderr
    assert "user.max_user_namespaces = 0" in refused.stderr
    assert "--isolate weak" in refused.stderr and "as root" in refused.stderr
    assert not (paths["out"] / "grades.csv").exists()

    weak = _grade("ordinary", paths, tmp_path, "--isolate", "weak", wrap=wrap)
    assert weak.returncode == 0, weak.stdout + weak.stderr
    with open(paths["out"] / "grades.csv", newline="") as fh:
        assert {r["status"] for r in csv.DictReader(fh)} == {"passed"}
    summary = [line for line in weak.stdout.splitlines() if line.startswith("isolation:")]
    assert sum("weaker isolation" in line for line in summary) == 1, weak.stdout
    assert any("namespaces" in line for line in summary), weak.stdout
    shutil.rmtree(tmp_path, ignore_errors=True)
