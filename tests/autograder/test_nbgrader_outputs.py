"""The learner's outputs in autograded/, as after ``nbgrader autograde``, and only as safe, bounded plain data.

The worker records what each cell it runs prints and draws; the grading process rebuilds every output from
checked strings (``sandbox.outputs``: text and PNG only) before it is written where formgrader and nbgrader's
feedback render it; a test cell never shows anything but the grader's own feedback. The end-to-end test runs
``autograder grade`` and then ``nbgrader generate_feedback`` in an nbgrader course, as an instructor does, and
reads the HTML the learner receives.
"""

from __future__ import annotations

import base64
import io
import re
import sys
from pathlib import Path

import nbformat
import numpy as np

from autograder.classroom import nbgrader_io
from autograder.classroom.nbgrader_io import clean_outputs
from autograder.sandbox.outputs import MAX_OUTPUTS_PER_CELL, MAX_TEXT_CHARS, clean_cell_outputs

sys.path.insert(0, str(Path(__file__).parent))
from test_nbgrader_record import ASSIGNMENT, alembic_on_path, autograder, make_course, nbgrader  # noqa: E402,F401

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()


def test_text_and_real_images_are_kept_and_everything_else_is_dropped():
    raw = {"c3": [
        {"output_type": "stream", "name": "stdout", "text": "loss 0.25\n"},
        {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure>",
                                                  "text/html": "<script>alert(1)</script>",
                                                  "application/javascript": "alert(1)"},
         "metadata": {"isolated": True}},
        {"output_type": "display_data", "data": {"text/html": "<img src=x onerror=alert(1)>"}},
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(b"<svg/>").decode()}},
        {"output_type": "execute_result", "data": {"text/plain": "\x1b[31m42\x1b[0m"}, "execution_count": 7},
        {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": ["\x1b[0;31mValueError\x1b[0m"]},
        {"output_type": "unknown"}, "not a dict", None,
    ]}
    from_worker = clean_cell_outputs(raw)  # what the channel keeps of the worker's answer
    assert [o["output_type"] for o in from_worker["c3"]] == ["stream", "display_data", "execute_result"]
    cleaned = clean_outputs(raw)  # what the autograded notebook keeps of a grade's record
    assert list(cleaned) == ["c3"]
    kinds = [o["output_type"] for o in cleaned["c3"]]
    assert kinds == ["stream", "display_data", "execute_result", "error"]
    assert set(cleaned["c3"][1]["data"]) == {"image/png", "text/plain"} and not cleaned["c3"][1]["metadata"]
    assert cleaned["c3"][2]["data"]["text/plain"] == "42"
    assert cleaned["c3"][3]["traceback"] == ["ValueError: bad"]
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=cleaned["c3"])]))


def test_the_channel_shows_a_cells_exception_from_its_sanitised_record_only(tmp_path):
    """A worker's own 'error' output is dropped; the cell's record (type + fixed phrase) becomes the output."""
    import json

    from autograder.sandbox.channel import read_response

    answer = {"version": 1, "exercises": {}, "output_dropped": 0,
              "cells": [{"key": "c4", "error": "ValueError: hidden input 0.123", "error_type": "ValueError"}],
              "outputs": {"c4": [{"output_type": "error", "ename": "ValueError", "evalue": "hidden input 0.123",
                                  "traceback": ["hidden input 0.123"]}]}}
    (tmp_path / "response.json").write_text(json.dumps(answer))
    buffer = io.BytesIO()
    np.savez(buffer)
    (tmp_path / "response.npz").write_bytes(buffer.getvalue())
    outputs = read_response(str(tmp_path), 1 << 20)["outputs"]
    assert len(outputs["c4"]) == 1 and outputs["c4"][0]["ename"] == "ValueError"
    assert "0.123" not in str(outputs)


def test_learner_text_loses_control_and_bidi_characters_and_only_png_counts_as_an_image():
    jpeg = base64.b64encode(b"\xff\xd8\xff" + b"\x00" * 64).decode()
    raw = {"c0": [{"output_type": "stream", "name": "stdout", "text": "ok\u202e\x07\x1b]0;title\x07 done\n"},
                  {"output_type": "display_data", "data": {"image/jpeg": jpeg}},
                  {"output_type": "display_data", "data": {"image/png": "not base64!"}}]}
    outputs = clean_outputs(raw)["c0"]
    assert len(outputs) == 1 and "\u202e" not in outputs[0]["text"] and "\x07" not in outputs[0]["text"]


def test_keys_and_shapes_that_are_not_plain_data_are_ignored():
    assert clean_outputs(["c1"]) == {}
    assert clean_outputs({"c1": "text", "x9": [], 5: [], "c1234567": [], "c2": [{"output_type": "stream",
                                                                                 "text": 5}]}) == {"c2": []}


def test_outputs_are_bounded_per_cell_and_per_notebook():
    many = {"c0": [{"output_type": "stream", "name": "stdout", "text": "x\n"}] * 50}
    kept = clean_outputs(many)["c0"]
    assert len(kept) == MAX_OUTPUTS_PER_CELL + 1 and "not kept" in kept[-1]["text"]

    huge = {"c0": [{"output_type": "stream", "name": "stdout", "text": "y" * 10_000_000}]}
    assert len(clean_outputs(huge)["c0"][0]["text"]) < MAX_TEXT_CHARS + 100

    budget = [5000]
    cells = {f"c{i}": [{"output_type": "stream", "name": "stdout", "text": "q" * 1000}] for i in range(10)}
    cleaned = clean_outputs(cells, budget)
    assert sum(1 for outs in cleaned.values() for o in outs if "q" in o.get("text", "")) < 10


