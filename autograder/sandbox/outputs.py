"""The outputs of a learner's cells, as the worker recorded them, reduced to safe plain data (trusted side).

The worker records, for each cell it runs, what a Jupyter kernel would have shown under it: the printed text
(``stream``), what the cell displayed (``display_data``: matplotlib figures as PNG), its value
(``execute_result``) and its exception (``error``). The autograded notebook shows them where ``nbgrader
autograde`` would, so formgrader and nbgrader's feedback render them in the instructor's (and later the
learner's) browser. The worker ran learner code, so each output is rebuilt here from validated strings only:

- text (streams, ``text/plain``) loses ANSI sequences, control characters (tab and newline kept) and bidi /
  zero-width format characters, and is bounded;
- an image must be ``image/png``: valid base64 that decodes to bytes starting with PNG's signature, of bounded
  size;
- every other MIME type (HTML, SVG, JavaScript, Markdown, widgets), all metadata and every unknown field are
  dropped;
- at most ``MAX_OUTPUTS_PER_CELL`` outputs per cell and ``MAX_NOTEBOOK_OUTPUT_BYTES`` per notebook are kept; a
  cell that lost outputs to a limit says so.

A cell's exception is not taken from the worker's outputs: the grader writes it from the cell's record, whose
message has already gone through ``autograder.learner_text`` (``exception_output``).

Limit: what the learner's cells print or plot is their own output, shown as they made it (nothing else would
help the instructor); cells run in the same process that later holds the hidden inputs, so a cell written to
dig them out of memory can print them into its author's own feedback. They are the author's own inputs, drawn
per student, and say nothing about the expected values, which never reach the worker.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

__all__ = ["MAX_IMAGE_BYTES", "MAX_NOTEBOOK_OUTPUT_BYTES", "MAX_OUTPUTS_PER_CELL", "MAX_TEXT_CHARS",
           "SAFE_MIME", "clean_cell_outputs", "clean_output", "exception_output", "not_run_output"]

#: what a learner's output may carry: plain text and PNG images (HTML, SVG, JavaScript, widgets could run script
#: in the browser of whoever opens the notebook)
SAFE_MIME = ("text/plain", "image/png")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHARS = 20_000  # per output
MAX_IMAGE_BYTES = 1 << 20  # per image, decoded
MAX_OUTPUTS_PER_CELL = 20
MAX_NOTEBOOK_OUTPUT_BYTES = 2 << 20  # all outputs of one notebook, as JSON (the store keeps 16 MiB per submission)
MAX_CELLS = 2000  # as many cells as a submission may have (sandbox.notebook.MAX_CELLS)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_KEY = re.compile(r"c\d{1,6}")


def _text(value, limit: int = MAX_TEXT_CHARS) -> str | None:
    """A string (or nbformat's list of strings) as bounded printable text; None when it is neither."""
    if type(value) is list and all(type(v) is str for v in value[:10_000]):
        value = "".join(value[:10_000])
    if type(value) is not str:
        return None
    text = _CONTROL.sub("", _ANSI.sub("", value[: limit * 2]))
    return text if len(text) <= limit else text[:limit] + "\n... (output truncated)\n"


def _png(value) -> str | None:
    """Base64 text of a real PNG of bounded size, else None (checked by decoding it)."""
    if type(value) is list and all(type(v) is str for v in value[:10_000]):
        value = "".join(value[:10_000])
    if type(value) is not str or len(value) > MAX_IMAGE_BYTES * 4 // 3 + 1024:
        return None
    try:
        raw = base64.b64decode(value.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(PNG_SIGNATURE) or len(raw) > MAX_IMAGE_BYTES:
        return None
    return base64.b64encode(raw).decode("ascii")


def clean_output(raw, errors: bool = False) -> dict | None:
    """One output rebuilt from scratch as an nbformat v4 output dict (only validated strings of an allowed kind
    survive), or None. ``error`` outputs are kept only with ``errors=True``: from the grade's record, whose
    errors the grader wrote (``exception_output``), never from the worker (see the module docstring)."""
    if type(raw) is not dict:
        return None
    kind = raw.get("output_type")
    if kind == "error" and errors:
        return exception_output(f"{_text(raw.get('ename'), 100) or 'Exception'}: {_text(raw.get('evalue'), 400)}")
    if kind == "stream":
        text = _text(raw.get("text"))
        name = raw.get("name") if raw.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": text} if text else None
    if kind not in ("display_data", "execute_result") or type(raw.get("data")) is not dict:
        return None
    data = raw["data"]
    clean = {}
    if "image/png" in data and (image := _png(data["image/png"])):
        clean["image/png"] = image
    if "text/plain" in data and (text := _text(data["text/plain"])):
        clean["text/plain"] = text
    if not clean:
        return None
    if kind == "execute_result":
        return {"output_type": "execute_result", "data": clean, "metadata": {}, "execution_count": None}
    return {"output_type": "display_data", "data": clean, "metadata": {}}


def clean_cell_outputs(raw_by_cell, budget: list[int] | None = None, errors: bool = False
                       ) -> dict[str, list[dict]]:
    """``{"c<index>": [output, ...]}`` (submission cell index) from an untrusted mapping of the same shape, every
    output through ``clean_output`` (``errors`` as there), within the limits of the module docstring.

    A cell the worker ran keeps its key even with no output (the autograded notebook then tells it from a cell
    the grader did not run). ``budget`` is a one-item list of the bytes still allowed (shared across calls).
    """
    budget = budget if budget is not None else [MAX_NOTEBOOK_OUTPUT_BYTES]
    cleaned: dict[str, list[dict]] = {}
    if type(raw_by_cell) is not dict:
        return cleaned
    for key, outputs in list(raw_by_cell.items())[:MAX_CELLS]:
        if type(key) is not str or not _KEY.fullmatch(key) or type(outputs) is not list:
            continue
        kept, dropped = [], 0
        for raw in outputs[: MAX_OUTPUTS_PER_CELL * 4]:
            output = clean_output(raw, errors)
            if output is None:
                continue
            size = len(json.dumps(output))
            if len(kept) >= MAX_OUTPUTS_PER_CELL or size > budget[0]:
                dropped += 1
                continue
            budget[0] -= size
            kept.append(output)
        dropped += max(0, len(outputs) - MAX_OUTPUTS_PER_CELL * 4)
        if dropped:
            kept.append({"output_type": "stream", "name": "stdout",
                         "text": f"... {dropped} more output(s) not kept (size limit)\n"})
        cleaned[key] = kept
    return cleaned


def exception_output(error_line: str) -> dict:
    """The ``error`` output of a cell that raised, from the cell record's sanitised line ("ValueError: array
    shapes do not broadcast together"), as a kernel shows one."""
    line = _text(error_line, 500) or "Exception"
    ename, _, evalue = line.partition(": ")
    return {"output_type": "error", "ename": ename or "Exception", "evalue": evalue, "traceback": [line]}


def not_run_output(reason: str) -> dict:
    """The short output under a cell the grader did not run."""
    return {"output_type": "stream", "name": "stdout", "text": f"[not run by the grader: {reason}]\n"}
