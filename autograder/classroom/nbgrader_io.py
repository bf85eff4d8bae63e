"""Our grades in nbgrader's own places: the gradebook database and the ``autograded/`` tree.

After ``autograder grade`` has written these, an nbgrader course works as if ``nbgrader autograde`` had run:
``nbgrader generate_feedback`` renders the autograded notebooks (our feedback is the output of each test cell)
with the scores from the gradebook, ``nbgrader export`` writes the grades CSV, and formgrader shows both. Only
nbgrader's public API (``nbgrader.api.Gradebook``, ``CourseDirectory``, ``nbgrader.utils``) is used, and like
nbgrader's own autograder we set ``auto_score`` only, never a manual score a grader has already entered.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

from .records import ExerciseRow, SubmissionResult

__all__ = [
    "CourseInfo",
    "feedback_output",
    "find_course_dir",
    "load_course",
    "write_autograded",
    "write_gradebook",
]

CONFIG_NAME = "nbgrader_config.py"


def find_course_dir(start: Path) -> Path | None:
    """The nearest folder, from ``start`` upwards, that holds an ``nbgrader_config.py``."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


class CourseInfo:
    """The parts of an nbgrader course configuration we need, read by nbgrader's own ``CourseDirectory``."""

    def __init__(self, coursedir):
        self.coursedir = coursedir

    @property
    def root(self) -> Path:
        return Path(self.coursedir.root)

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id or "default_course"

    def folder(self, step: str) -> Path:
        """``source``, ``release``, ``submitted``, ``autograded`` or ``feedback`` folder of the course."""
        return self.root / getattr(self.coursedir, f"{step}_directory")


def load_course(course_dir: Path) -> CourseInfo:
    """Read ``course_dir/nbgrader_config.py`` the way nbgrader does (a traitlets Python config file)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_dir = Path(course_dir).resolve()
    config = Config()
    if (course_dir / CONFIG_NAME).is_file():
        config = PyFileConfigLoader(CONFIG_NAME, path=str(course_dir)).load_config()
    coursedir = CourseDirectory(config=config)
    if not (course_dir / CONFIG_NAME).is_file() or "root" not in config.get("CourseDirectory", {}):
        coursedir.root = str(course_dir)
    return CourseInfo(coursedir)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


# --- the gradebook ------------------------------------------------------------------------------------------


def _grade_cells(notebook) -> list[tuple[str, float, str]]:
    """(grade_id, points, cell_type) of the graded cells of an nbgrader source notebook."""
    cells = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id"):
            cells.append((meta["grade_id"], float(meta.get("points", 0)), cell.cell_type))
    return cells


def _solution_cells(notebook) -> list[str]:
    return [cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
            and cell.metadata["nbgrader"].get("grade_id")]


def ensure_assignment(gradebook, assignment: str, source_notebooks: Sequence[Path]) -> None:
    """Make sure ``assignment`` and its notebooks and graded cells are in the gradebook.

    ``nbgrader generate_assignment`` records them when the instructor releases through nbgrader; a course that
    released otherwise (or a fresh ``--gradebook`` file) gets them here from the source notebooks.
    """
    from nbgrader.api import MissingEntry

    try:
        known = {nb.name for nb in gradebook.find_assignment(assignment).notebooks}
    except MissingEntry:
        gradebook.update_or_create_assignment(assignment)
        known = set()
    for path in source_notebooks:
        if path.stem in known:
            continue
        notebook = nbformat.read(path, as_version=4)
        gradebook.update_or_create_notebook(path.stem, assignment)
        for name, points, cell_type in _grade_cells(notebook):
            gradebook.update_or_create_grade_cell(name, path.stem, assignment, max_score=points,
                                                  cell_type=cell_type)
        for name in _solution_cells(notebook):
            gradebook.update_or_create_solution_cell(name, path.stem, assignment)


def score_for_grade_cell(grade_cell: str, rows: Iterable[ExerciseRow]) -> ExerciseRow | None:
    """The row graded by the test cell ``grade_cell`` ("test_<exercise>", or the exercise name itself)."""
    for row in rows:
        if grade_cell in (f"test_{row.exercise}", row.exercise):
            return row
    return None


def _timestamp(submission_dir: Path | None):
    from nbgrader.utils import parse_utc

    if submission_dir is None:
        return None
    path = submission_dir / "timestamp.txt"
    try:
        text = path.read_text(encoding="utf-8").strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _alembic_on_path():
    """nbgrader creates a gradebook by running the ``alembic`` command of its environment; make it findable
    when this interpreter's environment is not activated (e.g. ``.venv/bin/autograder grade``)."""
    here = os.path.dirname(sys.executable)
    old = os.environ.get("PATH", "")
    if shutil.which("alembic") is None and os.path.exists(os.path.join(here, "alembic")):
        os.environ["PATH"] = here + os.pathsep + old
    try:
        yield
    finally:
        os.environ["PATH"] = old


