"""The nbgrader round trip, for every course notebook on disk (and a small synthetic one).

For each assignment, a throw-away course directory is laid out like the repository (``nbgrader_config.py``,
``notebooks/<assignment>/``, ``data/``) and nbgrader runs in it, so the repository itself is never written to.

1. ``nbgrader generate_assignment`` must give a student version that contains no line of any solution, no
   hidden test and no stored output.
2. ``nbgrader autograde`` must give full marks to the solved source notebook submitted as is (the in-kernel
   route for instructors who use nbgrader alone), and no marks to the released notebook submitted untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MARKERS = (SOLUTION_BEGIN, SOLUTION_END, HIDDEN_BEGIN, HIDDEN_END)

SOLVER, UNTOUCHED = "solver", "untouched"
SYNTHETIC = "00_synthetic"


def course_assignments() -> list[str]:
    """Assignments laid out as ``notebooks/<assignment>/<assignment>.ipynb``."""
    return sorted(
        path.parent.name for path in NOTEBOOK_DIR.glob("*/*.ipynb") if path.stem == path.parent.name
    )


# --- reading nbgrader notebooks -----------------------------------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _between(lines: list[str], begin: str, end: str) -> tuple[list[str], list[str]]:
    """Split lines into (inside begin/end regions, outside them); the marker lines go to neither."""
    inside, outside, depth = [], [], 0
    for line in lines:
        if line.strip() == begin:
            depth += 1
        elif line.strip() == end:
            depth -= 1
        elif depth:
            inside.append(line)
        else:
            outside.append(line)
    return inside, outside


@dataclass(frozen=True)
class SecretLines:
    """What a student version must not contain, worked out from a source notebook."""

    solution: frozenset[str]  # stripped lines that occur only inside solution regions
    hidden: frozenset[str]  # stripped lines that occur only inside hidden-test regions


def secret_lines(source) -> SecretLines:
    """Lines of solution and hidden-test regions that occur nowhere public in the source notebook.

    A solution region is the part of a solution cell between the solution markers, or the whole cell when it
    has no markers (nbgrader then replaces all of it). Lines such as ``return out`` that also appear in a
    public cell are not secrets: their presence in the student version proves nothing.
    """
    solution, hidden, public = set(), set(), set()
    for cell in source.cells:
        lines = cell.source.splitlines()
        hidden_part, rest = _between(lines, HIDDEN_BEGIN, HIDDEN_END)
        hidden.update(hidden_part)
        if _nbgrader(cell).get("solution"):
            if any(line.strip() == SOLUTION_BEGIN for line in rest):
                solution_part, rest = _between(rest, SOLUTION_BEGIN, SOLUTION_END)
            else:
                solution_part, rest = rest, []
            solution.update(solution_part)
        public.update(line.strip() for line in rest)
    public.update(("", "# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"))

    def private(lines):
        return frozenset(line.strip() for line in lines) - public

    return SecretLines(solution=private(solution), hidden=private(hidden))


def leaks(source, released) -> list[str]:
    """Every way in which ``released`` gives away a solution or hidden test of ``source``; empty if clean."""
    secrets = secret_lines(source)
    found = []
    for index, cell in enumerate(released.cells):
        where = f"cell {index} ({_nbgrader(cell).get('grade_id', cell.cell_type)})"
        for line in cell.source.splitlines():
            if line.strip() in MARKERS:
                found.append(f"{where}: marker {line.strip()!r}")
            elif line.strip() in secrets.solution:
                found.append(f"{where}: solution line {line.strip()!r}")
            elif line.strip() in secrets.hidden:
                found.append(f"{where}: hidden-test line {line.strip()!r}")
        if cell.cell_type == "code" and cell.get("outputs"):
            found.append(f"{where}: stored output (it may show what the solution computes)")
    return found


def manually_graded(notebook) -> set[str]:
    """grade_ids of answer cells an instructor grades by hand (nbgrader cells that are both solution and grade)."""
    return {_nbgrader(cell)["grade_id"] for cell in notebook.cells
            if _nbgrader(cell).get("grade") and _nbgrader(cell).get("solution")}


def points_by_grade_id(notebook) -> dict[str, float]:
    return {
        _nbgrader(cell)["grade_id"]: float(_nbgrader(cell).get("points", 0))
        for cell in notebook.cells
        if _nbgrader(cell).get("grade")
    }


# --- a small notebook with every nbgrader feature the course uses -------------------------------------------


def synthetic_notebook():
    """A two-exercise nbgrader source notebook that also reads the course data the way the lessons do."""

    def meta(**nbgrader):
        return {
            "nbgrader": {"schema_version": 3, "locked": False, "solution": False, "grade": False, **nbgrader}
        }

    cells = [
        nbformat.v4.new_markdown_cell(
            "# A synthetic assignment\n\nTwo exercises, one public and one hidden check."
        ),
        nbformat.v4.new_code_cell(
            "from pathlib import Path\n\nimport numpy as np\nimport pandas as pd\n\n"
            "# nbgrader autograde runs this three levels below the course root: look for data/ upwards.\n"
            "DATA_PATH = next(folder / 'data' / 'breast_cancer_wisconsin.csv'\n"
            "                 for folder in (Path.cwd(), *Path.cwd().parents)\n"
            "                 if (folder / 'data' / 'breast_cancer_wisconsin.csv').is_file())",
            metadata=meta(grade_id="setup", locked=True),
        ),
        nbformat.v4.new_code_cell(
            "def scaled_sum(a, b):\n"
            '    """Return 2 * (a + b)."""\n'
            f"    {SOLUTION_BEGIN}\n"
            "    total = np.add(a, b)  # the secret first step\n"
            "    return 2 * total\n"
            f"    {SOLUTION_END}",
            metadata=meta(grade_id="scaled_sum", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "assert scaled_sum(1, 2) == 6\n"
            f"{HIDDEN_BEGIN}\n"
            "assert scaled_sum(-5, 5) == 0  # a hidden case\n"
            f"{HIDDEN_END}",
            metadata=meta(grade_id="test_scaled_sum", grade=True, locked=True, points=2),
        ),
        nbformat.v4.new_code_cell(
            "def count_malignant(path):\n"
            f"    {SOLUTION_BEGIN}\n"
            "    return int((pd.read_csv(path)['diagnosis'] == 'M').sum())\n"
            f"    {SOLUTION_END}",
            metadata=meta(grade_id="count_malignant", solution=True),
        ),
        nbformat.v4.new_code_cell(
            f"assert count_malignant(DATA_PATH) == 212\n{HIDDEN_BEGIN}\n"
            "assert isinstance(count_malignant(DATA_PATH), int)"
            f"\n{HIDDEN_END}",
            metadata=meta(grade_id="test_count_malignant", grade=True, locked=True, points=1),
        ),
        nbformat.v4.new_code_cell("print(scaled_sum(2, 3))"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


# --- running nbgrader in a throw-away course directory ------------------------------------------------------


def run_nbgrader(course: Path, *args: str) -> None:
    """Run ``nbgrader`` from this interpreter's environment in ``course``; fail with its log on error."""
    command = [sys.executable, "-m", "nbgrader", *args]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command[2:])} failed with exit code {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    # nbgrader logs a failed conversion but may still exit 0: treat its ERROR lines as failures too.
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "| ERROR]" in line]
    if errors:
        pytest.fail(
            f"{' '.join(command[2:])} reported errors:\n" + "\n".join(errors) + "\n" + result.stderr[-4000:]
        )


