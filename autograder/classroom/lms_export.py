"""Final scores for an LMS gradebook: ``autograder export OUT_DIR --roster ROSTER.csv --to canvas|moodle``.

The scores are those of the class report (``class_report.submission_totals``): per student and assignment, the
points of grades.csv minus the late penalty, one column per assignment. The LMS knows students by its own
identities, so a roster maps ours (the folder names under ``submitted/``) to them.

Roster file (CSV, UTF-8, a header row; one row per student; extra columns are ignored)
----------------------------------------------------------------------------------------
``student_id`` (required)  the student's folder name under ``submitted/``, as in grades.csv
Canvas columns             ``name`` (shown as "Last, First"), ``canvas_id`` (Canvas's numeric user ID),
                           ``sis_user_id``, ``sis_login_id``, ``section``; every row needs ``canvas_id``,
                           ``sis_user_id`` or ``sis_login_id``
Moodle columns             ``email``, ``idnumber``, ``first_name``, ``last_name``; every row needs ``email`` or
                           ``idnumber`` (the field you map the user by when importing)

Canvas: Grades > Import takes a CSV whose first five columns are ``Student, ID, SIS User ID, SIS Login ID,
Section``, then one column per assignment, and an optional second row ``Points Possible``. A column named like an
existing Canvas assignment with its id in parentheses (``Neuron model (1234)``) updates it; any other name
creates a new assignment (``--column 01_neuron_model="Neuron model (1234)"`` renames a column).

Moodle: Grades > Import > CSV file; map the user by "Email address" -> email (or "ID number" -> idnumber) and
each assignment column to a grade item whose maximum grade is the assignment's maximum score.

A student of the roster without a graded submission gets an empty cell (the LMS keeps what it has); a graded
student missing from the roster is an error, so no score is silently left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .class_report import ReportError, read_grades, submission_totals

__all__ = ["FORMATS", "canvas_csv", "final_scores", "moodle_csv", "read_roster", "write_export"]

CANVAS_IDS = ("canvas_id", "sis_user_id", "sis_login_id")
MOODLE_IDS = ("email", "idnumber")
ROSTER_COLUMNS = ("student_id", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email",
                  "idnumber", "first_name", "last_name")


def read_roster(path: Path) -> pd.DataFrame:
    """The roster as strings, every documented column present (empty when the file lacks it)."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"roster {path} does not exist (a CSV with a student_id column; see `autograder export "
                          "--help`)")
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    roster.columns = [c.strip() for c in roster.columns]
    if "student_id" not in roster.columns:
        raise ReportError(f"roster {path} has no student_id column (its columns: {', '.join(roster.columns)})")
    duplicated = sorted(set(roster["student_id"][roster["student_id"].duplicated()]))
    if duplicated:
        raise ReportError(f"roster {path} lists these student_id more than once: {', '.join(duplicated)}")
    for column in ROSTER_COLUMNS:
        if column not in roster.columns:
            roster[column] = ""
    return roster.map(str.strip)


def final_scores(grades: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Final score per student (rows) and assignment (columns, NaN where nothing was graded), and each
    assignment's maximum score."""
    totals = submission_totals(grades)
    table = totals["final"].unstack("assignment")
    maxima = totals["max_score"].groupby(level="assignment").max().to_dict()
    return table, {a: float(m) for a, m in maxima.items()}


def _check_roster(roster: pd.DataFrame, scores: pd.DataFrame, ids: tuple[str, ...], lms: str) -> None:
    unknown = sorted(set(scores.index) - set(roster["student_id"]))
    if unknown:
        raise ReportError(f"graded student(s) missing from the roster: {', '.join(unknown)}; add them so that "
                          "no score is left out")
    unnamed = roster[(roster[list(ids)] == "").all(axis=1)]["student_id"].tolist()
    if unnamed:
        raise ReportError(f"{lms} cannot tell who these roster rows are (they need one of {', '.join(ids)}): "
                          f"{', '.join(unnamed)}")


def _cell(value: float) -> str:
    return "" if pd.isna(value) else f"{value:g}"


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def canvas_csv(grades: pd.DataFrame, roster: pd.DataFrame, columns: Mapping[str, str] = {}) -> str:
    """Canvas gradebook import CSV (see the module docstring)."""
    scores, maxima = final_scores(grades)
    _check_roster(roster, scores, CANVAS_IDS, "Canvas")
    assignments = sorted(maxima)
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *(columns.get(a, a) for a in assignments)],
            ["Points Possible", "", "", "", "", *(f"{maxima[a]:g}" for a in assignments)]]
    for student in roster.itertuples():
        values = scores.loc[student.student_id] if student.student_id in scores.index else None
        rows.append([student.name, student.canvas_id, student.sis_user_id, student.sis_login_id, student.section,
                     *(_cell(values[a]) if values is not None else "" for a in assignments)])
    return _csv(rows)


def moodle_csv(grades: pd.DataFrame, roster: pd.DataFrame, columns: Mapping[str, str] = {}) -> str:
    """Moodle grade import CSV (see the module docstring)."""
    scores, maxima = final_scores(grades)
    _check_roster(roster, scores, MOODLE_IDS, "Moodle")
    assignments = sorted(maxima)
    rows = [["Email address", "ID number", "First name", "Last name", *(columns.get(a, a) for a in assignments)]]
    for student in roster.itertuples():
        values = scores.loc[student.student_id] if student.student_id in scores.index else None
        rows.append([student.email, student.idnumber, student.first_name, student.last_name,
                     *(_cell(values[a]) if values is not None else "" for a in assignments)])
    return _csv(rows)


FORMATS = {"canvas": canvas_csv, "moodle": moodle_csv}


def write_export(out_dir: Path, roster_path: Path, lms: str, output: Path | None = None,
                 columns: Mapping[str, str] = {}) -> Path:
    """Write ``OUT_DIR/export/<lms>.csv`` (or ``output``) from OUT_DIR/grades.csv and the roster."""
    grades = read_grades(out_dir)
    unknown = sorted(set(columns) - set(grades["assignment"]))
    if unknown:
        raise ReportError(f"--column names assignment(s) that grades.csv does not have: {', '.join(unknown)}")
    text = FORMATS[lms](grades, read_roster(roster_path), columns)
    path = Path(output) if output is not None else Path(out_dir) / "export" / f"{lms}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------------
# Command line: autograder export OUT_DIR --roster ROSTER.csv --to canvas|moodle
# ---------------------------------------------------------------------------------------------------------------

def add_parser(sub):
    import argparse

    p = sub.add_parser("export", help="export the final scores for Canvas or Moodle gradebook import",
                       description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the grading output folder (autograder grade --out)")
    p.add_argument("--roster", type=Path, required=True, metavar="ROSTER.csv",
                   help="student_id -> LMS identity columns (see above)")
    p.add_argument("--to", dest="lms", choices=sorted(FORMATS), required=True, help="the LMS")
    p.add_argument("--output", type=Path, default=None, metavar="FILE", help="default: OUT_DIR/export/<LMS>.csv")
    p.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=HEADER",
                   help="the LMS column of an assignment, e.g. 01_neuron_model='Neuron model (1234)' (repeatable)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    import sys

    try:
        columns = dict(_column(text) for text in args.column)
        path = write_export(args.out_dir, args.roster, args.lms, args.output, columns)
    except ReportError as exc:
        print(f"autograder export: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def _column(text: str) -> tuple[str, str]:
    assignment, sep, header = text.partition("=")
    if not sep or not assignment.strip() or not header.strip():
        raise ReportError(f"--column {text!r}: expected ASSIGNMENT=HEADER")
    return assignment.strip(), header.strip()