def write_gradebook(
    results: Sequence[SubmissionResult],
    db_url: str,
    *,
    course_id: str = "default_course",
    source_dir: Path | None = None,
    submitted_dir: Path | None = None,
) -> int:
    """Record every result's scores as nbgrader auto scores; returns the number of grades written.

    Students are created when missing (like ``nbgrader autograde --create``). A grade that a grader has
    overridden by hand keeps its manual score and is flagged for review, exactly as nbgrader does. Notebooks of
    the assignment that the student did not submit score zero.
    """
    from nbgrader.api import Gradebook
    from nbgrader.plugins import LateSubmissionPlugin

    late_plugin = LateSubmissionPlugin()
    written = 0
    with warnings.catch_warnings(), _alembic_on_path(), Gradebook(db_url, course_id) as gradebook:
        # nbgrader's own add_submission triggers SQLAlchemy autoflush warnings (nbgrader autograde shows them too)
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for result in results:
            sources = sorted((Path(source_dir) / result.assignment).glob("*.ipynb")) if source_dir else []
            ensure_assignment(gradebook, result.assignment, sources)
            gradebook.update_or_create_student(result.student_id)
            folder = Path(submitted_dir) / result.student_id / result.assignment if submitted_dir else None
            timestamp = _timestamp(folder)
            kwargs = {"timestamp": timestamp} if timestamp else {}
            submission = gradebook.update_or_create_submission(result.assignment, result.student_id, **kwargs)
            graded = {nb.notebook: nb for nb in result.notebooks}
            for notebook in submission.notebooks:
                rows = graded[notebook.name].rows if notebook.name in graded else ()
                for grade in notebook.grades:
                    row = score_for_grade_cell(grade.name, rows)
                    grade.auto_score = min(float(row.score), float(grade.max_score)) if row else 0.0
                    grade.needs_manual_grade = grade.manual_score is not None
                    written += 1
                if submission.total_seconds_late > 0:
                    notebook.late_submission_penalty = late_plugin.late_submission_penalty(
                        result.student_id, notebook.score, submission.total_seconds_late)
            gradebook.db.commit()
    return written


# --- the autograded/ tree -----------------------------------------------------------------------------------


def feedback_output(row: ExerciseRow) -> nbformat.NotebookNode:
    """The output shown under a test cell: plain text when passed, an error (as nbgrader shows one) otherwise."""
    head = f"{row.exercise}: {row.status.upper()} ({_fmt(row.score)}/{_fmt(row.max_score)})"
    lines = [head] + ([row.message] if row.message else []) + ([f"Hint: {row.hint}"] if row.hint else [])
    if row.passed:
        return nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")
    ename = {"timeout": "TimeoutError", "memory": "MemoryError"}.get(row.status, "AssertionError")
    return nbformat.v4.new_output("error", ename=ename, evalue=row.message or row.status,
                                  traceback=[line for text in lines for line in text.splitlines()])


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
    return meta if isinstance(meta, dict) else {}


def annotated_notebook(submitted: Path | None, source: Path | None, rows: Sequence[ExerciseRow]):
    """The submission with every output cleared and our feedback as the output of each test cell.

    Test cells get the released text of the instructor's source (what the grader checked, whatever the
    submission holds); a test cell missing from the submission is appended. An unreadable submission is
    replaced by the released source notebook, so that feedback can still be generated for it.
    """
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    released = None
    if source is not None:
        released = nbformat.read(source, as_version=4)
        released, _ = ClearSolutions().preprocess(released, {"language": "python"})
        released, _ = ClearHiddenTests().preprocess(released, {})
    notebook = None
    if submitted is not None:
        try:
            notebook = nbformat.read(submitted, as_version=4)
        except Exception:  # noqa: BLE001 - malformed submissions are graded (zero) by the sandbox already
            notebook = None
    if notebook is None:
        if released is None:
            return None
        notebook = released
    released_tests = {}
    if released is not None:
        released_tests = {_nbgrader_meta(c).get("grade_id"): c for c in released.cells
                          if _nbgrader_meta(c).get("grade") and not _nbgrader_meta(c).get("solution")}
    seen = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        meta = _nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if grade_id in released_tests and grade_id not in seen:
            seen.add(grade_id)
            cell.source = released_tests[grade_id].source
            cell.metadata["nbgrader"] = dict(released_tests[grade_id].metadata["nbgrader"])
            row = score_for_grade_cell(grade_id, rows)
            if row is not None:
                cell.outputs = [feedback_output(row)]
    for grade_id, cell in released_tests.items():
        if grade_id not in seen:
            missing = nbformat.v4.new_code_cell(cell.source, metadata={"nbgrader": dict(cell.metadata["nbgrader"])})
            row = score_for_grade_cell(grade_id, rows)
            if row is not None:
                missing.outputs = [feedback_output(row)]
            notebook.cells.append(missing)
    return notebook


def write_autograded(
    result: SubmissionResult, submitted_dir: Path, autograded_dir: Path, source_dir: Path | None = None
) -> Path:
    """Write ``autograded_dir/<student>/<assignment>/``: the submitted files, notebooks annotated."""
    from .store import atomic_write_text

    folder = Path(submitted_dir) / result.student_id / result.assignment
    target = Path(autograded_dir) / result.student_id / result.assignment
    if target.exists():
        shutil.rmtree(target)
    if folder.is_dir():
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb"))
    target.mkdir(parents=True, exist_ok=True)
    sources = {p.stem: p for p in (Path(source_dir) / result.assignment).glob("*.ipynb")} if source_dir else {}
    graded = {nb.notebook: nb for nb in result.notebooks}
    for name in sorted(set(graded) | {p.stem for p in folder.glob("*.ipynb")}):
        submitted = folder / f"{name}.ipynb"
        rows = graded[name].rows if name in graded else ()
        notebook = annotated_notebook(submitted if submitted.is_file() else None, sources.get(name), rows)
        if notebook is not None:
            atomic_write_text(target / f"{name}.ipynb", nbformat.writes(notebook))
    return target