@dataclass
class RoundTrip:
    assignment: str
    course: Path
    source: nbformat.NotebookNode
    released: nbformat.NotebookNode

    def autograded(self, student: str) -> nbformat.NotebookNode:
        path = self.course / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        return nbformat.read(path, as_version=4)

    def scores(self, student: str) -> dict[str, tuple[float | None, float]]:
        """grade_id -> (score, max_score) from the gradebook; score None while a written answer awaits its grader."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission_notebook(self.assignment, self.assignment, student)
            return {grade.name: (None if grade.score is None else float(grade.score), float(grade.max_score))
                    for grade in submission.grades}


def build_course(root: Path, assignment: str) -> Path:
    """Lay out a course like the repository, with only ``assignment`` in it."""
    course = root / "course"
    (course / "notebooks").mkdir(parents=True)
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(REPO / "data", course / "data")
    if assignment == SYNTHETIC:
        (course / "notebooks" / SYNTHETIC).mkdir()
        nbformat.write(synthetic_notebook(), course / "notebooks" / SYNTHETIC / f"{SYNTHETIC}.ipynb")
    else:
        shutil.copytree(
            NOTEBOOK_DIR / assignment,
            course / "notebooks" / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    return course


@pytest.fixture(scope="module", params=[SYNTHETIC, *course_assignments()])
def round_trip(request, tmp_path_factory) -> RoundTrip:
    """Release one assignment, then autograde its solved source and its untouched student version."""
    assignment = request.param
    course = build_course(tmp_path_factory.mktemp(assignment), assignment)
    source_path = course / "notebooks" / assignment / f"{assignment}.ipynb"

    run_nbgrader(course, "generate_assignment", assignment, "--force")
    released_path = course / "release" / assignment / f"{assignment}.ipynb"

    for student, notebook in [(SOLVER, source_path), (UNTOUCHED, released_path)]:
        submitted = course / "submitted" / student / assignment
        submitted.mkdir(parents=True)
        shutil.copy2(notebook, submitted / notebook.name)
    run_nbgrader(course, "autograde", assignment, "--create", "--force")

    return RoundTrip(
        assignment=assignment,
        course=course,
        source=nbformat.read(source_path, as_version=4),
        released=nbformat.read(released_path, as_version=4),
    )


# --- the tests ----------------------------------------------------------------------------------------------


def test_course_notebooks_are_discovered():
    """Guard against the round trip silently covering only the synthetic notebook."""
    assert course_assignments(), f"no notebooks/<assignment>/<assignment>.ipynb under {NOTEBOOK_DIR.name}/"


def test_leak_check_catches_a_leak():
    """The leak check is not vacuous: a 'student version' that still holds the answers is flagged."""
    source = synthetic_notebook()
    found = leaks(source, source)
    assert any("solution line 'total = np.add(a, b)  # the secret first step'" in item for item in found)
    assert any("hidden-test line 'assert scaled_sum(-5, 5) == 0  # a hidden case'" in item for item in found)
    assert any("marker '### BEGIN HIDDEN TESTS'" in item for item in found)


def test_student_version_has_no_solution_and_no_hidden_test(round_trip):
    secrets = secret_lines(round_trip.source)
    assert secrets.solution, "the source notebook should have solution lines to hide"
    found = leaks(round_trip.source, round_trip.released)
    assert not found, "the student version gives away:\n" + "\n".join(found)
    released_text = json.dumps(round_trip.released)
    for marker in MARKERS:
        assert marker not in released_text


def test_student_version_keeps_every_graded_cell(round_trip):
    source_points = points_by_grade_id(round_trip.source)
    assert source_points, "the source notebook has no graded test cell"
    assert points_by_grade_id(round_trip.released) == source_points


def test_autograde_gives_the_solved_notebook_full_marks(round_trip):
    scores = round_trip.scores(SOLVER)
    assert {name: maximum for name, (_, maximum) in scores.items()} == points_by_grade_id(round_trip.source)
    # a written answer is graded by a person: nbgrader scores the model answer, submitted unchanged, as no response
    by_hand = manually_graded(round_trip.source)
    lost = {name: score for name, (score, maximum) in scores.items() if score != maximum and name not in by_hand}
    if lost:
        errors = []
        for cell in round_trip.autograded(SOLVER).cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" or output.get("name") == "stderr":
                    text = output.get("text") or f"{output.get('ename')}: {output.get('evalue')}"
                    errors.append(f"[{_nbgrader(cell).get('grade_id', '-')}] {text.strip()[:300]}")
        pytest.fail(
            f"cells below full marks: {lost}\nerrors and stderr in the autograded notebook:\n"
            + "\n".join(errors)
        )


def test_autograde_gives_the_untouched_student_version_nothing(round_trip):
    scores = round_trip.scores(UNTOUCHED)
    assert scores, "no grades recorded"
    earned = {name: score for name, (score, _) in scores.items() if score != 0}
    assert not earned, f"an untouched student notebook earned points: {earned}"


# --- the same round trip through `autograder check` (the learner's and instructor's own command) -------------


@pytest.mark.parametrize("round_trip", course_assignments(), indirect=True)
def test_autograder_check_gives_the_source_full_marks_and_the_student_version_not_implemented(round_trip):
    """``autograder check`` scores the solved source at full marks (hidden cases included) and the released
    notebook, run unmodified, at 0 with a "not implemented yet" message per exercise, without crashing."""
    from autograder import api

    folder = round_trip.course / "notebooks" / round_trip.assignment
    solved = api.check_notebook(folder / f"{round_trip.assignment}.ipynb", timeout=120, hidden=True, seed=11)
    assert solved and all(r.passed and r.score == r.max_score for r in solved), [r.text() for r in solved]
    automatic = set(points_by_grade_id(round_trip.source)) - manually_graded(round_trip.source)
    assert {r.exercise for r in solved} == {name.removeprefix("test_") for name in automatic}

    released = round_trip.course / "release" / round_trip.assignment / f"{round_trip.assignment}.ipynb"
    untouched = api.check_notebook(released, timeout=120)
    assert [r.exercise for r in untouched] == [r.exercise for r in solved]
    for r in untouched:
        assert r.score == 0 and "not implemented yet" in r.message, r.text()
