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
from collections.abc import Sequence
from pathlib import Path

from .records import SubmissionResult
from .store import atomic_write_text

__all__ = ["CSV_COLUMNS", "markdown_for", "html_for", "write_feedback", "write_grades_csv", "write_reports"]

#: hint: the misconception hint shown to the learner; misconception: the id (mutant name) of the known-wrong
#: variant the answer matched ("" when none did); both empty for a passed exercise.
CSV_COLUMNS = ("student_id", "assignment", "notebook", "exercise", "score", "max_score", "status", "message",
               "hint", "misconception")
STATUS_TEXT = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "time limit",
               "memory": "memory limit", "missing": "missing", "tampered": "test cell tampered"}
MAX_INLINE = 80  # characters of learner-controlled text shown inside a line (a cell's label)


def write_reports(results: Sequence[SubmissionResult], out_dir: Path) -> list[Path]:
    """grades.csv and every student's feedback; returns the files written."""
    out_dir = Path(out_dir)
    return [*write_feedback(out_dir, results), write_grades_csv(out_dir, results)]


def write_grades_csv(out_dir: Path, results: Sequence[SubmissionResult]) -> Path:
    """One row per student x assignment x notebook x exercise, sorted, in notebook order within a notebook."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in sorted(results, key=lambda r: (r.student_id, r.assignment)):
        for nb in sorted(result.notebooks, key=lambda n: n.notebook):
            for row in nb.rows:
                writer.writerow({"student_id": result.student_id, "assignment": result.assignment,
                                 "notebook": nb.notebook, "exercise": row.exercise, "score": row.score,
                                 "max_score": row.max_score, "status": row.status, "message": row.message,
                                 "hint": row.hint, "misconception": row.misconception})
    path = Path(out_dir) / "grades.csv"
    atomic_write_text(path, buf.getvalue())
    return path


def write_feedback(out_dir: Path, results: Sequence[SubmissionResult]) -> list[Path]:
    """``OUT_DIR/feedback/<student>/feedback.md`` and ``feedback.html``, one pair per student."""
    by_student: dict[str, list[SubmissionResult]] = defaultdict(list)
    for result in results:
        by_student[result.student_id].append(result)
    written = []
    for student, mine in sorted(by_student.items()):
        mine.sort(key=lambda r: r.assignment)
        folder = Path(out_dir) / "feedback" / safe_name(student)
        for name, text in (("feedback.md", markdown_for(student, mine)), ("feedback.html", html_for(student, mine))):
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


def _notebooks(results: Sequence[SubmissionResult]):
    for result in results:
        for nb in sorted(result.notebooks, key=lambda n: n.notebook):
            yield result.assignment, nb


def markdown_for(student: str, results: Sequence[SubmissionResult]) -> str:
    lines = [f"# Feedback for {md_code(student)}", ""]
    for assignment, nb in _notebooks(results):
        lines += [f"## {md_code(f'{assignment} / {nb.notebook}.ipynb')}: {_fmt(nb.score)} / {_fmt(nb.max_score)}",
                  "", "| exercise | score | status |", "| --- | --- | --- |"]
        for r in nb.rows:
            lines.append(f"| `{r.exercise}` | {_fmt(r.score)} / {_fmt(r.max_score)} | {STATUS_TEXT[r.status]} |")
        lines.append("")
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


def html_for(student: str, results: Sequence[SubmissionResult]) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
             f"<title>Feedback for {e(student)}</title>",
             ("<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
              ".passed{color:#1a7f37}.bad{color:#b3261e}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}"
              "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}</style>"),
             "</head><body>", f"<h1>Feedback for {e(student)}</h1>"]
    for assignment, nb in _notebooks(results):
        parts.append(f"<h2>{e(assignment)} / {e(nb.notebook)}.ipynb: {_fmt(nb.score)} / {_fmt(nb.max_score)}</h2>")
        parts.append("<table><tr><th>exercise</th><th>score</th><th>status</th></tr>")
        for r in nb.rows:
            cls = "passed" if r.status == "passed" else "bad"
            parts.append(f"<tr><td><code>{e(r.exercise)}</code></td><td>{_fmt(r.score)} / {_fmt(r.max_score)}</td>"
                         f"<td class=\"{cls}\">{e(STATUS_TEXT[r.status])}</td></tr>")
        parts.append("</table>")
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
