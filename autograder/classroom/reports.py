"""The class's own reports, written from the stored results: grades.csv and per-student feedback (Markdown, HTML).

Feedback is built only from the rows' messages and hints (which describe WHAT differs: shapes, types, the first
differing position, the misconception) and from cell problems. It never contains hidden inputs, hidden-test
source or reference code: the grader never puts them in a message (hidden cases are judged with values left
out, see ``autograder.compare``).

Learner-controlled text (exception messages, cell labels, which carry the submission's own grade_id metadata,
printed notes) never reaches Markdown as Markdown: it is an indented (inert) block, or, inside a line, an inline
code span whose fence is longer than any backtick run in the text, with line breaks removed and length capped,
so a crafted string cannot forge a heading, a score, a link, an image or an HTML comment. HTML is escaped.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from .records import SubmissionResult
from .store import atomic_write_text

__all__ = ["CSV_COLUMNS", "markdown_for", "html_for", "write_feedback", "write_grades_csv", "write_reports"]

#: hint: the misconception hint shown to the learner; misconception: the id (mutant name) of the known-wrong
#: variant the answer matched ("" when none did); both empty for a passed exercise.
CSV_COLUMNS = ("student_id", "assignment", "notebook", "exercise", "score", "max_score", "status", "message",
               "hint", "misconception", "auto_score", "manual_score", "timestamp", "seconds_late", "penalty")
STATUS_TEXT = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "time limit",
               "memory": "memory limit", "missing": "missing", "tampered": "test cell tampered"}
MAX_INLINE = 80  # characters of learner-controlled text shown inside a line (a cell's label)


def write_reports(results: Sequence[SubmissionResult], out_dir: Path, records: Mapping | None = None) -> list[Path]:
    """grades.csv and every student's feedback; returns the files written.

    records: (student_id, assignment) -> ``nbgrader_io.ScoreOfRecord`` when there is a gradebook: the scores
    shown are then the gradebook's (a grader's manual score where given, the late penalty), each part labelled.
    """
    out_dir = Path(out_dir)
    records = records or {}
    return [*write_feedback(out_dir, results, records), write_grades_csv(out_dir, results, records)]


def _record_scores(record, notebook: str, rows) -> tuple[list[float], float, list[str]]:
    """(score of record per row, the notebook's final score, labels) from the gradebook's record, if any."""
    scores, labels = [], []
    for row in rows:
        grade = record.grade(notebook, row.exercise) if record is not None else None
        scores.append(grade.score if grade is not None else float(row.score))
        if grade is not None and grade.manual_score is not None:
            labels.append(f"{row.exercise}: {_fmt(grade.score)} given by a grader (automatic score "
                          f"{_fmt(grade.auto_score or 0.0)})")
    penalty = record.notebook_penalty(notebook) if record is not None else 0.0
    if penalty:
        labels.append(f"Late: submitted {record.timestamp}, {record.seconds_late / 3600:.1f} h after the due date; "
                      f"late penalty {_fmt(penalty)}: {_fmt(sum(scores))} - {_fmt(penalty)} = "
                      f"{_fmt(max(0.0, sum(scores) - penalty))}")
    elif record is not None and record.seconds_late > 0:
        labels.append(f"Late: submitted {record.timestamp}, {record.seconds_late / 3600:.1f} h after the due date "
                      "(no penalty)")
    return scores, max(0.0, sum(scores) - penalty), labels


def write_grades_csv(out_dir: Path, results: Sequence[SubmissionResult], records: Mapping | None = None) -> Path:
    """One row per student x assignment x notebook x exercise, sorted, in notebook order within a notebook.

    ``score`` is the score of record (the gradebook's, when ``records`` has it: a grader's ``manual_score`` wins
    over our ``auto_score``); ``penalty`` is the late penalty of the row's whole notebook (nbgrader assigns it per
    notebook), repeated on each of its rows: a notebook's final score is sum(score) - penalty.
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    records = records or {}
    for result in sorted(results, key=lambda r: (r.student_id, r.assignment)):
        record = records.get((result.student_id, result.assignment))
        for nb in sorted(result.notebooks, key=lambda n: n.notebook):
            scores, _, _ = _record_scores(record, nb.notebook, nb.rows)
            for row, score in zip(nb.rows, scores):
                grade = record.grade(nb.notebook, row.exercise) if record is not None else None
                writer.writerow({"student_id": result.student_id, "assignment": result.assignment,
                                 "notebook": nb.notebook, "exercise": row.exercise, "score": score,
                                 "max_score": row.max_score, "status": row.status, "message": row.message,
                                 "hint": row.hint, "misconception": row.misconception, "auto_score": row.score,
                                 "manual_score": "" if grade is None or grade.manual_score is None
                                 else grade.manual_score,
                                 "timestamp": record.timestamp if record is not None else "",
                                 "seconds_late": record.seconds_late if record is not None else 0.0,
                                 "penalty": record.notebook_penalty(nb.notebook) if record is not None else 0.0})
    path = Path(out_dir) / "grades.csv"
    atomic_write_text(path, buf.getvalue())
    return path


