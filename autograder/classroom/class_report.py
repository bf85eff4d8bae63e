"""The class report: ``autograder report OUT_DIR`` (instructor side).

A pure function of the grading output folder's files, read with pandas, never of the grading pipeline's objects:

- ``OUT_DIR/grades.csv`` (one row per student x assignment x notebook x exercise): ``score``, ``max_score``,
  ``status``, ``message``, ``hint``, ``misconception`` and, when the course has late penalties, ``seconds_late``
  and ``penalty`` (points taken off one notebook; repeated on each of its rows or on one of them);
- ``OUT_DIR/grader_errors.csv`` (optional): submissions the grader itself failed on in the last run.

It writes, per assignment, ``REPORT_DIR/<assignment>.html`` (figures embedded as PNG) and ``<assignment>.md``
(figures beside it in ``figures/``), plus ``index.html`` / ``index.md`` across assignments. Each report has the
score distribution, the outcome rates per exercise, the misconceptions matched most often, the submissions to
review (tampered, error, late, grader error) and a per-student table. Totals are sums of points over sums of
maximum scores: scores with different maxima are never averaged as if they were alike.

Every figure is drawn from a table that the report also prints, and carries that table as JSON in the PNG's
``Description`` text chunk, so the numbers of a figure can be checked against grades.csv.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = [
    "GRADER_ERRORS",
    "ReportError",
    "assignment_report",
    "exercise_outcomes",
    "misconception_counts",
    "read_grader_errors",
    "read_grades",
    "review_list",
    "score_distribution",
    "submission_totals",
    "write_grader_errors",
    "write_report",
]

GRADES = "grades.csv"
GRADER_ERRORS = "grader_errors.csv"
REQUIRED = ("student_id", "assignment", "notebook", "exercise", "score", "max_score", "status")
#: outcome groups shown per exercise: name -> the grades.csv statuses it gathers
OUTCOMES = {"passed": ("passed",), "failed": ("failed",), "missing": ("missing",),
            "error": ("error", "timeout", "memory"), "tampered": ("tampered",)}
OUTCOME_COLOURS = {"passed": "#2da44e", "failed": "#cf222e", "missing": "#8c959f", "error": "#bf8700",
                   "tampered": "#8250df"}
ERROR_STATUSES = ("error", "timeout", "memory")


class ReportError(ValueError):
    """The grading output folder cannot be reported on (no grades.csv, missing columns, ...)."""


# ---------------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------------

def read_grades(out_dir: Path) -> pd.DataFrame:
    """grades.csv as a DataFrame with typed columns (optional columns filled in when absent).

    Returns
    -------
    DataFrame with one row per exercise: student_id, assignment, notebook, exercise (str), score, max_score,
    seconds_late, penalty (float), status, message, hint, misconception (str).
    """
    path = Path(out_dir) / GRADES
    if not path.is_file():
        raise ReportError(f"{path} does not exist: run `autograder grade SUBMITTED_DIR --out {out_dir}` first")
    grades = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in grades.columns]
    if missing:
        raise ReportError(f"{path} lacks the column(s) {', '.join(missing)}; is it a grades.csv of autograder grade?")
    for column in ("message", "hint", "misconception"):
        if column not in grades.columns:
            grades[column] = ""
    for column in ("score", "max_score", "seconds_late", "penalty"):
        values = grades[column] if column in grades.columns else pd.Series("", index=grades.index)
        grades[column] = pd.to_numeric(values.replace("", "0"), errors="raise").astype(float)
    return grades


def read_grader_errors(out_dir: Path) -> pd.DataFrame:
    """The submissions the grader itself failed on in the last run (student_id, assignment, error)."""
    path = Path(out_dir) / GRADER_ERRORS
    if not path.is_file():
        return pd.DataFrame(columns=["student_id", "assignment", "error"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_grader_errors(out_dir: Path, errors: Sequence[tuple[str, str, str]]) -> Path | None:
    """Record the last run's grader failures ((student, assignment, text)) for the report; none: no file."""
    path = Path(out_dir) / GRADER_ERRORS
    if not errors:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(list(errors), columns=["student_id", "assignment", "error"]).to_csv(path, index=False)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Tables (pure functions of the grades DataFrame)
