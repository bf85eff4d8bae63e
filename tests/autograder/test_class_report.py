"""The instructor's class view, through the commands an instructor types: ``autograder grade`` then
``autograder report`` on a small real class, in subprocesses.

The class (the real course notebooks, released by nbgrader's own preprocessors, answered):

- ``01_neuron_model``: ada (all correct), bob (sigmoid with the sign flipped: the ``sign`` misconception),
  cy (neuron without the bias: ``no_bias``), dee (sigmoid left blank and a test cell edited: missing + tampered),
  eve (a syntax error in the sigmoid cell: error).
- ``07_matmul_five_ways`` (a different maximum): ada (correct), bob (``matmul_loops`` transposed).
"""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)

SIGN_SIGMOID = "import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
NO_BIAS_NEURON = "def neuron_output(X, theta, b):\n    return sigmoid(X @ theta)\n"
BROKEN_SIGMOID = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z)\n"
TRANSPOSED_LOOPS = ("import numpy as np\n\ndef matmul_loops(A, B):\n"
                    "    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)\n"
                    "    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:\n"
                    "        raise ValueError('the shapes do not match')\n"
                    "    return (A @ B).T.copy()\n")

#: student -> assignment -> (answers replacing the solution, solution cells left blank, test cells edited)
CLASS = {
    "ada": {"01_neuron_model": ({}, (), ()), "07_matmul_five_ways": ({}, (), ())},
    "bob": {"01_neuron_model": ({"sigmoid": SIGN_SIGMOID}, (), ()),
            "07_matmul_five_ways": ({"matmul_loops": TRANSPOSED_LOOPS}, (), ())},
    "cy": {"01_neuron_model": ({"neuron_output": NO_BIAS_NEURON}, (), ())},
    "dee": {"01_neuron_model": ({}, ("sigmoid",), ("test_count_quadratic_terms",))},
    "eve": {"01_neuron_model": ({"sigmoid": BROKEN_SIGMOID}, (), ())},
}


