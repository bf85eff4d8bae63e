"""Our grades in nbgrader's own places: the gradebook database and the ``autograded/`` tree.

After ``autograder grade`` has written these, an nbgrader course works as if ``nbgrader autograde`` had run:
``nbgrader generate_feedback`` renders the autograded notebooks (our feedback is the output of each test cell)
with the scores from the gradebook, ``nbgrader export`` writes the grades CSV, and formgrader shows both. Only
nbgrader's public API (``nbgrader.api.Gradebook``, ``CourseDirectory``, ``nbgrader.utils``) is used, and like
nbgrader's own autograder we set ``auto_score`` only, never a manual score a grader has already entered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import io
import json
import logging
import os
import shutil
import sys
import typing
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

from autograder.sandbox.outputs import not_run_output

from .records import ExerciseRow, SubmissionResult

__all__ = [
    "CourseInfo",
    "annotated_notebook",
    "clean_outputs",
    "GradeOfRecord",
    "LatePenaltyConfigError",
    "ScoreOfRecord",
    "assign_late_penalty",
    "feedback_output",
    "find_course_dir",
    "late_penalty_assigner",
    "load_course",
    "read_scores",
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
    """The parts of an nbgrader course configuration we need, read by nbgrader's own ``CourseDirectory``.

    ``config`` is the whole traitlets configuration of the course (late-penalty plugin and all), for nbgrader's
    own classes that we configure exactly as ``nbgrader autograde`` would.
    """

    def __init__(self, coursedir, config=None):
        from traitlets.config import Config

        self.coursedir = coursedir
        self.config = config if config is not None else Config()

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
    return CourseInfo(coursedir, config)


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


@functools.lru_cache(maxsize=1)
def alembic_head() -> str:
    """The newest revision of nbgrader's gradebook schema, read from nbgrader's own migration scripts."""
    import nbgrader
    from alembic.script import ScriptDirectory

    return ScriptDirectory(os.path.join(os.path.dirname(nbgrader.__file__), "alembic")).get_current_head()


@contextlib.contextmanager
def _gradebook_schema_here():
    """nbgrader stamps a new gradebook with its schema revision by running the ``alembic heads`` command: a second
    Python process (seconds per run), taken from PATH (where another environment's ``alembic`` may belong to an
    interpreter this user cannot run, or to another nbgrader). Read the same revision in this process instead."""
    from unittest import mock

    import nbgrader.api

    with mock.patch.object(nbgrader.api, "get_alembic_version", alembic_head):
        yield


def write_gradebook(
    results: Sequence[SubmissionResult],
    db_url: str,
    *,
    course_id: str = "default_course",
    source_dir: Path | None = None,
    submitted_dir: Path | None = None,
    config=None,
    course_root: Path | None = None,
) -> int:
    """Record every result's scores as nbgrader auto scores; returns the number of grades written.

    Students are created when missing (like ``nbgrader autograde --create``). A grade that a grader has
    overridden by hand keeps its manual score and is flagged for review, exactly as nbgrader does; so is a
    ``tampered`` exercise (its test cell was edited: the instructor decides). Notebooks of the assignment that the
    student did not submit score zero. Late penalties are then assigned by nbgrader's own ``AssignLatePenalties``
    with the course's configuration ``config`` (its ``plugin_class`` and that plugin's options), as
    ``nbgrader autograde`` does; ``course_root`` is put on ``sys.path`` meanwhile, as nbgrader puts its working
    directory there, so that a plugin module kept next to ``nbgrader_config.py`` is found.
    """
    from nbgrader.api import Gradebook

    assigner = late_penalty_assigner(config, course_root)  # a wrong plugin name fails before anything is written
    written = 0
    late = []
    with warnings.catch_warnings(), _gradebook_schema_here(), Gradebook(db_url, course_id) as gradebook:
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
                    tampered = row is not None and row.status == "tampered"
                    grade.needs_manual_grade = grade.manual_score is not None or tampered
                    written += 1
                notebook.late_submission_penalty = None  # as nbgrader: reset, then assigned below when late
                if submission.total_seconds_late > 0:
                    late.append((result.student_id, result.assignment, notebook.name))
            gradebook.db.commit()
    for student_id, assignment, notebook in late:
        assign_late_penalty(assigner, db_url, student_id, assignment, notebook, course_root)
    return written


LOG = logging.getLogger(__name__)
LOG.addHandler(logging.NullHandler())
LOG.propagate = False  # nbgrader's plugins log every penalty as a warning; the late columns report them instead


@contextlib.contextmanager
def _importable(folder: Path | None):
    """``folder`` first on ``sys.path`` for the duration (nbgrader's apps insert their working directory)."""
    if folder is None:
        yield
        return
    entry = str(Path(folder).resolve())
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)