# ---------------------------------------------------------------------------------------------------------------

def submission_totals(grades: pd.DataFrame) -> pd.DataFrame:
    """One row per (assignment, student_id): points, maximum, late penalty and final score.

    The penalty of a notebook is the largest value of its rows' ``penalty``; a submission's penalty is the sum
    over its notebooks, taken off its points but never below zero (nbgrader's ``export``: max(0, score - penalty)).

    Returns
    -------
    DataFrame indexed by (assignment, student_id) with score, max_score, penalty, final (= max(score - penalty,
    0)), percent (100 * final / max_score) and seconds_late (largest over the notebooks).
    """
    per_notebook = grades.groupby(["assignment", "student_id", "notebook"]).agg(
        score=("score", "sum"), max_score=("max_score", "sum"), penalty=("penalty", "max"),
        seconds_late=("seconds_late", "max"))
    totals = per_notebook.groupby(level=["assignment", "student_id"]).agg(
        score=("score", "sum"), max_score=("max_score", "sum"), penalty=("penalty", "sum"),
        seconds_late=("seconds_late", "max"))
    totals["final"] = (totals["score"] - totals["penalty"]).clip(lower=0.0)
    totals["percent"] = (100.0 * totals["final"] / totals["max_score"]).where(totals["max_score"] > 0, 0.0)
    return totals


