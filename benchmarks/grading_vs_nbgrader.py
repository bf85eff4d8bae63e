"""Grade the same class with ``nbgrader autograde`` and with ``autograder grade``, and compare.

Run by hand (not a test)::

    .venv/bin/python benchmarks/grading_vs_nbgrader.py        # 5 students x every notebook (9: 45 submissions)
    .venv/bin/python benchmarks/grading_vs_nbgrader.py --students 12 --assignments 01_neuron_model,03_backpropagation

A throw-away nbgrader course is laid out like the repository (nbgrader_config.py, notebooks/, data/); nbgrader
releases the chosen assignments; a class of fake students submits, per assignment, a mix of

- correct   the released notebook with the instructor's solutions typed in,
- partly    the same with one exercise answered wrongly (its function returns 0.0),
- blank     one exercise left as the released stub (raise NotImplementedError),
- broken    a syntax error in one solution cell and a top-level exception in another.

The first three are "honest" submissions: both graders must give them the same total. Then
``nbgrader autograde <assignment> --create --force`` runs for each assignment (nbgrader runs one notebook at a time,
every cell, plots and experiments included), and ``autograder grade`` grades the whole submitted/ tree with
``--jobs`` processes (learner code in the sandbox, demonstration cells skipped, writing grades.csv, feedback, an
nbgrader gradebook and the autograded/ tree). Printed: both wall times, submissions per second, the ratio, and
whether the totals agree on every honest submission. Then ``autograder report`` writes the class report, and every
number of its Markdown is recomputed from grades.csv (``tests/autograder/report_oracle.py``, pandas); the
script fails when the totals or the report disagree.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]

KINDS = ("correct", "partly", "blank", "broken")
HONEST = ("correct", "partly", "blank")
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)
DEF = re.compile(r"^(?:def|class)\s+(\w+)", re.MULTILINE)


def solution_cells(notebook) -> list[int]:
    return [i for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def make_submission(released, source, kind: str, student_index: int):
    """One student's notebook of the given kind, built from the released and the source notebook."""
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): SOLUTION.sub(r"\1", c.source) for c in source.cells}
    notebook = nbformat.from_dict(released)
    cells = solution_cells(notebook)
    for i in cells:
        notebook.cells[i].source = answers[notebook.cells[i].metadata["nbgrader"]["grade_id"]]
    target = cells[student_index % len(cells)]
    if kind == "partly":
        name = DEF.search(notebook.cells[target].source)
        if name and notebook.cells[target].source.lstrip().startswith("def"):
            notebook.cells[target].source = f"def {name.group(1)}(*args, **kwargs):\n    return 0.0\n"
        else:  # a class or a constant: answer it with nothing
            notebook.cells[target].source = "# YOUR CODE HERE\nraise NotImplementedError()"
    elif kind == "blank":
        notebook.cells[target].source = "# YOUR CODE HERE\nraise NotImplementedError()"
    elif kind == "broken":
        notebook.cells[cells[0]].source = "def oops(:\n    pass\n"
        notebook.cells[cells[-1]].source = "raise RuntimeError('my notebook crashes here')\n"
    return notebook


