"""Gradescope uploads as students really make them, through ``autograder gradescope`` (the run_autograder command).

A browser that already has ``01_neuron_model.ipynb`` in its downloads folder saves the next copy as
``01_neuron_model (1).ipynb``; the student uploads that. And an instructor who pins the assignment with
``--assignment`` must keep the tamper checks that compare test cells with the instructor's source.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from student_version import submission
import pytest

from autograder.classroom.gradescope import canonical_stem

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
SOURCE = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"



def answered(tamper_test_of: str | None = None) -> nbformat.NotebookNode:
    """The student version with every solution typed in; optionally one test cell replaced by ``pass``."""
    released = submission()
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if tamper_test_of and meta.get("grade") and meta.get("grade_id") == f"test_{tamper_test_of}":
            cell.source = "pass  # the check is gone"
    return released


def gradescope(tmp_path: Path, upload_name: str, notebook, *args: str) -> dict:
    (tmp_path / "submission").mkdir(exist_ok=True)
    nbformat.write(notebook, tmp_path / "submission" / upload_name)
    results = tmp_path / "results" / "results.json"
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "gradescope", "--submission",
                           str(tmp_path / "submission"), "--results", str(results), "--source",
                           str(REPO / "notebooks"), *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(results.read_text())


def test_browser_copy_names_stand_for_the_notebook_they_copy():
    known = [ASSIGNMENT, "02_forward_propagation"]
    assert canonical_stem(f"{ASSIGNMENT} (1)", known) == (ASSIGNMENT, 1)  # Chrome
    assert canonical_stem(f"{ASSIGNMENT}(2)", known) == (ASSIGNMENT, 2)  # Firefox
    assert canonical_stem(f"{ASSIGNMENT}-3", known) == (ASSIGNMENT, 3)
    assert canonical_stem(ASSIGNMENT, known) == (ASSIGNMENT, 0)
    assert canonical_stem("my notebook (1)", known) == (None, -1)
    assert canonical_stem("01_neuron (1)", known) == (None, -1)


def test_a_browser_renamed_upload_is_graded_as_its_notebook(tmp_path):
    data = gradescope(tmp_path, f"{ASSIGNMENT} (1).ipynb", answered())
    assert data["tests"] and all(t["status"] == "passed" for t in data["tests"]), data
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0
    assert f"Graded the upload {ASSIGNMENT} (1).ipynb as {ASSIGNMENT}.ipynb." in data["output"]


def test_with_assignment_given_a_modified_test_cell_is_still_caught(tmp_path):
    data = gradescope(tmp_path, "my_work.ipynb", answered(tamper_test_of="sigmoid"), "--assignment", ASSIGNMENT)
    assert "no checksum could be verified" not in data["output"], data["output"]
    sigmoid = next(t for t in data["tests"] if t["name"] == "sigmoid")
    assert "tampered" in sigmoid["output"] and "review" in sigmoid["output"]
    # Scored by the grader's own checks (the function is right): full points, so status passed, never
    # full points shown as failed.
    assert (sigmoid["score"], sigmoid["status"]) == (sigmoid["max_score"], "passed")
    assert "Graded the upload my_work.ipynb as 01_neuron_model.ipynb." in data["output"]


def test_the_readme_setup_installs_with_the_pinned_constraints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("# setup.sh", 1)[1].split("# run_autograder", 1)[0]
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs and all("--constraint constraints.txt" in line for line in installs), setup


def _link_to_the_source(folder: Path) -> None:
    (folder / f"{ASSIGNMENT}.ipynb").symlink_to(SOURCE)  # the instructor's notebook, solutions included


def _fifo_beside(folder: Path) -> None:
    nbformat.write(answered(), folder / f"{ASSIGNMENT}.ipynb")
    os.mkfifo(folder / "notes.txt")


def _sparse_file_beside(folder: Path) -> None:
    nbformat.write(answered(), folder / f"{ASSIGNMENT}.ipynb")
    with open(folder / "weights.bin", "wb") as handle:
        handle.truncate(64 * 2**30)  # 64 GiB that take no room on disk


def _link_in_a_subfolder(folder: Path) -> None:
    nbformat.write(answered(), folder / f"{ASSIGNMENT}.ipynb")
    (folder / "extra").mkdir()
    (folder / "extra" / "notes.txt").symlink_to("/etc/passwd")


@pytest.mark.parametrize("make, why", [
    (_link_to_the_source, f"'{ASSIGNMENT}.ipynb' is a symbolic link"),
    (_fifo_beside, "'notes.txt' is a FIFO"),
    (_sparse_file_beside, "'weights.bin' is 64 GiB, over the 20 MiB limit for one file"),
    (_link_in_a_subfolder, "'extra/notes.txt' is a symbolic link"),
], ids=["notebook-links-to-source", "fifo", "sparse-64GiB", "nested-link"])
def test_an_upload_is_read_by_the_same_discovery_as_submitted_folders(tmp_path, make, why):
    """Gradescope uploads go through classroom/store.py's discovery: a link at any level, a FIFO or a file over
    the size cap refuses the upload; every exercise is an error saying why, nothing is read through a link."""
    folder = tmp_path / "submission"
    folder.mkdir()
    make(folder)
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "gradescope", "--submission", str(folder),
                           "--results", str(tmp_path / "results.json"), "--source", str(REPO / "notebooks")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == 0.0 and data["tests"], data
    for test in data["tests"]:
        assert (test["score"], test["status"]) == (0.0, "failed"), test
        assert "Status: error" in test["output"] and why in test["output"], test["output"]


def test_dot_folders_of_an_upload_are_never_read(tmp_path):
    """A browser copy is graded as its notebook, and a dot-folder (Jupyter's checkpoints) is skipped, even one
    holding a link: discovery never looks inside names starting with a dot."""
    checkpoints = tmp_path / "submission" / ".ipynb_checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / f"{ASSIGNMENT}-checkpoint.ipynb").symlink_to(SOURCE)
    data = gradescope(tmp_path, f"{ASSIGNMENT}(2).ipynb", answered())
    assert data["tests"] and all(t["status"] == "passed" for t in data["tests"]), data
    assert f"Graded the upload {ASSIGNMENT}(2).ipynb as {ASSIGNMENT}.ipynb." in data["output"]
