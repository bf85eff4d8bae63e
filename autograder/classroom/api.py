"""Grading a whole class: the function behind ``autograder grade`` and the summary it prints.

One straight line, for every submission folder ``submitted/<student>/<assignment>/``:

    store.discover_submissions -> store.read_task (lstat everything, caps, bytes)  -> ResultStore.state
    -> runner.run_tasks -> runner.grade_task -> sandbox.grade.grade_notebook (one NotebookGrade per notebook)
    -> ResultStore.save (digest-protected) -> reports (grades.csv, feedback), nbgrader_io (gradebook,
       autograded/), gradescope (results.json): all from the same ``SubmissionResult`` records.

A stored result is reused when it verifies and the submission and grader are unchanged; one that fails
verification is regraded and reported. The instructor's real folders (submitted/, the source notebooks, the
output folder, the gradebook and autograded/ folder, ``--hide`` paths) are resolved and handed to the sandbox,
which keeps them out of every worker's sight.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .records import STATUSES, SubmissionResult
from .reports import write_reports
from .runner import GradingContext, RunReport, default_config, run_tasks
from .store import ResultStore, discover_submissions, read_task

__all__ = ["GradeRun", "SelectionError", "grade_directory", "select", "summary_table"]

RESULTS_FOLDER = "submissions"
GRADESCOPE_FOLDER = "gradescope"


def grader_fingerprint(config: Any, assignment: str) -> str:
    """The grader's fingerprint on this machine (``provenance``): part of every stored result's key, and what
    each result must prove it was graded with (the code, the answer key, the source notebooks and the
    configuration, but not which folders are hidden from the workers: that changes no correct grade)."""
    from .provenance import grader_fingerprint as fingerprint_here

    return fingerprint_here(config, assignment)


def expected_notebooks(config: Any, assignment: str) -> tuple[str, ...]:
    """Stems of the assignment's source notebooks (a submission missing one is graded 'missing' for it)."""
    from autograder.sandbox.grade import source_notebooks

    return tuple(p.stem for p in source_notebooks(getattr(config, "source_dir", None), assignment))


def hide(config: Any, *paths) -> Any:
    """The configuration with ``paths`` (resolved: relative to the current folder) added to what the sandbox
    keeps out of the workers' sight."""
    if not hasattr(config, "hide_paths"):
        return config
    extra = tuple(dict.fromkeys(Path(p).resolve() for p in paths if p is not None))
    extra = tuple(p for p in extra if p not in config.hide_paths)
    return dataclasses.replace(config, hide_paths=tuple(config.hide_paths) + extra) if extra else config


def _source_assignments(source_dir: Path | None) -> list[str]:
    """Assignment names of the source folder (its sub-folders)."""
    if source_dir is None or not Path(source_dir).is_dir():
        return []
    return sorted(p.name for p in Path(source_dir).iterdir() if p.is_dir() and not p.name.startswith("."))


class SelectionError(ValueError):
    """--student or --assignment names something that has no submission."""


def select(found: Sequence, *, students: Sequence[str] | None = None, assignments: Sequence[str] | None = None
           ) -> list:
    """The discovered submissions (with ``student_id`` and ``assignment``) that the filters keep; a name that
    matches no submission is an error."""
    for wanted, field, what in ((students, "student_id", "student"), (assignments, "assignment", "assignment")):
        unknown = sorted(set(wanted or ()) - {getattr(item, field) for item in found})
        if unknown:
            raise SelectionError(f"no submission of {what} {', '.join(map(repr, unknown))} was found")
    return [item for item in found
            if (not students or item.student_id in students) and (not assignments or item.assignment in assignments)]