class LatePenaltyConfigError(ValueError):
    """The course configuration names a late-penalty plugin that cannot be used."""


def late_penalty_assigner(config=None, course_root: Path | None = None):
    """nbgrader's ``AssignLatePenalties`` preprocessor configured by the course, its plugin instantiated.

    The plugin is whatever ``c.AssignLatePenalties.plugin_class`` names (nbgrader's ``LateSubmissionPlugin`` by
    default, itself configured by ``c.LateSubmissionPlugin.penalty_method``). Raises LatePenaltyConfigError
    naming the setting when the class cannot be imported or is not an nbgrader plugin.
    """
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets import TraitError
    from traitlets.config import Config

    config = config if config is not None else Config()
    with _importable(course_root):
        try:
            assigner = AssignLatePenalties(config=config, log=LOG)
            assigner.init_plugin()
        except (TraitError, ImportError, AttributeError) as exc:
            named = config.get("AssignLatePenalties", {}).get("plugin_class", "?")
            raise LatePenaltyConfigError(
                f"nbgrader_config.py sets c.AssignLatePenalties.plugin_class = {named!r}, which cannot be used "
                f"as nbgrader's late-penalty plugin: {exc}") from exc
    return assigner


def assign_late_penalty(assigner, db_url: str, student_id: str, assignment: str, notebook: str,
                        course_root: Path | None = None) -> None:
    """Let nbgrader's ``AssignLatePenalties`` set one submitted notebook's penalty from its score in the gradebook
    (the plugin decides; nbgrader clamps the penalty to [0, score]), exactly as in ``nbgrader autograde``."""
    resources = {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student_id,
                              "db_url": db_url}}
    with warnings.catch_warnings(), _gradebook_schema_here(), _importable(course_root):
        warnings.filterwarnings("ignore", message=".*not in session.*")
        assigner.preprocess(nbformat.v4.new_notebook(), resources)


# --- the score of record, read back from the gradebook -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GradeOfRecord:
    """One graded cell as the gradebook holds it: the automatic score, a grader's manual score if any, and the
    score that counts (nbgrader's ``Grade.score``: the manual score where given, else the automatic one)."""

    notebook: str
    grade_id: str
    auto_score: float | None
    manual_score: float | None
    score: float
    max_score: float
    needs_manual_grade: bool


@dataclasses.dataclass(frozen=True)
class ScoreOfRecord:
    """One student x assignment as the gradebook holds it after grading: what every report shows.

    raw_score : sum of the graded cells' scores (manual overrides included); penalty : the late penalty of all
    notebooks; score : max(0, raw_score - penalty), nbgrader's own formula (``nbgrader export``).
    timestamp : ISO 8601 (UTC) of the submission, "" when there is none; seconds_late : after the due date.
    """

    student_id: str
    assignment: str
    timestamp: str
    seconds_late: float
    raw_score: float
    penalty: float
    score: float
    max_score: float
    grades: tuple[GradeOfRecord, ...]
    penalties: tuple[tuple[str, float], ...] = ()  # (notebook, penalty) of each late notebook

    def grade(self, notebook: str, exercise: str) -> GradeOfRecord | None:
        """The graded cell ``test_<exercise>`` (or ``<exercise>``) of ``notebook``."""
        for grade in self.grades:
            if grade.notebook == notebook and grade.grade_id in (f"test_{exercise}", exercise):
                return grade
        return None

    def notebook_penalty(self, notebook: str) -> float:
        return dict(self.penalties).get(notebook, 0.0)

    @property
    def manual_overrides(self) -> tuple[GradeOfRecord, ...]:
        return tuple(g for g in self.grades if g.manual_score is not None)