def test_a_test_cell_shows_only_the_grader_feedback_whatever_the_worker_reports(tmp_path):
    from autograder.classroom.records import ExerciseRow

    meta = {"nbgrader": {"grade": True, "grade_id": "test_double", "locked": True, "points": 1, "solution": False,
                         "schema_version": 3}}
    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                                  metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "double",
                                                         "locked": False, "schema_version": 3}}),
        nbformat.v4.new_code_cell("assert double(1) == 2", metadata=meta)])
    nbformat.write(source, tmp_path / "source.ipynb")
    submitted = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def double(x):\n    return 2 * x\nprint('hi')",
                                  outputs=[nbformat.v4.new_output("stream", text="typed by the learner\n")]),
        nbformat.v4.new_code_cell("assert double(1) == 2", metadata=meta)])
    nbformat.write(submitted, tmp_path / "submitted.ipynb")
    worker = {"c0": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
              "c1": [{"output_type": "stream", "name": "stdout", "text": "double: PASSED (1/1)\n"}]}
    row = ExerciseRow("double", 0.0, 1.0, "failed", "double(3) is wrong")
    notebook = nbgrader_io.annotated_notebook(tmp_path / "submitted.ipynb", tmp_path / "source.ipynb", [row],
                                              worker)
    solution, test = notebook.cells
    assert [o["text"] for o in solution.outputs] == ["hi\n"]  # the grader's run, not what the file carried
    assert len(test.outputs) == 1 and test.outputs[0]["output_type"] == "error"
    assert "PASSED" not in str(test.outputs)


#: cells a learner adds after the sigmoid solution: prints, a plot, an HTML display, a value, an exception
LEARNER_CELLS = (
    'print("learner says hello")\nimport sys\nprint("to stderr", file=sys.stderr)\n'
    'fig, ax = plt.subplots()\nax.plot([0, 1, 2], [2, 0, 1])\n'
    'from IPython.display import HTML, display\ndisplay(HTML("<script>window.pwned = 1</script>"))\n'
    '6 * 7',
    'raise ValueError("message chosen by the learner 12345")',
    'print("this line is never recorded")\nwhile True:\n    pass',
)


def learner_notebook() -> nbformat.NotebookNode:
    from student_version import submission

    notebook = submission({})
    at = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid")
    for offset, text in enumerate(LEARNER_CELLS, start=1):
        notebook.cells.insert(at + offset, nbformat.v4.new_code_cell(text))
    return notebook


def png_size(data: str) -> tuple[int, int]:
    raw = base64.b64decode(data)
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


def test_autograded_notebook_and_nbgrader_feedback_show_the_learners_outputs(tmp_path):
    """`autograder grade` (the course's gradebook) then `nbgrader generate_feedback`: the learner's prints and
    plot appear under the cells that made them, HTML and the exception's own message do not, demonstration cells
    and the cell that hung the first attempt say they were not run, and test cells carry the grader's feedback."""
    course = make_course(tmp_path / "course", "", students=("ada",))
    target = course / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(learner_notebook(), target)
    autograder(course, "grade", "submitted", "--out", "graded", "--jobs", "1", "--step-timeout", "5",
               "--no-progress")

    graded = nbformat.read(course / "autograded" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    nbformat.validate(graded)
    by_text = {c.source: c for c in graded.cells if c.cell_type == "code"}
    shown = by_text[LEARNER_CELLS[0]].outputs
    assert [(o.output_type, o.get("name")) for o in shown] == [
        ("stream", "stdout"), ("stream", "stderr"), ("display_data", None), ("execute_result", None),
        ("display_data", None)], shown  # the figure last, as the inline backend shows it after the cell ran
    assert shown[0].text == "learner says hello\n" and shown[1].text == "to stderr\n"
    assert shown[2].data == {"text/plain": "<IPython.core.display.HTML object>"}  # its HTML is never kept
    assert shown[3].data == {"text/plain": "42"}
    assert set(shown[4].data) == {"text/plain", "image/png"} and min(png_size(shown[4].data["image/png"])) > 50
    every_output = str([c.outputs for c in graded.cells if c.cell_type == "code"])
    assert "script" not in every_output and "pwned" not in every_output
    error = by_text[LEARNER_CELLS[1]].outputs
    assert [o.output_type for o in error] == ["error"] and error[0].ename == "ValueError"
    assert "12345" not in str(error) and "chosen by the learner" not in str(error)

    assert [o.text for o in by_text[LEARNER_CELLS[2]].outputs] == [
        "[not run by the grader: it stopped an earlier run of this notebook (see the feedback), so the rest ran "
        "without it]\n"]  # the outputs are those of the attempt that finished
    cells = {c.metadata.get("nbgrader", {}).get("grade_id") or c.source[:30]: c for c in graded.cells}
    assert cells["setup"].outputs == []  # ran, printed nothing
    for demo in ("demo_load_data", "demo_scatter", "demo_sigmoid_plot"):
        assert [o.text for o in cells[demo].outputs] == [
            "[not run by the grader: a demonstration cell; run it yourself to see its output]\n"], demo
    assert "SIGMOID: PASSED" in str(cells["test_sigmoid"].outputs).upper()

    nbgrader(course, "generate_feedback", ASSIGNMENT)
    html = (course / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "learner says hello" in html and "to stderr" in html
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == 1  # the learner's figure
    assert "&lt;script&gt;window.pwned" in html and "<script>window.pwned" not in html  # the source, escaped
    assert html.count("12345") == 1  # in the cell's source, never in its output
    assert html.count("not run by the grader: a demonstration cell") == 11
