"""An independent check of ``autograder report``'s Markdown against grades.csv (pandas, nothing of class_report).

``report_problems(out_dir)`` recomputes, from ``OUT_DIR/grades.csv`` (and ``grader_errors.csv`` when present),
every number the Markdown reports state and returns the differences as sentences (an empty list: the report
agrees with grades.csv). Used by ``tests/autograder/test_class_report.py`` and by
``benchmarks/grading_vs_nbgrader.py`` after its grading run.

What is checked, per assignment (``REPORT/<assignment>.md``) and across them (``REPORT/index.md``):

- the summary line: submissions, points of possible points, median, lowest and highest final score;
- the score distribution: one-point bands up to a maximum of 20 points (else a twentieth of it), the last
  band closed;
- outcome per exercise: passed / failed / missing / error (error, timeout, memory) / tampered, with counts and
  percentages of the exercise's submissions;
- misconceptions: each (exercise, id) matched, how many submissions and their share;
- submissions to review: each tampered or erroring student with the exercises, each late one with the
  penalty, each grader error;
- the per-student table: each exercise's score and status, total / maximum, penalty, final and percent;
- the overview: per assignment and over all, points over possible points (never a mean of unlike maxima),
  and per student.

A submission's penalty is, per notebook, the penalty on its rows (the same number on each), summed over its
notebooks; its final score is max(0, points - penalty), as ``nbgrader export`` computes it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

GROUPS = {"passed": ["passed"], "failed": ["failed"], "missing": ["missing"], "error": ["error", "timeout", "memory"],
          "tampered": ["tampered"]}
MARKS = {"passed": "✓", "failed": "✗", "missing": "–"}


def sections(markdown: str) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """'## title' -> (its text lines before the table, the table's rows as header -> cell)."""
    found: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
    title, text, lines = None, [], markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            title, text = line[3:].strip(), []
            found[title] = (text, [])
        elif title and line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = [c.strip() for c in line.strip().strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(header, (c.strip() for c in lines[i].strip().strip("|").split("|")))))
                i += 1
            found[title] = (text, rows)
            continue
        elif title:
            text.append(line)
        i += 1
    return found


def load(out_dir: Path) -> pd.DataFrame:
    grades = pd.read_csv(Path(out_dir) / "grades.csv", dtype=str, keep_default_na=False)
    for column in ("score", "max_score", "seconds_late", "penalty"):
        if column not in grades:
            grades[column] = "0"
        grades[column] = pd.to_numeric(grades[column].replace("", "0")).astype(float)
    if "misconception" not in grades:
        grades["misconception"] = ""
    return grades


def per_submission(grades: pd.DataFrame) -> pd.DataFrame:
    """Index (assignment, student_id): points, possible, penalty, final, late_seconds."""
    notebooks = grades.groupby(["assignment", "student_id", "notebook"]).agg(
        points=("score", "sum"), possible=("max_score", "sum"), penalty=("penalty", "first"),
        late_seconds=("seconds_late", "first"))
    subs = notebooks.groupby(level=[0, 1]).agg(points=("points", "sum"), possible=("possible", "sum"),
                                                penalty=("penalty", "sum"), late_seconds=("late_seconds", "max"))
    subs["final"] = (subs["points"] - subs["penalty"]).where(subs["points"] > subs["penalty"], 0.0)
    return subs


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _expect(problems: list[str], where: str, what: str, shown, expected) -> None:
    if shown != expected:
        problems.append(f"{where}: {what} is {shown!r}, grades.csv gives {expected!r}")


def _bands(finals: list[float], maximum: float) -> dict[str, int]:
    step = 1.0 if maximum <= 20 else maximum / 20
    count = max(1, math.ceil(maximum / step - 1e-9))
    bands = {}
    for k in range(count):
        low, high = k * step, min((k + 1) * step, maximum) if k == count - 1 else (k + 1) * step
        last = k == count - 1
        label = f"{low:g}-{high:g}" if last else f"{low:g}-<{high:g}"
        bands[label] = sum(low <= f <= high if last else low <= f < high for f in finals)
    return bands