def answered(assignment: str, answers: dict[str, str], blank=(), tampered=()) -> nbformat.NotebookNode:
    """The student version of ``assignment`` (nbgrader's preprocessors), answered with the instructor's solutions
    except ``answers``; ``blank`` solution cells keep the released stub, ``tampered`` test cells are replaced."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    source = nbformat.read(REPO / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = {c.metadata.get("nbgrader", {}).get("grade_id"): SOLUTION.sub(r"\1", c.source) for c in source.cells}
    released, _ = ClearSolutions().preprocess(source, {"language": "python"})
    released, _ = ClearHiddenTests().preprocess(released, {})
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("solution") and cell.cell_type == "code" and grade_id not in blank:
            cell.source = answers.get(grade_id) or solutions[grade_id]
        if meta.get("grade") and grade_id in tampered:
            cell.source = "pass  # the check was in my way\n"
    return released


def autograder(*args: str, cwd: Path, expect: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([*AUTOGRADER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == expect, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """The class above graded by ``autograder grade`` into ``<root>/graded``; returns the root."""
    root = tmp_path_factory.mktemp("class")
    for student, work in CLASS.items():
        for assignment, (answers, blank, tampered) in work.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(answered(assignment, answers, blank, tampered), folder / f"{assignment}.ipynb")
    done = autograder("grade", "submitted", "--out", "graded", "--source", REPO / "notebooks", "--jobs", "2",
                      "--no-progress", cwd=root)
    (root / "grade.out").write_text(done.stdout)
    return root


def grade_rows(root: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(root / "graded" / "grades.csv", newline="") as handle:
        return {(row["student_id"], row["exercise"]): row for row in csv.DictReader(handle)}


def test_grades_csv_names_the_misconception_each_wrong_answer_matched(graded_class):
    rows = grade_rows(graded_class)
    assert rows[("bob", "sigmoid")]["misconception"] == "sign"
    assert "minus sign" in rows[("bob", "sigmoid")]["hint"]
    assert rows[("cy", "neuron_output")]["misconception"] == "no_bias"
    assert rows[("bob", "matmul_loops")]["misconception"] == "transposed"
    assert rows[("ada", "sigmoid")]["misconception"] == "" and rows[("ada", "sigmoid")]["status"] == "passed"
    # a failure no known misconception explains has no id (bob's neuron_output fails through his sigmoid)
    assert rows[("bob", "neuron_output")]["status"] == "failed"
    assert rows[("bob", "neuron_output")]["misconception"] == ""


def test_the_summary_totals_unlike_maxima_as_points_over_points_never_a_mean_of_maxima(graded_class):
    summary = (graded_class / "grade.out").read_text()
    rows = grade_rows(graded_class)
    points = sum(float(r["score"]) for r in rows.values())
    possible = sum(float(r["max_score"]) for r in rows.values())
    all_row = next(line for line in summary.splitlines() if line.startswith("all "))
    assert f"{points:g}/{possible:g} points ({100 * points / possible:.0f}%)" in all_row, summary
    neuron_row = next(line for line in summary.splitlines() if line.startswith("01_neuron_model "))
    neuron_max = sum(float(r["max_score"]) for r in rows.values() if r["assignment"] == "01_neuron_model"
                     and r["student_id"] == "ada")
    assert f"/{neuron_max:g} (" in neuron_row  # one assignment: a mean over its one maximum


# --- autograder report ------------------------------------------------------------------------------------------


def expected_totals(rows) -> dict[str, dict[str, tuple[float, float]]]:
    """assignment -> student -> (points, maximum), summed from grades.csv rows independently of the report."""
    totals: dict[str, dict[str, tuple[float, float]]] = {}
    for row in rows:
        points, maximum = totals.setdefault(row["assignment"], {}).get(row["student_id"], (0.0, 0.0))
        totals[row["assignment"]][row["student_id"]] = (points + float(row["score"]),
                                                          maximum + float(row["max_score"]))
    return totals


def markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Each '## section' of a Markdown report -> the rows of its table (header -> cell)."""
    tables, section, lines = {}, None, text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            section = line[3:]
        elif line.startswith("|") and section not in tables and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = [c.strip() for c in line.strip("|").split(" | ")]
            body = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                body.append(dict(zip(header, (c.strip() for c in row.strip("|").split(" | ")))))
            tables[section] = body
    return tables