def score_distribution(totals: pd.DataFrame, max_score: float) -> pd.DataFrame:
    """How many submissions scored in each band of points (final scores).

    Bands are one point wide up to 20 points (then a twentieth of the maximum); the last band includes the
    maximum. Returns a DataFrame with columns low, high, label, submissions.
    """
    width = 1.0 if max_score <= 20 else max_score / 20
    edges = [i * width for i in range(int(max_score // width) + 1)]
    if edges[-1] < max_score:
        edges.append(float(max_score))
    if len(edges) == 1:
        edges.append(edges[0] + 1.0)
    bands = []
    finals = totals["final"].to_numpy()
    for i, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        last = i == len(edges) - 2
        inside = (finals >= low) & ((finals <= high) if last else (finals < high))
        label = f"{low:g}-{high:g}" if last else f"{low:g}-<{high:g}"
        bands.append({"low": low, "high": high, "label": label, "submissions": int(inside.sum())})
    return pd.DataFrame(bands)


def exercise_outcomes(grades: pd.DataFrame) -> pd.DataFrame:
    """Per exercise (in notebook order): its maximum and how many submissions passed, failed, ... (OUTCOMES).

    Returns a DataFrame indexed by exercise with max_score, submissions, one count column per outcome and one
    ``<outcome> %`` column each (percent of the exercise's submissions).
    """
    order = list(dict.fromkeys(grades["exercise"]))
    table = pd.DataFrame(index=pd.Index(order, name="exercise"))
    table["max_score"] = grades.groupby("exercise")["max_score"].max()
    table["submissions"] = grades.groupby("exercise").size()
    for outcome, statuses in OUTCOMES.items():
        table[outcome] = grades[grades["status"].isin(statuses)].groupby("exercise").size()
    table = table.fillna(0)
    for outcome in OUTCOMES:
        table[outcome] = table[outcome].astype(int)
        table[f"{outcome} %"] = 100.0 * table[outcome] / table["submissions"]
    return table


def misconception_counts(grades: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The misconceptions matched most often: exercise, misconception id, its hint, how many submissions and
    their share of the submissions of that exercise (percent). Most frequent first, at most ``top`` rows."""
    matched = grades[grades["misconception"] != ""]
    per_exercise = grades.groupby("exercise").size()
    counts = (matched.groupby(["exercise", "misconception"])
              .agg(hint=("hint", "first"), submissions=("student_id", "size")).reset_index())
    counts["share %"] = 100.0 * counts["submissions"] / counts["exercise"].map(per_exercise)
    counts = counts.sort_values(["submissions", "exercise", "misconception"], ascending=[False, True, True])
    return counts.head(top).reset_index(drop=True)


def review_list(grades: pd.DataFrame, grader_errors: pd.DataFrame) -> pd.DataFrame:
    """Submissions an instructor should look at: tampered or erroring exercises, late work, grader failures.

    Returns a DataFrame with student_id, reason (tampered, error, late, grader error) and detail, one row per
    submission and reason, sorted by student.
    """
    rows = []
    for (student, status_group), part in _flagged(grades):
        names = ", ".join(f"{r.exercise} ({r.status})" if status_group == "error" else r.exercise
                          for r in part.itertuples())
        rows.append({"student_id": student, "reason": status_group, "detail": names})
    totals = submission_totals(grades)
    for (_, student), total in totals[totals["seconds_late"] > 0].iterrows():
        rows.append({"student_id": student, "reason": "late",
                     "detail": f"{_duration(total['seconds_late'])} late, penalty {total['penalty']:g} point(s)"})
    for error in grader_errors.itertuples():
        rows.append({"student_id": error.student_id, "reason": "grader error",
                     "detail": f"{error.error} (nothing stored; the next `autograder grade` retries it)"})
    table = pd.DataFrame(rows, columns=["student_id", "reason", "detail"])
    return table.sort_values(["student_id", "reason"], kind="stable").reset_index(drop=True)


def _flagged(grades: pd.DataFrame):
    tampered = grades[grades["status"] == "tampered"]
    errors = grades[grades["status"].isin(ERROR_STATUSES)]
    for group, part in (("tampered", tampered), ("error", errors)):
        for student, rows in part.groupby("student_id"):
            yield (student, group), rows


def _duration(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
    return " ".join(parts) or f"{seconds:g} s"


def student_table(grades: pd.DataFrame) -> pd.DataFrame:
    """Per student: each exercise's score with its status, then the total, penalty, final and percent."""
    order = list(dict.fromkeys(grades["exercise"]))
    cells = grades.assign(cell=[f"{s:g} {_MARK.get(st, st)}" for s, st in zip(grades["score"], grades["status"])])
    wide = cells.pivot_table(index="student_id", columns="exercise", values="cell", aggfunc="first")[order]
    totals = submission_totals(grades).droplevel("assignment")
    wide["total"] = [f"{totals.at[s, 'score']:g}/{totals.at[s, 'max_score']:g}" for s in wide.index]
    wide["penalty"] = [f"{totals.at[s, 'penalty']:g}" for s in wide.index]
    wide["final"] = [f"{totals.at[s, 'final']:g}" for s in wide.index]
    wide["%"] = [f"{totals.at[s, 'percent']:.0f}" for s in wide.index]
    wide.columns.name = None
    return wide.reset_index()


_MARK = {"passed": "✓", "failed": "✗", "missing": "–", "error": "error", "timeout": "timeout", "memory": "memory",
         "tampered": "tampered"}


# ---------------------------------------------------------------------------------------------------------------
# Figures (PNG bytes; each carries its data as JSON in the PNG's Description chunk)
# ---------------------------------------------------------------------------------------------------------------

def _png(fig, data) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight",
                metadata={"Description": json.dumps(data, sort_keys=True)})
    plt.close(fig)
    return buffer.getvalue()


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def distribution_figure(bands: pd.DataFrame, assignment: str, max_score: float) -> bytes:
    fig, ax = _figure(6.4, 3.2)
    ax.bar(bands["low"], bands["submissions"], width=bands["high"] - bands["low"], align="edge",
           color="#0969da", edgecolor="white")
    ax.set_xlim(0, max(max_score, float(bands["high"].max())))
    ax.set_xlabel(f"final score (points, of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{assignment}: score distribution")
    return _png(fig, {"labels": list(bands["label"]), "submissions": [int(n) for n in bands["submissions"]]})


def outcome_figure(outcomes: pd.DataFrame, assignment: str) -> bytes:
    fig, ax = _figure(6.4, 0.45 * len(outcomes) + 1.3)
    names = list(outcomes.index)[::-1]
    left = [0.0] * len(names)
    for outcome in OUTCOMES:
        values = [float(outcomes.at[n, f"{outcome} %"]) for n in names]
        ax.barh(names, values, left=left, color=OUTCOME_COLOURS[outcome], label=outcome)
        left = [a + b for a, b in zip(left, values)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of submissions (%)")
    ax.set_title(f"{assignment}: outcome per exercise", pad=24)
    ax.legend(ncols=len(OUTCOMES), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize="small")
    data = {n: {o: int(outcomes.at[n, o]) for o in OUTCOMES} for n in outcomes.index}
    return _png(fig, data)


def misconception_figure(counts: pd.DataFrame, assignment: str) -> bytes:
    fig, ax = _figure(6.4, 0.45 * len(counts) + 1.0)
    labels = [f"{e}: {m}" for e, m in zip(counts["exercise"], counts["misconception"])][::-1]
    ax.barh(labels, list(counts["submissions"])[::-1], color="#cf222e")
    ax.set_xlabel("submissions")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{assignment}: misconceptions matched")
    return _png(fig, {f"{e}: {m}": int(n) for e, m, n in
                      zip(counts["exercise"], counts["misconception"], counts["submissions"])})


# ---------------------------------------------------------------------------------------------------------------
# One assignment's report: sections rendered to Markdown and HTML from the same tables
# ---------------------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Section:
    title: str
    text: str = ""
    table: pd.DataFrame | None = None
    figure: bytes | None = None
    figure_name: str = ""


@dataclasses.dataclass
class AssignmentReport:
    assignment: str
    summary: dict
    sections: list[Section]


def assignment_report(grades: pd.DataFrame, grader_errors: pd.DataFrame, assignment: str,
                      everyone: Sequence[str] = ()) -> AssignmentReport:
    """The report of one assignment from its grades.csv rows (and the class list ``everyone``, to name the
    students who submitted other assignments but not this one)."""
    rows = grades[grades["assignment"] == assignment]
    errors = grader_errors[grader_errors["assignment"] == assignment]
    totals = submission_totals(rows)
    maxima = sorted(set(totals["max_score"]))
    max_score = maxima[-1]
    points, possible = float(totals["final"].sum()), float(totals["max_score"].sum())
    summary = {"assignment": assignment, "submissions": len(totals), "max_score": max_score,
               "points": points, "possible": possible,
               "percent": 100.0 * points / possible if possible else 0.0,
               "median": float(totals["final"].median()), "lowest": float(totals["final"].min()),
               "highest": float(totals["final"].max())}
    not_submitted = sorted(set(everyone) - set(rows["student_id"]))

    bands = score_distribution(totals, max_score)
    outcomes = exercise_outcomes(rows)
    misconceptions = misconception_counts(rows)
    review = review_list(rows, errors)
    sections = [
        Section("Score distribution",
                f"{summary['submissions']} submission(s); {points:g} of {possible:g} points "
                f"({summary['percent']:.1f}%); median {summary['median']:g}, lowest {summary['lowest']:g}, "
                f"highest {summary['highest']:g} of {max_score:g}."
                + ("" if len(maxima) == 1 else f" Maximum scores differ between submissions ({maxima}); the "
                                               "percentage is total points over total maximum.")
                + (f" Not submitted: {', '.join(not_submitted)}." if not_submitted else ""),
                bands[["label", "submissions"]].rename(columns={"label": "points"}),
                distribution_figure(bands, assignment, max_score), f"{assignment}-scores.png"),
        Section("Outcome per exercise",
                "Submissions per outcome (error includes timeout and memory); percentages of the exercise's "
                "submissions.",
                _outcome_display(outcomes), outcome_figure(outcomes, assignment), f"{assignment}-outcomes.png"),
        Section("Misconceptions matched",
                "Wrong answers that behave exactly like a known mistake (the grader's mutants), most frequent "
                "first." if len(misconceptions) else "No wrong answer matched a known misconception.",
                _misconception_display(misconceptions) if len(misconceptions) else None,
                misconception_figure(misconceptions, assignment) if len(misconceptions) else None,
                f"{assignment}-misconceptions.png"),
        Section("Submissions to review",
                "Tampered test cells, exercises that crashed, ran out of time or memory, late work and "
                "submissions the grader failed on." if len(review) else "Nothing to review.",
                review if len(review) else None),
        Section("Students",
                "Each exercise's score with its status (✓ passed, ✗ failed, – missing); the final score is "
                "the total minus the late penalty.", student_table(rows)),
    ]
    return AssignmentReport(assignment, summary, sections)


def _outcome_display(outcomes: pd.DataFrame) -> pd.DataFrame:
    shown = pd.DataFrame(index=outcomes.index)
    shown["max"] = [f"{v:g}" for v in outcomes["max_score"]]
    for outcome in OUTCOMES:
        shown[outcome] = [f"{n} ({p:.0f}%)" for n, p in zip(outcomes[outcome], outcomes[f"{outcome} %"])]
    return shown.reset_index()


def _misconception_display(counts: pd.DataFrame) -> pd.DataFrame:
    shown = counts[["exercise", "misconception", "submissions"]].copy()
    shown["share"] = [f"{p:.0f}%" for p in counts["share %"]]
    shown["hint shown to the student"] = counts["hint"]
    return shown


# ---------------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------------

def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: pd.DataFrame) -> str:
    header = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(_md_cell(c) for c in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def render_markdown(report: AssignmentReport) -> str:
    lines = [f"# Class report: {report.assignment}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", "", section.text, ""]
        if section.figure is not None:
            lines += [f"![{section.title}](figures/{section.figure_name})", ""]
        if section.table is not None:
            lines += [markdown_table(section.table), ""]
    return "\n".join(lines)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; margin-top: 1.6em; }
"""


def _html_page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}"
            f"</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def render_html(report: AssignmentReport) -> str:
    parts = [f"<h1>Class report: {html.escape(report.assignment)}</h1>", '<p><a href="index.html">all assignments</a></p>']
    for section in report.sections:
        parts += [f"<h2>{html.escape(section.title)}</h2>", f"<p>{html.escape(section.text)}</p>"]
        if section.figure is not None:
            data = base64.b64encode(section.figure).decode("ascii")
            parts.append(f'<img alt="{html.escape(section.title)}" src="data:image/png;base64,{data}">')
        if section.table is not None:
            parts.append(section.table.to_html(index=False, escape=True, border=0))
    return _html_page(f"Class report: {report.assignment}", "\n".join(parts))


def class_overview(grades: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per assignment (and in all): submissions and points over maximum points; per student over the
    assignments they submitted: points over the sum of those assignments' maxima."""
    totals = submission_totals(grades).reset_index()
    by_assignment = totals.groupby("assignment").agg(submissions=("student_id", "size"), points=("final", "sum"),
                                                     possible=("max_score", "sum"), max_score=("max_score", "max"),
                                                     median=("final", "median"))
    all_row = pd.DataFrame({"submissions": [len(totals)], "points": [totals["final"].sum()],
                            "possible": [totals["max_score"].sum()], "max_score": [float("nan")],
                            "median": [float("nan")]}, index=pd.Index(["all"], name="assignment"))
    by_assignment = pd.concat([by_assignment, all_row])
    assignments = pd.DataFrame({
        "assignment": by_assignment.index,
        "submissions": by_assignment["submissions"].astype(int).to_numpy(),
        "max score": ["" if pd.isna(v) else f"{v:g}" for v in by_assignment["max_score"]],
        "median": ["" if pd.isna(v) else f"{v:g}" for v in by_assignment["median"]],
        "points / possible": [f"{p:g}/{q:g}" for p, q in zip(by_assignment["points"], by_assignment["possible"])],
        "%": [f"{100 * p / q:.1f}" if q else "" for p, q in zip(by_assignment["points"], by_assignment["possible"])],
    })
    per_student = totals.groupby("student_id").agg(assignments=("assignment", "size"), points=("final", "sum"),
                                                   possible=("max_score", "sum"))
    students = pd.DataFrame({
        "student_id": per_student.index,
        "assignments": per_student["assignments"].to_numpy(),
        "points / possible": [f"{p:g}/{q:g}" for p, q in zip(per_student["points"], per_student["possible"])],
        "%": [f"{100 * p / q:.1f}" if q else "" for p, q in zip(per_student["points"], per_student["possible"])],
    })
    return assignments, students


def write_report(out_dir: Path, report_dir: Path | None = None) -> list[Path]:
    """Write the class report of every assignment in ``out_dir/grades.csv``; returns the files written.

    report_dir: default ``out_dir/report``.
    """
    out_dir = Path(out_dir)
    report_dir = Path(report_dir) if report_dir is not None else out_dir / "report"
    grades = read_grades(out_dir)
    if grades.empty:
        raise ReportError(f"{out_dir / GRADES} has no rows: nothing was graded yet")
    grader_errors = read_grader_errors(out_dir)
    (report_dir / "figures").mkdir(parents=True, exist_ok=True)
    everyone = sorted(set(grades["student_id"]))
    written: list[Path] = []
    links = []
    for assignment in sorted(set(grades["assignment"])):
        report = assignment_report(grades, grader_errors, assignment, everyone)
        for section in report.sections:
            if section.figure is not None:
                path = report_dir / "figures" / section.figure_name
                path.write_bytes(section.figure)
                written.append(path)
        for suffix, text in ((".md", render_markdown(report)), (".html", render_html(report))):
            path = report_dir / f"{assignment}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        links.append(assignment)
    written += _write_index(report_dir, grades, grader_errors, links)
    return written


def _write_index(report_dir: Path, grades: pd.DataFrame, grader_errors: pd.DataFrame,
                 assignments: list[str]) -> list[Path]:
    by_assignment, by_student = class_overview(grades)
    intro = ("Points are summed and divided by the sum of the maximum scores (assignments with different "
             "maxima are never averaged as if they were alike).")
    unmatched = grader_errors[~grader_errors["assignment"].isin(assignments)]
    md = ["# Class report", "", intro, "", "## Assignments", "", markdown_table(by_assignment), "",
          *[f"- [{a}]({a}.md)" for a in assignments], "", "## Students", "", markdown_table(by_student), ""]
    body = [f"<h1>Class report</h1><p>{html.escape(intro)}</p>", "<h2>Assignments</h2>",
            by_assignment.to_html(index=False, border=0),
            "<ul>" + "".join(f'<li><a href="{html.escape(a)}.html">{html.escape(a)}</a></li>' for a in assignments)
            + "</ul>", "<h2>Students</h2>", by_student.to_html(index=False, border=0)]
    if len(unmatched):
        md += ["## Grader errors", "", markdown_table(unmatched), ""]
        body += ["<h2>Grader errors</h2>", unmatched.to_html(index=False, border=0)]
    paths = [report_dir / "index.md", report_dir / "index.html"]
    paths[0].write_text("\n".join(md), encoding="utf-8")
    paths[1].write_text(_html_page("Class report", "\n".join(body)), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------------------------
# Command line: autograder report OUT_DIR
# ---------------------------------------------------------------------------------------------------------------

def add_parser(sub):
    p = sub.add_parser("report", help="write the class report (HTML with figures, and Markdown) of a graded class",
                       description="Read OUT_DIR/grades.csv (written by `autograder grade`) and write, per "
                                   "assignment, an HTML and a Markdown report: the score distribution, outcome "
                                   "rates per exercise, misconceptions matched, submissions to review and a "
                                   "table per student; plus index.html/index.md across assignments.")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the grading output folder (autograder grade --out)")
    p.add_argument("--report-dir", type=Path, default=None, metavar="DIR", help="default: OUT_DIR/report")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    import sys

    try:
        written = write_report(args.out_dir, args.report_dir)
    except ReportError as exc:
        print(f"autograder report: {exc}", file=sys.stderr)
        return 2
    index = next(p for p in written if p.name == "index.html")
    pages = sum(p.suffix == ".html" for p in written) - 1
    print(f"wrote the class report of {pages} assignment(s): {index}")
    return 0