def assignment_problems(grades: pd.DataFrame, assignment: str, markdown: str, errors: pd.DataFrame) -> list[str]:
    """What ``<assignment>.md`` states that grades.csv does not."""
    problems: list[str] = []
    mine = grades[grades["assignment"] == assignment]
    subs = per_submission(mine).loc[assignment]
    parts = sections(markdown)
    where = f"{assignment}.md"
    maximum = float(subs["possible"].max())

    text = " ".join(parts["Score distribution"][0])
    finals = sorted(float(f) for f in subs["final"])
    median = float(pd.Series(finals).median())
    summary = (f"{len(subs)} submission(s); {sum(finals):g} of {subs['possible'].sum():g} points "
               f"({100 * sum(finals) / subs['possible'].sum():.1f}%); median {median:g}, lowest {finals[0]:g}, "
               f"highest {finals[-1]:g} of {maximum:g}.")
    if summary not in text:
        problems.append(f"{where}: the summary does not read {summary!r}: {text!r}")
    shown = {r["points"]: int(r["submissions"]) for r in parts["Score distribution"][1]}
    _expect(problems, where, "the score distribution", shown, _bands(finals, maximum))

    rows = parts["Outcome per exercise"][1]
    _expect(problems, where, "the exercises", [r["exercise"] for r in rows], list(dict.fromkeys(mine["exercise"])))
    for row in rows:
        ex = mine[mine["exercise"] == row["exercise"]]
        _expect(problems, where, f"{row['exercise']}'s maximum", row["max"], f"{ex['max_score'].max():g}")
        for group, statuses in GROUPS.items():
            n = int(ex["status"].isin(statuses).sum())
            _expect(problems, where, f"{row['exercise']} {group}", row[group], f"{n} ({_pct(n, len(ex))})")

    matched = mine[mine["misconception"] != ""]
    expected = {(e, m): (len(g), _pct(len(g), int((mine["exercise"] == e).sum())))
                for (e, m), g in matched.groupby(["exercise", "misconception"])}
    shown = {(r["exercise"], r["misconception"]): (int(r["submissions"]), r["share"])
             for r in parts.get("Misconceptions matched", ([], []))[1]}
    _expect(problems, where, "the misconceptions", shown, expected)

    expected_review = set()
    for student, g in mine[mine["status"] == "tampered"].groupby("student_id"):
        expected_review.add((student, "tampered", ", ".join(g["exercise"])))
    for student, g in mine[mine["status"].isin(GROUPS["error"])].groupby("student_id"):
        expected_review.add((student, "error", ", ".join(f"{e} ({s})" for e, s in zip(g["exercise"], g["status"]))))
    late = {s for s, row in subs.iterrows() if row["late_seconds"] > 0}
    shown_review = set()
    for r in parts["Submissions to review"][1]:
        if r["reason"] == "late":
            shown_review.add((r["student_id"], "late", r["detail"].split(" late, penalty ")[-1]))
        elif r["reason"] == "grader error":
            shown_review.add((r["student_id"], "grader error", ""))
        else:
            shown_review.add((r["student_id"], r["reason"], r["detail"]))
    expected_review |= {(s, "late", f"{subs.at[s, 'penalty']:g} point(s)") for s in late}
    expected_review |= {(e.student_id, "grader error", "") for e in errors.itertuples()
                        if e.assignment == assignment}
    _expect(problems, where, "the submissions to review", shown_review, expected_review)

    students = {r["student_id"]: r for r in parts["Students"][1]}
    _expect(problems, where, "the students", sorted(students), sorted(subs.index))
    for student, row in students.items():
        sub = subs.loc[student]
        for exercise in dict.fromkeys(mine["exercise"]):
            line = mine[(mine["student_id"] == student) & (mine["exercise"] == exercise)].iloc[0]
            cell = f"{line['score']:g} {MARKS.get(line['status'], line['status'])}"
            _expect(problems, where, f"{student}'s {exercise}", row[exercise], cell)
        _expect(problems, where, f"{student}'s total", row["total"], f"{sub['points']:g}/{sub['possible']:g}")
        _expect(problems, where, f"{student}'s penalty", row["penalty"], f"{sub['penalty']:g}")
        _expect(problems, where, f"{student}'s final", row["final"], f"{sub['final']:g}")
        _expect(problems, where, f"{student}'s %", row["%"], f"{100 * sub['final'] / sub['possible']:.0f}")
    return problems


def overview_problems(grades: pd.DataFrame, markdown: str) -> list[str]:
    """What ``index.md`` states that grades.csv does not: points over possible points, never mean maxima."""
    problems: list[str] = []
    subs = per_submission(grades)
    parts = sections(markdown)
    for row in parts["Assignments"][1]:
        part = subs if row["assignment"] == "all" else subs.loc[[row["assignment"]]]
        points, possible = part["final"].sum(), part["possible"].sum()
        where = f"index.md {row['assignment']}"
        _expect(problems, where, "submissions", row["submissions"], str(len(part)))
        _expect(problems, where, "points / possible", row["points / possible"], f"{points:g}/{possible:g}")
        _expect(problems, where, "%", row["%"], f"{100 * points / possible:.1f}")
        if row["assignment"] != "all":
            _expect(problems, where, "max score", row["max score"], f"{part['possible'].max():g}")
            _expect(problems, where, "median", row["median"], f"{part['final'].median():g}")
    by_student = subs.groupby(level="student_id").agg(n=("final", "size"), points=("final", "sum"),
                                                      possible=("possible", "sum"))
    shown = {r["student_id"]: (r["assignments"], r["points / possible"]) for r in parts["Students"][1]}
    expected = {s: (str(int(r["n"])), f"{r['points']:g}/{r['possible']:g}") for s, r in by_student.iterrows()}
    _expect(problems, "index.md", "the students", shown, expected)
    return problems


def report_problems(out_dir: Path, report_dir: Path | None = None) -> list[str]:
    """Every disagreement between ``autograder report``'s Markdown and grades.csv (empty: they agree)."""
    out_dir = Path(out_dir)
    report_dir = Path(report_dir) if report_dir else out_dir / "report"
    grades = load(out_dir)
    errors_path = out_dir / "grader_errors.csv"
    errors = (pd.read_csv(errors_path, dtype=str, keep_default_na=False) if errors_path.is_file()
              else pd.DataFrame(columns=["student_id", "assignment", "error"]))
    problems = overview_problems(grades, (report_dir / "index.md").read_text(encoding="utf-8"))
    for assignment in sorted(set(grades["assignment"])):
        markdown = (report_dir / f"{assignment}.md").read_text(encoding="utf-8")
        problems += assignment_problems(grades, assignment, markdown, errors)
        for figure in ("scores", "outcomes"):
            if not (report_dir / "figures" / f"{assignment}-{figure}.png").is_file():
                problems.append(f"{assignment}: the figure {figure} is missing")
    return problems
