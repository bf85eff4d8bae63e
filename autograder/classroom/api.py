"""Grading a whole class: the function behind ``autograder grade`` (with --jobs, --force, --scheduler,
--gradebook, --gradescope) and the summary it prints.

``grade_directory`` finds every ``submitted/<student>/<assignment>/``, skips those whose stored result is up to
date (same content hash of the submission and of the grader), grades the others in parallel (``runner``), stores
each result atomically the moment it arrives (``store``), then writes the class-wide outputs from the store:
grades.csv and feedback (the sandbox's writers), the nbgrader gradebook and ``autograded/`` tree
(``nbgrader_io``), Gradescope's results.json files (``gradescope``).
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .records import SubmissionResult
from .runner import GradingContext, RunReport, run_tasks
from .store import ResultStore, discover_submissions, fingerprint, read_task

__all__ = [
    "STATUSES",
    "GradeRun",
    "default_config",
    "default_grade_notebook",
    "grade_directory",
    "summary_table",
]

STATUSES = ("passed", "failed", "error", "timeout", "memory", "missing", "tampered")
RESULTS_FOLDER = "submissions"
GRADESCOPE_FOLDER = "gradescope"


def default_config(course_dir: Path | None = None):
    """The sandbox's default configuration, with the source notebooks of the nbgrader course around the
    current directory, if any (else the sandbox's own default)."""
    from autograder.sandbox.config import SandboxConfig

    from .nbgrader_io import find_course_dir, load_course

    course_dir = course_dir or find_course_dir(Path.cwd())
    source = load_course(course_dir).folder("source") if course_dir else None
    return SandboxConfig(source_dir=source if source is not None and source.is_dir() else None)


def default_grade_notebook():
    from ._sandbox_adapter import grade_notebook

    return grade_notebook


def _packages() -> list[Path]:
    """The code a grade depends on: the autograder and the answer key."""
    import autograder

    packages = [Path(autograder.__file__).parent]
    try:
        import course_lib

        packages.append(Path(course_lib.__file__).parent)
    except ImportError:  # pragma: no cover - an instructor install always has it
        pass
    return packages


def grader_fingerprint(config: Any, assignment: str) -> str:
    source_dir = getattr(config, "source_dir", None)
    sources = sorted((Path(source_dir) / assignment).rglob("*.ipynb")) if source_dir else []
    return fingerprint(packages=_packages(), source_files=sources, config_text=repr(config))


@dataclasses.dataclass
class GradeRun:
    """Everything a class-wide grading run did."""

    results: list[SubmissionResult]  # every discovered submission's current result
    reused: int  # submissions skipped because their stored result was up to date
    report: RunReport
    outputs: list[Path] = dataclasses.field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.report.interrupted and not self.report.errors


def _course_for(submitted_dir: Path):
    """The nbgrader course whose ``submitted/`` folder ``submitted_dir`` is, else None."""
    from .nbgrader_io import find_course_dir, load_course

    course_dir = find_course_dir(submitted_dir)
    if course_dir is None:
        return None
    course = load_course(course_dir)
    return course if course.folder("submitted").resolve() == Path(submitted_dir).resolve() else None


def grade_directory(
    submitted_dir: Path,
    out_dir: Path,
    config: Any = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    scheduler: Any = None,
    gradebook: str | Path | None = None,
    autograded_dir: Path | None = None,
    gradescope: bool = False,
    assignments: Sequence[str] | None = None,
    progress: bool = True,
    grade_notebook=None,
    stream: TextIO | None = None,
) -> GradeRun:
    """Grade every submission under ``submitted_dir`` into ``out_dir``; see the module docstring.

    gradebook: an nbgrader gradebook (a path to a SQLite file, or a database URL). When None and
        ``submitted_dir`` is the ``submitted/`` folder of an nbgrader course (a folder with
        ``nbgrader_config.py``), that course's gradebook is used and its ``autograded/`` folder is written.
    autograded_dir: where the autograded notebooks go; default the course's, else ``out_dir/autograded``
        when a gradebook is written (nbgrader's generate_feedback needs both).
    """
    from . import nbgrader_io
    from ._sandbox_adapter import expected_notebooks, hide, prepare_config, write_reports
    from .class_report import write_grader_errors
    from .gradescope import write_results_json

    submitted_dir, out_dir = Path(submitted_dir), Path(out_dir)
    config = prepare_config(config if config is not None else default_config(), out_dir)
    grade_notebook = grade_notebook or default_grade_notebook()
    store = ResultStore(out_dir / RESULTS_FOLDER)

    course = _course_for(submitted_dir)
    db_url, course_id = None, "default_course"
    if gradebook is not None:
        text = str(gradebook)
        db_url = text if "://" in text else nbgrader_io.sqlite_url(Path(text))
        course_id = course.course_id if course else course_id
    elif course is not None:
        db_url, course_id = course.db_url, course.course_id
    late_config = (course.config, course.root) if course is not None else (None, None)
    if db_url is not None:  # a late-penalty plugin the course names but that cannot load fails before grading
        nbgrader_io.late_penalty_assigner(*late_config)
    if db_url is not None and autograded_dir is None:
        autograded_dir = course.folder("autograded") if course else out_dir / "autograded"
    if db_url is not None:  # learner code must not see (let alone write) the gradebook or others' feedback
        database = db_url.split(":///", 1)[1] if db_url.startswith("sqlite:///") else None
        config = hide(config, *(p for p in (database, autograded_dir) if p is not None))

    found = discover_submissions(submitted_dir, assignments)
    names = sorted({a for _, a in found})
    fingerprints = {a: grader_fingerprint(config, a) for a in names}
    expected = {a: expected_notebooks(config, a) for a in names}
    todo, reused = [], 0
    for student, assignment in found:
        task = read_task(submitted_dir, student, assignment, fingerprints[assignment], expected[assignment])
        if not force and store.is_current(task):
            reused += 1
        else:
            todo.append((student, assignment))

    def reader(student: str, assignment: str):
        return lambda: read_task(submitted_dir, student, assignment, fingerprints[assignment], expected[assignment])

    context = GradingContext(config=config, grade_notebook=grade_notebook)
    report = run_tasks([reader(s, a) for s, a in todo], context, store.save, jobs=jobs, scheduler=scheduler,
                       progress=progress, labels=todo)

    results = [r for r in (store.load(s, a) for s, a in found) if r is not None]
    run = GradeRun(results=results, reused=reused, report=report)
    run.outputs.extend(write_reports(results, out_dir))
    run.outputs.extend(p for p in [write_grader_errors(out_dir, report.errors)] if p is not None)  # for `report`
    if db_url is not None:
        source_dir = getattr(config, "source_dir", None)
        nbgrader_io.write_gradebook(results, db_url, course_id=course_id, source_dir=source_dir,
                                    submitted_dir=submitted_dir, config=late_config[0], course_root=late_config[1])
        for result in results:
            run.outputs.append(nbgrader_io.write_autograded(result, submitted_dir, autograded_dir, source_dir))
    if gradescope:
        for result in results:
            path = out_dir / GRADESCOPE_FOLDER / result.student_id / result.assignment / "results.json"
            run.outputs.append(write_results_json(result, path))
    print(summary_table(run, total=len(found)), file=stream or sys.stdout)
    return run


def summary_table(run: GradeRun, total: int | None = None) -> str:
    """Per assignment and overall: submissions, exercises, mean score, and exercise outcomes by status."""
    report = run.report
    total = len(run.results) if total is None else total
    rate = len(report.graded) / report.seconds if report.seconds > 0 else 0.0
    lines = [(
        f"Graded {len(report.graded)} submission(s) in {report.seconds:.1f} s ({rate:.2f}/s, {report.where}); "
        f"{run.reused} up to date, skipped; {total} in all."
    )]
    if report.interrupted:
        missing = total - len(run.results)
        lines.append(f"INTERRUPTED: {missing} submission(s) not graded yet; run the same command again to "
                     "grade only those.")
    for student, assignment, text in report.errors:
        lines.append(f"GRADER ERROR {student}/{assignment}: {text} (nothing stored; retried by the next run)")

    by_assignment: dict[str, list[SubmissionResult]] = {}
    for result in run.results:
        by_assignment.setdefault(result.assignment, []).append(result)
    groups = [(name, by_assignment[name]) for name in sorted(by_assignment)]
    if len(groups) != 1:
        groups.append(("all", run.results))
    header = ["assignment", "submissions", "exercises", "mean score", *STATUSES]
    rows = []
    for name, results in groups:
        statuses = Counter(row.status for r in results for row in r.rows)
        rows.append([name, str(len(results)), str(sum(statuses.values())), mean_score_cell(results),
                     *(str(statuses.get(s, 0)) for s in STATUSES)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    lines += [fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]
    return "\n".join(lines)


def mean_score_cell(results: Sequence[SubmissionResult]) -> str:
    """"2.50/5 (50%)" when every submission has the same maximum; otherwise (the "all" row across assignments)
    the points over the maximum points, "35/55 points (64%)": scores out of different maxima are not averaged."""
    if not results:
        return "-"
    maxima = {r.max_score for r in results}
    points, possible = sum(r.score for r in results), sum(r.max_score for r in results)
    percent = f" ({100 * points / possible:.0f}%)" if possible else ""
    if len(maxima) == 1:
        return f"{points / len(results):.2f}/{maxima.pop():g}{percent}"
    return f"{points:g}/{possible:g} points{percent}"
