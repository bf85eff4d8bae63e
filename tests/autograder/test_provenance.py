"""Workers prove what they grade with: a Dask worker with a stale answer key is refused and named.

A real ``dask scheduler`` and two ``dask worker`` processes: one runs this checkout, the other a copy of the
autograder whose reference ``neuron_output`` forgets the bias (the stale key of the issue). ``autograder grade
--scheduler`` must refuse every result of the stale worker, name it, and grade those submissions again on the good
worker, so that every correct submission gets full marks.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
from student_version import submission
import pytest

from autograder.classroom import provenance

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
STUDENTS = ("ada", "bob", "cy", "dan", "eve", "fay")


def stale_copy(folder: Path) -> Path:
    """A copy of the autograder and course_lib packages whose neuron_output reference has no bias."""
    import autograder
    import course_lib

    for package in (autograder, course_lib):
        shutil.copytree(Path(package.__file__).parent, folder / package.__name__,
                        ignore=shutil.ignore_patterns("__pycache__"))
    spec = folder / "autograder" / "exercises" / "neuron_model.py"
    text = spec.read_text(encoding="utf-8")
    stale = text.replace("np.asarray(X) @ np.asarray(theta) + b)", "np.asarray(X) @ np.asarray(theta))")
    assert stale != text
    spec.write_text(stale, encoding="utf-8")
    return folder


def test_the_fingerprint_names_files_by_package_path_and_follows_their_content(tmp_path):
    import autograder

    here = provenance.grader_fingerprint(None, ASSIGNMENT)
    assert provenance.grader_fingerprint(None, ASSIGNMENT) == here  # cached, stable
    same = tmp_path / "same"
    shutil.copytree(Path(autograder.__file__).parent, same / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    packages = provenance.grader_packages()
    moved = [same / "autograder", *packages[1:]]
    assert provenance.grader_fingerprint(None, ASSIGNMENT, moved) == here  # same code elsewhere: same print
    stale = stale_copy(tmp_path / "stale")
    assert provenance.grader_fingerprint(None, ASSIGNMENT, [stale / "autograder", *packages[1:]]) != here


def _start(command: list[str], env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    with open(log, "w") as handle:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def test_a_dask_worker_with_a_stale_answer_key_is_refused_named_and_its_work_regraded(tmp_path):
    pytest.importorskip("distributed")
    for student in STUDENTS:
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(), folder / f"{ASSIGNMENT}.ipynb")
    stale = stale_copy(tmp_path / "stale")
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    # The stale worker runs as if from an old checkout: without site's .pth files (-S, so not this checkout's
    # editable install) and with the copy first on its path; installed libraries come from site-packages.
    stale_env = {**env, "PYTHONPATH": os.pathsep.join([str(stale), sysconfig.get_paths()["purelib"]])}
    dask = [sys.executable, "-m"]
    processes = [_start([*dask, "distributed.cli.dask_scheduler", "--scheduler-file", str(scheduler_file),
                         "--port", "0", "--no-dashboard"], env, tmp_path / "scheduler.log", tmp_path)]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        worker = [*dask, "distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file), "--no-nanny",
                  "--no-dashboard"]
        processes.append(_start([*worker, "--name", "good", "--nthreads", "1"], env, tmp_path / "good.log",
                                tmp_path))
        processes.append(_start([sys.executable, "-S", *worker[1:], "--name", "stale", "--nthreads", "2"], stale_env,
                                tmp_path / "stale.log", stale))
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file), timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address
        done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", "submitted", "--out", "graded",
                               "--source", str(REPO / "notebooks"), "--scheduler", address, "--no-progress"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False)
    finally:
        for process in reversed(processes):
            with_group = process.pid
            try:
                os.killpg(with_group, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(with_group, signal.SIGKILL)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert re.search(r"worker stale \(tcp://[^)]+\) graded \w+/01_neuron_model with a different grader", out), out
    with open(tmp_path / "graded" / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"] for r in rows} == set(STUDENTS)
    assert all(r["status"] == "passed" for r in rows), [r for r in rows if r["status"] != "passed"]
