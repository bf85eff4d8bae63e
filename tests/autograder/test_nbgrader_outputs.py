"""Outputs of a learner's cells reach autograded/ only as validated, bounded plain data.

The worker that ran the learner's cells is untrusted: whatever it reports as a cell's outputs is rebuilt from
checked strings (``nbgrader_io.clean_outputs``) before it is written where formgrader and nbgrader's feedback
render it, and a test cell never shows anything but the grader's own feedback.
"""

from __future__ import annotations

import base64

import nbformat

from autograder.classroom import nbgrader_io
from autograder.classroom.nbgrader_io import clean_outputs

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
    cleaned = clean_outputs(raw)
    assert list(cleaned) == [3]
    kinds = [o["output_type"] for o in cleaned[3]]
    assert kinds == ["stream", "display_data", "execute_result", "error"]
    assert set(cleaned[3][1]["data"]) == {"image/png", "text/plain"} and not cleaned[3][1]["metadata"]
    assert cleaned[3][2]["data"]["text/plain"] == "42"
    assert cleaned[3][3]["traceback"] == ["ValueError"]
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=cleaned[3])]))


def test_keys_and_shapes_that_are_not_plain_data_are_ignored():
    assert clean_outputs(["c1"]) == {}
    assert clean_outputs({"c1": "text", "x9": [], 5: [], "c1234567": [], "c2": [{"output_type": "stream",
                                                                                 "text": 5}]}) == {}


def test_outputs_are_bounded_per_cell_and_per_notebook():
    many = {"c0": [{"output_type": "stream", "name": "stdout", "text": "x\n"}] * 50}
    kept = clean_outputs(many)[0]
    assert len(kept) == nbgrader_io.MAX_OUTPUTS_PER_CELL + 1 and "not kept" in kept[-1]["text"]

    huge = {"c0": [{"output_type": "stream", "name": "stdout", "text": "y" * 10_000_000}]}
    assert len(clean_outputs(huge)[0][0]["text"]) < nbgrader_io.MAX_TEXT_CHARS + 100

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
                                              clean_outputs(worker))
    solution, test = notebook.cells
    assert [o["text"] for o in solution.outputs] == ["hi\n"]  # the grader's run, not what the file carried
    assert len(test.outputs) == 1 and test.outputs[0]["output_type"] == "error"
    assert "PASSED" not in str(test.outputs)