def write_feedback(out_dir: Path, results: Sequence[SubmissionResult], records: Mapping | None = None) -> list[Path]:
    """``OUT_DIR/feedback/<student>/feedback.md`` and ``feedback.html``, one pair per student."""
    by_student: dict[str, list[SubmissionResult]] = defaultdict(list)
    for result in results:
        by_student[result.student_id].append(result)
    written = []
    for student, mine in sorted(by_student.items()):
        mine.sort(key=lambda r: r.assignment)
        folder = Path(out_dir) / "feedback" / safe_name(student)
        texts = (("feedback.md", markdown_for(student, mine, records)),
                 ("feedback.html", html_for(student, mine, records)))
        for name, text in texts:
            atomic_write_text(folder / name, text)
            written.append(folder / name)
    return written


def safe_name(name: str) -> str:
    """A file name made of the name's letters, digits, ``.``, ``_`` and ``-`` only."""
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:100].lstrip(".") or "_"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def md_block(text: str) -> str:
    """Learner-influenced text as an indented, inert Markdown block (no heading, link or HTML is parsed in it)."""
    text = text.replace("\r", "")
    return "\n".join("    " + line for line in text.splitlines()) or "    (no details)"


def md_code(text: str, limit: int = MAX_INLINE) -> str:
    """Learner-influenced text inside a line: one line, at most ``limit`` characters, as an inline code span."""
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[:limit] + "..."
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _notebooks(results: Sequence[SubmissionResult], records: Mapping | None = None):
    """(assignment, notebook grade, score of record per row, the notebook's final score, labels)."""
    for result in results:
        record = (records or {}).get((result.student_id, result.assignment))
        for nb in sorted(result.notebooks, key=lambda n: n.notebook):
            yield (result.assignment, nb, *_record_scores(record, nb.notebook, nb.rows))


def markdown_for(student: str, results: Sequence[SubmissionResult], records: Mapping | None = None) -> str:
    lines = [f"# Feedback for {md_code(student)}", ""]
    for assignment, nb, scores, final, labels in _notebooks(results, records):
        lines += [f"## {md_code(f'{assignment} / {nb.notebook}.ipynb')}: {_fmt(final)} / {_fmt(nb.max_score)}",
                  "", "| exercise | score | status |", "| --- | --- | --- |"]
        for r, score in zip(nb.rows, scores):
            lines.append(f"| `{r.exercise}` | {_fmt(score)} / {_fmt(r.max_score)} | {STATUS_TEXT[r.status]} |")
        lines.append("")
        for label in labels:
            lines += [f"- {label}", ""]
        for r in nb.rows:
            if r.status == "passed":
                continue
            lines += [f"### `{r.exercise}`: {STATUS_TEXT[r.status]}", "", md_block(r.message), ""]
            if r.hint:
                lines += ["Hint:", "", md_block(r.hint), ""]
        if nb.cells:
            lines += ["### Cells that did not run cleanly", ""]
            for c in nb.cells:
                lines += [f"- {md_code(c.label)}:", "", md_block(c.problem), ""]
        if nb.notes:
            lines += ["### Notes", ""]
            for n in nb.notes:
                lines += [md_block(n), ""]
    return "\n".join(lines).rstrip() + "\n"


def html_for(student: str, results: Sequence[SubmissionResult], records: Mapping | None = None) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
             f"<title>Feedback for {e(student)}</title>",
             ("<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
              ".passed{color:#1a7f37}.bad{color:#b3261e}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}"
              "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}</style>"),
             "</head><body>", f"<h1>Feedback for {e(student)}</h1>"]
    for assignment, nb, scores, final, labels in _notebooks(results, records):
        parts.append(f"<h2>{e(assignment)} / {e(nb.notebook)}.ipynb: {_fmt(final)} / {_fmt(nb.max_score)}</h2>")
        parts.append("<table><tr><th>exercise</th><th>score</th><th>status</th></tr>")
        for r, score in zip(nb.rows, scores):
            cls = "passed" if r.status == "passed" else "bad"
            parts.append(f"<tr><td><code>{e(r.exercise)}</code></td><td>{_fmt(score)} / {_fmt(r.max_score)}</td>"
                         f"<td class=\"{cls}\">{e(STATUS_TEXT[r.status])}</td></tr>")
        parts.append("</table>")
        if labels:
            parts.append("<ul>" + "".join(f"<li>{e(label)}</li>" for label in labels) + "</ul>")
        for r in nb.rows:
            if r.status == "passed":
                continue
            parts.append(f"<h3><code>{e(r.exercise)}</code>: {e(STATUS_TEXT[r.status])}</h3><pre>{e(r.message)}</pre>")
            if r.hint:
                parts.append(f"<p>Hint:</p><pre>{e(r.hint)}</pre>")
        if nb.cells:
            parts.append("<h3>Cells that did not run cleanly</h3><ul>")
            parts += [f"<li>{e(c.label)}<pre>{e(c.problem)}</pre></li>" for c in nb.cells]
            parts.append("</ul>")
        if nb.notes:
            parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in nb.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
