"""Per-student feedback in Markdown and HTML.

Built only from the rows' messages and hints (which describe WHAT differs: shapes, types, the first differing
position, the misconception) and from cell problems. It never contains hidden inputs, hidden-test source or
reference code: the grader never puts them in a message (hidden cases are judged with values left out, see
``autograder.compare``). Learner-controlled text (exception messages, names)
is escaped for HTML and fenced for Markdown, so a crafted message cannot forge a verdict or inject markup.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

STATUS_TEXT = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "time limit",
               "memory": "memory limit", "missing": "missing", "tampered": "test cell tampered"}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _md_text(s: str) -> str:
    """Learner-influenced text as an indented, inert Markdown block."""
    s = s.replace("\r", "")
    return "\n".join("    " + line for line in s.splitlines()) or "    (no details)"


def markdown_for(student: str, results) -> str:
    lines = [f"# Feedback for {student}", ""]
    for res in results:
        sub = res.submission
        lines += [f"## {sub.assignment} / {sub.notebook}.ipynb: {_fmt(res.score)} / {_fmt(res.max_score)}", "",
                  "| exercise | score | status |", "| --- | --- | --- |"]
        for r in res.rows:
            lines.append(f"| `{r.exercise}` | {_fmt(r.score)} / {_fmt(r.max_score)} | {STATUS_TEXT[r.status]} |")
        lines.append("")
        for r in res.rows:
            if r.status == "passed":
                continue
            lines += [f"### `{r.exercise}`: {STATUS_TEXT[r.status]}", "", _md_text(r.message), ""]
            if r.hint:
                lines += ["Hint:", "", _md_text(r.hint), ""]
        if res.cells:
            lines += ["### Cells that did not run cleanly", ""]
            for c in res.cells:
                lines += [f"- {c.label}:", "", _md_text(c.problem), ""]
        if res.notes:
            lines += ["### Notes", ""]
            for n in res.notes:
                lines += [_md_text(n), ""]
    return "\n".join(lines).rstrip() + "\n"


def html_for(student: str, results) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
             f"<title>Feedback for {e(student)}</title>",
             ("<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
              ".passed{color:#1a7f37}.bad{color:#b3261e}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}"
              "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}</style>"),
             "</head><body>", f"<h1>Feedback for {e(student)}</h1>"]
    for res in results:
        sub = res.submission
        parts.append(f"<h2>{e(sub.assignment)} / {e(sub.notebook)}.ipynb: "
                     f"{_fmt(res.score)} / {_fmt(res.max_score)}</h2>")
        parts.append("<table><tr><th>exercise</th><th>score</th><th>status</th></tr>")
        for r in res.rows:
            cls = "passed" if r.status == "passed" else "bad"
            parts.append(f"<tr><td><code>{e(r.exercise)}</code></td><td>{_fmt(r.score)} / {_fmt(r.max_score)}</td>"
                         f"<td class=\"{cls}\">{e(STATUS_TEXT[r.status])}</td></tr>")
        parts.append("</table>")
        for r in res.rows:
            if r.status == "passed":
                continue
            parts.append(f"<h3><code>{e(r.exercise)}</code>: {e(STATUS_TEXT[r.status])}</h3><pre>{e(r.message)}</pre>")
            if r.hint:
                parts.append(f"<p>Hint:</p><pre>{e(r.hint)}</pre>")
        if res.cells:
            parts.append("<h3>Cells that did not run cleanly</h3><ul>")
            parts += [f"<li>{e(c.label)}<pre>{e(c.problem)}</pre></li>" for c in res.cells]
            parts.append("</ul>")
        if res.notes:
            parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in res.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_feedback(out_dir: Path, results) -> list[Path]:
    """``OUT_DIR/feedback/<student>/feedback.md`` and ``feedback.html``, one pair per student."""
    from .grading import _atomic_write, _safe_name

    by_student = defaultdict(list)
    for res in results:
        by_student[res.submission.student_id].append(res)
    written = []
    for student, res_list in sorted(by_student.items()):
        folder = Path(out_dir) / "feedback" / _safe_name(student)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("feedback.md", markdown_for(student, res_list)),
                           ("feedback.html", html_for(student, res_list))):
            _atomic_write(folder / name, text)
            written.append(folder / name)
    return written