def run(command: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - started
    if done.returncode not in (0,):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def nbgrader_totals(db: Path, assignments) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    totals = {}
    with Gradebook(f"sqlite:///{db}") as gradebook:
        for assignment in assignments:
            for submission in gradebook.assignment_submissions(assignment):
                totals[(submission.student.id, assignment)] = float(submission.score)
    return totals


def grader_command(mode: str) -> list[str]:
    """The argv prefix of the ``autograder`` command run by the grader of ``mode`` (``ordinary_user``)."""
    import ordinary_user

    if mode == ordinary_user.current_mode():
        return [str(Path(sys.executable).with_name("autograder"))]
    return ordinary_user.grader_command(mode)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5, help="students per assignment (default 5)")
    parser.add_argument("--assignments", default=None,
                        help="comma-separated (default: every notebooks/<a>/<a>.ipynb of the course)")
    parser.add_argument("--jobs", type=int, default=None, help="autograder grade --jobs (default: all cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course directory")
    parser.add_argument("--modes", default=None,
                        help="who runs `autograder grade`: 'root', 'ordinary' or 'root,ordinary' (as root, the "
                             "ordinary grader is the tests' account, tests/autograder/ordinary_user.py); default: "
                             "the current user only")
    args = parser.parse_args(argv)
    assignments = ([a for a in args.assignments.split(",") if a] if args.assignments else
                   sorted(p.parent.name for p in (REPO / "notebooks").glob("*/*.ipynb") if p.stem == p.parent.name))
    python = sys.executable
    jobs = args.jobs or len(os.sched_getaffinity(0))

    sys.path.insert(0, str(REPO / "tests" / "autograder"))
    import ordinary_user

    modes = args.modes.split(",") if args.modes else [ordinary_user.current_mode()]
    for mode in modes:
        if mode not in ordinary_user.MODES or ordinary_user.skip_reason(mode):
            parser.error(f"cannot grade as {mode!r} here: {ordinary_user.skip_reason(mode) or 'unknown mode'}")

    root = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    root.chmod(0o755)  # an ordinary grader must reach the class
    try:
        course = root / "course"
        (course / "notebooks").mkdir(parents=True)
        shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(REPO / "data", course / "data", ignore=shutil.ignore_patterns("__pycache__"))
        for assignment in assignments:
            shutil.copytree(REPO / "notebooks" / assignment, course / "notebooks" / assignment,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            run([python, "-m", "nbgrader", "generate_assignment", assignment, "--force"], course)

        kinds = {}
        for assignment in assignments:
            released = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
            source = nbformat.read(course / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
            for s in range(args.students):
                student, kind = f"student{s:03d}", KINDS[s % len(KINDS)]
                folder = course / "submitted" / student / assignment
                folder.mkdir(parents=True)
                nbformat.write(make_submission(released, source, kind, s), folder / f"{assignment}.ipynb")
                (folder / "timestamp.txt").write_text("2026-01-15 10:00:00.000000 UTC")
                kinds[(student, assignment)] = kind
        n = len(kinds)
        print(f"class: {args.students} students x {len(assignments)} assignments = {n} submissions "
              f"({', '.join(f'{k} {sum(v == k for v in kinds.values())}' for k in KINDS)}); {jobs} job(s); "
              f"{os.cpu_count()} CPU(s) on this machine")

        nbgrader_seconds = 0.0
        for assignment in assignments:
            seconds = run([python, "-m", "nbgrader", "autograde", assignment, "--create", "--force"], course)
            print(f"  nbgrader autograde {assignment}: {seconds:.1f} s")
            nbgrader_seconds += seconds
        theirs = nbgrader_totals(course / "gradebook.db", assignments)

        from report_oracle import report_problems

        print(f"nbgrader autograde : {nbgrader_seconds:7.1f} s  {n / nbgrader_seconds:6.2f} submissions/s")
        honest = [key for key, kind in kinds.items() if kind in HONEST]
        failed = False
        for mode in modes:
            out, ours_db = root / f"graded-{mode}", root / f"gradebook-{mode}.db"
            command = grader_command(mode)
            ordinary_user.hand_over(mode, root)  # the class (and what an earlier run wrote) is this grader's
            env = None if mode == ordinary_user.current_mode() else ordinary_user.grader_env(mode, root / "home")
            ours_seconds = run(command + ["grade", str(course / "submitted"), "--out", str(out),
                                          "--source", str(course / "notebooks"), "--jobs", str(jobs),
                                          "--no-progress", "--gradebook", str(ours_db)], course, env)
            ours = nbgrader_totals(ours_db, assignments)
            report_seconds = run(command + ["report", str(out)], course, env)
            report_disagrees = report_problems(out)
            print(f"autograder grade   : {ours_seconds:7.1f} s  {n / ours_seconds:6.2f} submissions/s  "
                  f"(--jobs {jobs}, grader: {mode})")
            print(f"throughput ratio   : {nbgrader_seconds / ours_seconds:.1f}x (target 15x)")
            disagree = [(key, kinds[key], theirs.get(key), ours.get(key)) for key in honest
                        if theirs.get(key) != ours.get(key)]
            print(f"honest submissions : {len(honest)}; totals agree on {len(honest) - len(disagree)}")
            for key, kind, a, b in disagree:
                print(f"  DISAGREE {key[0]}/{key[1]} ({kind}): nbgrader {a}, autograder {b}")
            for assignment in assignments:  # not compared: nbgrader scores what still runs, ours what still exists
                broken = [key for key, kind in kinds.items() if kind == "broken" and key[1] == assignment]
                nb_mean, our_mean = (sum(t.get(k, 0.0) for k in broken) / max(1, len(broken))
                                     for t in (theirs, ours))
                print(f"  broken {assignment}: mean total nbgrader {nb_mean:.2f}, autograder {our_mean:.2f}")
            print(f"autograder report  : {report_seconds:7.1f} s; "
                  f"{'agrees with grades.csv' if not report_disagrees else 'DISAGREES with grades.csv:'}")
            for problem in report_disagrees:
                print(f"  {problem}")
            failed = failed or bool(disagree or report_disagrees)
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