@dataclasses.dataclass
class GradeRun:
    """Everything a class-wide grading run did."""

    results: list[SubmissionResult]  # every discovered submission's current result
    reused: int  # submissions skipped because their stored result was up to date
    report: RunReport
    outputs: list[Path] = dataclasses.field(default_factory=list)
    forged: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # stored results that failed checks
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # folders discovery refused

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
    students: Sequence[str] | None = None,
    use_gradebook: bool = True,
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
    assignments, students: grade only these (SelectionError when one names no submission); grades.csv, the
        feedback, the gradebook and results.json still cover every submission with a stored result.
    use_gradebook: False writes no gradebook and no autograded/ tree, even in an nbgrader course.
    grade_notebook: the per-notebook grader (default: the sandbox's; tests pass a stand-in).
    """
    from .class_report import write_grader_errors
    from .gradescope import write_results_json
    from .nbgrader_io import late_penalty_assigner, read_scores, sqlite_url, write_autograded, write_gradebook

    submitted_dir, out_dir = Path(submitted_dir).resolve(), Path(out_dir).resolve()
    config = config if config is not None else default_config()
    if getattr(config, "source_dir", None) is not None:
        config = dataclasses.replace(config, source_dir=Path(config.source_dir).resolve())
    store = ResultStore(out_dir / RESULTS_FOLDER)

    course = _course_for(submitted_dir)
    db_url, course_id = None, "default_course"
    if not use_gradebook:
        pass
    elif gradebook is not None:
        text = str(gradebook)
        db_url = text if "://" in text else sqlite_url(Path(text))
        course_id = course.course_id if course else course_id
    elif course is not None:
        db_url, course_id = course.db_url, course.course_id
    late_config = (course.config, course.root) if course is not None else (None, None)
    if db_url is not None:  # a late-penalty plugin the course names but that cannot load fails before grading
        late_penalty_assigner(*late_config)
    if db_url is not None and autograded_dir is None:
        autograded_dir = course.folder("autograded") if course else out_dir / "autograded"
    database = db_url.split(":///", 1)[1] if db_url and db_url.startswith("sqlite:///") else None
    # learner code must not see (let alone write) the class, the course, the grades or others' feedback
    config = hide(config, submitted_dir, out_dir, getattr(config, "source_dir", None), database, autograded_dir)

    source_dir = getattr(config, "source_dir", None)
    everyone = discover_submissions(submitted_dir, known=_source_assignments(source_dir))
    found = select(everyone, students=students, assignments=assignments)
    names = sorted({f.assignment for f in found})
    fingerprints = {a: grader_fingerprint(config, a) for a in names}
    expected = {a: expected_notebooks(config, a) for a in names}
    todo, reused, forged, refused = [], 0, [], []
    for item in found:
        task = read_task(submitted_dir, item, fingerprints[item.assignment], expected[item.assignment])
        if task.refused:
            refused.append((item.student_id, item.assignment))
        state = store.state(task)
        if state == "forged":
            forged.append((item.student_id, item.assignment))
        if state == "current" and not force:
            reused += 1
        else:
            todo.append(item)

    def reader(item):
        return lambda: read_task(submitted_dir, item, fingerprints[item.assignment], expected[item.assignment])

    context = GradingContext(config, grade_notebook) if grade_notebook else GradingContext(config)
    report = run_tasks([reader(item) for item in todo], context, store.save, jobs=jobs, scheduler=scheduler,
                       progress=progress, labels=[(f.student_id, f.assignment) for f in todo],
                       fingerprints=fingerprints)

    results = [r for r in (store.load(f.student_id, f.assignment) for f in everyone) if r is not None]
    run = GradeRun(results=results, reused=reused, report=report, forged=forged, refused=refused)
    run.outputs.extend(p for p in [write_grader_errors(out_dir, report.errors)] if p is not None)  # for `report`
    if db_url is not None:
        if database is not None:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        write_gradebook(results, db_url, course_id=course_id, source_dir=source_dir, submitted_dir=submitted_dir,
                        config=late_config[0], course_root=late_config[1])
        selected = {(f.student_id, f.assignment) for f in found}
        for result in results:
            if (result.student_id, result.assignment) in refused or (result.student_id, result.assignment) \
                    not in selected:
                continue  # nothing of a refused folder is copied anywhere; only what was selected is rewritten
            run.outputs.append(write_autograded(result, submitted_dir, autograded_dir, source_dir))
    # the score of record (manual overrides, late penalty) when there is a gradebook, else the automatic scores
    records = read_scores(db_url, [(r.student_id, r.assignment) for r in results],
                          course_id=course_id) if db_url is not None else {}
    run.outputs.extend(write_reports(results, out_dir, records))
    if gradescope:
        for result in results:
            path = out_dir / GRADESCOPE_FOLDER / result.student_id / result.assignment / "results.json"
            record = records.get((result.student_id, result.assignment))
            run.outputs.append(write_results_json(result, path, record=record))
    print(summary_table(run, total=len(everyone)), file=stream or sys.stdout)
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
    for rejection in report.rejected:
        lines.append(f"REJECTED RESULT: {rejection.message()}; not stored, graded again by a worker whose grader "
                     "matches")
    for student, assignment in run.forged:
        lines.append(f"FORGED RESULT {student}/{assignment}: the stored result failed verification (it was "
                     "changed outside the grader); regraded")
    for student, assignment in run.refused:
        lines.append(f"REFUSED {student}/{assignment}: not graded (see its rows in grades.csv for why)")

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