def png_data(path: Path) -> dict:
    """The data a report figure was drawn from (its PNG Description chunk); also checks it is a real PNG."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 150
        return json.loads(image.text["Description"])


def test_report_writes_html_and_markdown_whose_figures_and_tables_match_grades_csv(graded_class):
    done = autograder("report", "graded", cwd=graded_class)
    report = graded_class / "graded" / "report"
    assert "2 assignment(s)" in done.stdout and (report / "index.html").is_file()
    with open(graded_class / "graded" / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    totals = expected_totals(rows)

    neuron = markdown_tables((report / "01_neuron_model.md").read_text())
    # score distribution: one-point bands up to the maximum, the last one closed
    finals = [p for p, _ in totals["01_neuron_model"].values()]
    top = int(max(m for _, m in totals["01_neuron_model"].values()))
    bands = {f"{lo}-<{lo + 1}": sum(lo <= f < lo + 1 for f in finals) for lo in range(top - 1)}
    bands[f"{top - 1}-{top}"] = sum(top - 1 <= f <= top for f in finals)
    assert {r["points"]: int(r["submissions"]) for r in neuron["Score distribution"]} == bands
    scores = png_data(report / "figures" / "01_neuron_model-scores.png")
    assert dict(zip(scores["labels"], scores["submissions"])) == bands

    # outcome per exercise, counted from grades.csv (error gathers error, timeout and memory)
    groups = {"passed": {"passed"}, "failed": {"failed"}, "missing": {"missing"},
              "error": {"error", "timeout", "memory"}, "tampered": {"tampered"}}
    mine = [r for r in rows if r["assignment"] == "01_neuron_model"]
    counted = {ex: {g: sum(r["exercise"] == ex and r["status"] in s for r in mine) for g, s in groups.items()}
               for ex in {r["exercise"] for r in mine}}
    assert png_data(report / "figures" / "01_neuron_model-outcomes.png") == counted
    for line in neuron["Outcome per exercise"]:
        assert {g: int(line[g].split()[0]) for g in groups} == counted[line["exercise"]]
    assert counted["sigmoid"] == {"passed": 2, "failed": 1, "missing": 1, "error": 1, "tampered": 0}

    # misconceptions: bob's sign and cy's missing bias, once each
    matched = png_data(report / "figures" / "01_neuron_model-misconceptions.png")
    assert matched == {"sigmoid: sign": 1, "neuron_output: no_bias": 1}
    assert {(r["exercise"], r["misconception"]) for r in neuron["Misconceptions matched"]} == {
        ("sigmoid", "sign"), ("neuron_output", "no_bias")}

    # submissions to review: dee's edited test cell, eve's crashing cell
    review = {(r["student_id"], r["reason"]) for r in neuron["Submissions to review"]}
    assert review == {("dee", "tampered"), ("eve", "error")}

    # per-student table and the class overview: points over maxima
    for line in neuron["Students"]:
        points, maximum = totals["01_neuron_model"][line["student_id"]]
        assert line["total"] == f"{points:g}/{maximum:g}" and line["final"] == f"{points:g}"
    overview = markdown_tables((report / "index.md").read_text())
    all_row = next(r for r in overview["Assignments"] if r["assignment"] == "all")
    points = sum(p for a in totals.values() for p, _ in a.values())
    possible = sum(m for a in totals.values() for _, m in a.values())
    assert all_row["points / possible"] == f"{points:g}/{possible:g}"
    bob = next(r for r in overview["Students"] if r["student_id"] == "bob")
    assert bob["points / possible"] == "{:g}/{:g}".format(
        *(sum(t) for t in zip(totals["01_neuron_model"]["bob"], totals["07_matmul_five_ways"]["bob"])))

    # the HTML page embeds the same three figures
    page = (report / "01_neuron_model.html").read_text()
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    figures = sorted((report / "figures").glob("01_neuron_model-*.png"))
    assert sorted(base64.b64decode(e) for e in embedded) == sorted(p.read_bytes() for p in figures)
    assert len(embedded) == 3


def test_report_lists_late_work_with_its_penalty_and_the_grader_failures(tmp_path):
    """grades.csv with the late columns (seconds_late, penalty per notebook) and a grader_errors.csv."""
    out = tmp_path / "graded"
    out.mkdir()
    header = "student_id,assignment,notebook,exercise,score,max_score,status,message,hint,misconception," \
             "seconds_late,penalty\n"
    lines = ["ann,a1,a1,f,2.0,2.0,passed,ok,,,0,0", "ann,a1,a1,g,3.0,3.0,passed,ok,,,0,0",
             "ben,a1,a1,f,2.0,2.0,passed,ok,,,7260,1.5", "ben,a1,a1,g,0.0,3.0,failed,no,,,7260,1.5",
             "cat,a1,a1,f,0.0,2.0,failed,no,,,90000,5", "cat,a1,a1,g,0.0,3.0,failed,no,,,90000,5"]
    (out / "grades.csv").write_text(header + "\n".join(lines) + "\n")
    (out / "grader_errors.csv").write_text("student_id,assignment,error\ndan,a1,RuntimeError: worker died\n")
    autograder("report", out, cwd=tmp_path)
    tables = markdown_tables((out / "report" / "a1.md").read_text())
    review = {(r["student_id"], r["reason"]): r["detail"] for r in tables["Submissions to review"]}
    assert review[("ben", "late")] == "2 h 1 min late, penalty 1.5 point(s)"
    assert review[("cat", "late")].startswith("1 d 1 h late")
    assert "worker died" in review[("dan", "grader error")]
    students = {r["student_id"]: r for r in tables["Students"]}
    assert (students["ben"]["total"], students["ben"]["penalty"], students["ben"]["final"]) == ("2/5", "1.5", "0.5")
    assert students["cat"]["final"] == "0"  # a penalty never takes a submission below zero


def test_report_without_grades_says_what_to_run(tmp_path):
    done = autograder("report", tmp_path / "nowhere", cwd=tmp_path, expect=2)
    assert done.stderr.count("\n") == 1 and "autograder grade" in done.stderr and not done.stdout


# --- autograder export ------------------------------------------------------------------------------------------

ROSTER = """student_id,name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber,first_name,last_name
ada,"Lovelace, Ada",101,S1,ada1,A,ada@example.org,1001,Ada,Lovelace
bob,"Builder, Bob",102,S2,bob2,A,bob@example.org,1002,Bob,Builder
cy,"Young, Cy",103,S3,cy3,B,cy@example.org,1003,Cy,Young
dee,"Dee, Dee",104,S4,dee4,B,dee@example.org,1004,Dee,Dee
eve,"Eve, Eve",105,S5,eve5,B,eve@example.org,1005,Eve,Eve
fay,"Fay, Fay",106,S6,fay6,B,fay@example.org,1006,Fay,Fay
"""


def test_export_writes_canvas_and_moodle_gradebook_imports_of_the_final_scores(graded_class):
    (graded_class / "roster.csv").write_text(ROSTER)
    totals = expected_totals(grade_rows(graded_class).values())
    autograder("export", "graded", "--roster", "roster.csv", "--to", "canvas", "--column",
               "01_neuron_model=Neuron model (1234)", cwd=graded_class)
    with open(graded_class / "graded" / "export" / "canvas.csv", newline="") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Neuron model (1234)",
                         "07_matmul_five_ways"]
    from autograder.contract_names import CONTRACT_EXERCISES
    possible = [f"{sum(p for _, p in CONTRACT_EXERCISES[a]):g}" for a in ("01_neuron_model", "07_matmul_five_ways")]
    assert canvas[1][0] == "Points Possible" and canvas[1][5:] == possible
    rows = {r[1]: r for r in canvas[2:]}
    assert rows["101"][:5] == ["Lovelace, Ada", "101", "S1", "ada1", "A"]
    for student, canvas_id in (("ada", "101"), ("bob", "102"), ("cy", "103")):
        assert rows[canvas_id][5] == f"{totals['01_neuron_model'][student][0]:g}"
    assert rows["102"][6] == f"{totals['07_matmul_five_ways']['bob'][0]:g}" and rows["103"][6] == ""
    assert rows["106"][5:] == ["", ""]  # on the roster, never submitted: the LMS keeps what it has

    out = graded_class / "moodle.csv"
    autograder("export", "graded", "--roster", "roster.csv", "--to", "moodle", "--output", out, cwd=graded_class)
    with open(out, newline="") as handle:
        moodle = {r["Email address"]: r for r in csv.DictReader(handle)}
    assert moodle["ada@example.org"]["ID number"] == "1001"
    assert moodle["eve@example.org"]["01_neuron_model"] == f"{totals['01_neuron_model']['eve'][0]:g}"


def test_export_refuses_a_roster_that_leaves_a_graded_student_out(graded_class, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(line for line in ROSTER.splitlines() if not line.startswith("cy,")) + "\n")
    done = autograder("export", "graded", "--roster", roster, "--to", "canvas", cwd=graded_class, expect=2)
    assert "missing from the roster: cy" in done.stderr and "Traceback" not in done.stderr


# --- the benchmark's class: autograder grade, then autograder report, checked against grades.csv ---------------

BENCH_ASSIGNMENTS = ("01_neuron_model", "07_matmul_five_ways")
DUE = "2026-01-14 08:00:00 UTC"


def benchmark_class(course: Path) -> dict[tuple[str, str], str]:
    """An nbgrader course with the benchmark's class (``benchmarks/grading_vs_nbgrader.make_submission``: correct,
    partly, blank, broken) for both assignments, plus on 01 a late student (33 h; its sigmoid has the sign
    misconception) and one who edited a test cell. Returns (student, assignment) -> kind."""
    import shutil

    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    sys.path.insert(0, str(REPO / "benchmarks"))
    from grading_vs_nbgrader import KINDS, make_submission

    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-from-scratch") as gradebook:
        for assignment in BENCH_ASSIGNMENTS:
            gradebook.update_or_create_assignment(assignment, duedate=DUE)
    kinds = {}
    for assignment in BENCH_ASSIGNMENTS:
        shutil.copytree(REPO / "notebooks" / assignment, course / "notebooks" / assignment)
        source = nbformat.read(REPO / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
        released, _ = ClearSolutions().preprocess(nbformat.from_dict(source), {"language": "python"})
        released, _ = ClearHiddenTests().preprocess(released, {})
        students = [(f"s{i}", KINDS[i], i) for i in range(len(KINDS))]
        if assignment == "01_neuron_model":
            students += [("late", "late", 0), ("tamperer", "tampered", 0)]
        for student, kind, index in students:
            notebook = make_submission(released, source, kind if kind in KINDS else "correct", index)
            for cell in notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if kind == "late" and grade_id == "sigmoid":
                    cell.source = SIGN_SIGMOID
                if kind == "tampered" and grade_id == "test_neuron_output":
                    cell.source = "pass  # no checks here\n"
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{assignment}.ipynb")
            stamp = "2026-01-15 17:00:00.000000 UTC" if kind == "late" else "2026-01-14 07:00:00.000000 UTC"
            (folder / "timestamp.txt").write_text(stamp)
            kinds[(student, assignment)] = kind
    return kinds


def test_report_on_the_benchmark_class_matches_grades_csv_number_for_number(tmp_path, monkeypatch):
    """`autograder grade` then `autograder report` as commands; every number of the Markdown report is recomputed
    from grades.csv with pandas (tests/autograder/report_oracle.py), the oracle the benchmark uses too."""
    import os
    import shutil

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).parent))
    from report_oracle import report_problems

    # nbgrader makes a gradebook with its environment's `alembic` command
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    course = tmp_path / "course"
    course.mkdir()
    kinds = benchmark_class(course)
    env = dict(os.environ)
    for command in (["grade", "submitted", "--out", "graded", "--jobs", "2", "--no-progress"], ["report", "graded"]):
        done = subprocess.run([*AUTOGRADER, *command], cwd=course, env=env, capture_output=True, text=True,
                              timeout=900, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

    grades = pd.read_csv(course / "graded" / "grades.csv", dtype=str, keep_default_na=False)
    assert {(s, a) for s, a in zip(grades["student_id"], grades["assignment"])} == set(kinds)
    statuses = set(grades["status"])
    assert {"passed", "failed", "error", "tampered"} <= statuses, statuses  # every section has something to say
    late = grades[grades["student_id"] == "late"]
    assert set(late["seconds_late"].astype(float)) == {33 * 3600.0} and (late["misconception"] == "sign").any()
    report = course / "graded" / "report"
    for assignment in BENCH_ASSIGNMENTS:
        for figure in ("scores", "outcomes"):
            assert png_data(report / "figures" / f"{assignment}-{figure}.png")
    assert report_problems(course / "graded") == []

    # the oracle notices a wrong number: one student's total changed in a copy of the report
    copy = tmp_path / "copy"
    shutil.copytree(report, copy)
    page = copy / "01_neuron_model.md"
    text = page.read_text()
    line = next(l for l in text.splitlines() if l.startswith("| s0 |"))
    page.write_text(text.replace(line, line.replace(" | 0 | ", " | 1 | ", 1)))
    assert report_problems(course / "graded", copy), line