def _iso(timestamp) -> str:
    if timestamp is None:
        return ""
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=dt.timezone.utc)  # nbgrader stores naive UTC
    return timestamp.isoformat(timespec="seconds")


def read_scores(db_url: str, keys: Iterable[tuple[str, str]], *, course_id: str = "default_course"
                ) -> dict[tuple[str, str], ScoreOfRecord]:
    """The score of record of every (student_id, assignment) in ``keys`` found in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    records = {}
    with warnings.catch_warnings(), _gradebook_schema_here(), Gradebook(db_url, course_id) as gradebook:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for student_id, assignment in keys:
            try:
                submission = gradebook.find_submission(assignment, student_id)
            except MissingEntry:
                continue
            grades, penalties = [], []
            for notebook in submission.notebooks:
                if notebook.late_submission_penalty:
                    penalties.append((notebook.name, float(notebook.late_submission_penalty)))
                for grade in notebook.grades:
                    grades.append(GradeOfRecord(
                        notebook=notebook.name, grade_id=grade.name,
                        auto_score=None if grade.auto_score is None else float(grade.auto_score),
                        manual_score=None if grade.manual_score is None else float(grade.manual_score),
                        score=float(grade.score or 0.0), max_score=float(grade.max_score or 0.0),
                        needs_manual_grade=bool(grade.needs_manual_grade)))
            raw = float(submission.score or 0.0)
            penalty = float(submission.late_submission_penalty or 0.0)
            records[(student_id, assignment)] = ScoreOfRecord(
                student_id=student_id, assignment=assignment, timestamp=_iso(submission.timestamp),
                seconds_late=float(submission.total_seconds_late or 0.0), raw_score=raw, penalty=penalty,
                score=max(0.0, raw - penalty), max_score=float(submission.max_score or 0.0),
                grades=tuple(grades), penalties=tuple(penalties))
    return records


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


# --- outputs of the learner's cells, as the sandbox's worker recorded them ----------------------------------


def clean_outputs(raw_by_cell, budget: list[int] | None = None) -> dict[str, list]:
    """``{"c<submission cell index>": [output, ...]}`` of a grade's record (``NotebookGrade.outputs``) as
    nbformat nodes, each output rebuilt again from validated plain data by
    ``autograder.sandbox.outputs.clean_cell_outputs`` (text, PNG and the grader's own error lines; bounded)."""
    from autograder.sandbox.outputs import clean_cell_outputs

    return {key: [nbformat.from_dict(o) for o in outputs]
            for key, outputs in clean_cell_outputs(raw_by_cell, budget, errors=True).items()}


def _demo_cells(source: Path | None):
    """(grade_ids, cell ids, texts) of the source notebook's demonstration cells, matched as the sandbox's
    planner matches them (``sandbox.notebook.plan_cells``)."""
    from autograder.sandbox.notebook import load_source

    if source is None:
        return set(), set(), set()
    try:
        cells = [c for c in load_source(Path(source)).cells if c.kind == "demo"]
    except Exception:  # noqa: BLE001 - an unreadable source: no cell is known to be a demonstration
        return set(), set(), set()
    return ({c.grade_id for c in cells if c.grade_id}, {c.cell_id for c in cells if c.cell_id},
            {c.source.strip() for c in cells if c.source.strip()})


def _not_run_reason(cell, demos) -> str:
    grade_ids, cell_ids, texts = demos
    if (_nbgrader_meta(cell).get("grade_id") in grade_ids or cell.get("id") in cell_ids
            or (cell.source.strip() and cell.source.strip() in texts)):
        return "a demonstration cell; run it yourself to see its output"
    return "it stopped an earlier run of this notebook (see the feedback), so the rest ran without it"


def annotated_notebook(submitted: Path | typing.TextIO | None, source: Path | None, rows: Sequence[ExerciseRow],
                       outputs: dict[str, list] | None = None):
    """The submission as ``nbgrader autograde`` leaves it: each cell with the outputs of the grader's own run,
    each test cell with our feedback as its output.

    outputs: what the sandbox's worker recorded for each cell it ran (``NotebookGrade.outputs``: ``"c<cell
    index>"`` -> outputs), checked again here (``clean_outputs``: text and PNG only, bounded). Every output the
    submission arrived with is cleared first (as ``nbgrader autograde`` does), so nothing the learner typed into
    the file is shown as output. When the worker ran the notebook, a code cell it did not run says so: a
    demonstration cell (tagged ``demo`` in the source), or a cell that stopped an earlier attempt. Test cells get
    the released text of the instructor's source (what the grader checked, whatever the submission holds) and
    only our feedback, whatever the learner's run printed; a test cell missing from the submission is appended.
    An unreadable submission is replaced by the released source notebook, so that feedback can still be
    generated for it.
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
    outputs = clean_outputs(outputs) if outputs and notebook is not released else {}
    demos = _demo_cells(source) if outputs else None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        key = f"c{index}"
        if key in outputs:
            cell.outputs = outputs[key]
        elif demos is not None and cell.source.strip():
            cell.outputs = [nbformat.from_dict(not_run_output(_not_run_reason(cell, demos)))]
        else:
            cell.outputs = []
        cell.execution_count = None
        meta = _nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if meta.get("grade") and not meta.get("solution"):
            cell.outputs = []  # a test cell (or a cell claiming to be one) shows our feedback only
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
    """Write ``autograded_dir/<student>/<assignment>/``: the submitted files, notebooks annotated.

    The submission folder is read again as discovery reads it (``store.read_submission_files``: every entry
    ``lstat``-ed and opened with ``O_NOFOLLOW`` relative to its opened parent, size caps), so only regular files
    are copied: a file swapped for a symbolic link (or a FIFO) after grading is never followed, and a folder that
    discovery now refuses contributes no file at all (its notebooks are annotated from the released source).
    """
    from .store import Refused, atomic_write_text, read_submission_files

    target = Path(autograded_dir) / result.student_id / result.assignment
    try:
        files = dict(read_submission_files(Path(submitted_dir), result.student_id, result.assignment))
    except (Refused, OSError):
        files = {}
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        if not rel.endswith(".ipynb"):  # notebooks are written annotated, below
            _write_new_file(target, rel, content)
    sources = {p.stem: p for p in (Path(source_dir) / result.assignment).glob("*.ipynb")} if source_dir else {}
    graded = {nb.notebook: nb for nb in result.notebooks}
    submitted = {rel[:-6]: content for rel, content in files.items() if rel.endswith(".ipynb") and "/" not in rel}
    for name in sorted(set(graded) | set(submitted)):
        rows = graded[name].rows if name in graded else ()
        text = _without_outputs(submitted[name]) if name in submitted else None
        outputs = graded[name].outputs if name in graded else None
        notebook = annotated_notebook(text, sources.get(name), rows, outputs)
        if notebook is not None:
            atomic_write_text(target / f"{name}.ipynb", nbformat.writes(notebook))
    return target


def _without_outputs(content: bytes) -> io.StringIO | None:
    """The submitted notebook's JSON without its outputs (the annotated copy clears them anyway), read within the
    sandbox's bounds (``sandbox.notebook.read_submission``: size, JSON values, cells, text), so that a hostile
    file costs the grading process no more here than when it was graded; None when it is outside them or
    unreadable (it was graded so: the released source is annotated instead)."""
    from autograder.sandbox.notebook import UnreadableNotebook, load_json, read_submission

    try:
        read_submission(content)
        data = load_json(content.decode("utf-8"))
    except (UnreadableNotebook, ValueError, RecursionError):
        return None
    for cell in data.get("cells") or ():
        if isinstance(cell, dict) and "outputs" in cell:
            cell["outputs"] = []
    return io.StringIO(json.dumps(data))


def _write_new_file(folder: Path, rel: str, content: bytes) -> None:
    """Create ``folder/rel`` (its sub-folders too) as a new regular file, never through an existing entry."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
