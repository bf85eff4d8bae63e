"""Command-line parts of the classroom layer, registered by ``autograder/cli.py``: argument parsing only.

- ``add_grade``: ``autograder grade SUBMITTED_DIR --out OUT_DIR ...``, the one class driver
  (``api.grade_directory``).
- ``add_release``: ``autograder release OUT_DIR``.
- ``add_gradescope``: ``autograder gradescope`` (Gradescope's run_autograder).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_gradescope", "add_grade", "add_release", "run_grade"]


def add_grade(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "grade", help="grade nbgrader submissions safely (learner code in confined workers)",
        description="Grade SUBMITTED_DIR/<student_id>/<assignment>/<notebook>.ipynb; write "
                    "OUT_DIR/submissions/<student_id>/<assignment>.json (the resumable store: one result per "
                    "submission), OUT_DIR/grades.csv and OUT_DIR/feedback/<student_id>/feedback.{md,html}.")
    p.add_argument("submitted_dir", type=Path, metavar="SUBMITTED_DIR")
    p.add_argument("--out", type=Path, required=True, metavar="OUT_DIR")
    p.add_argument("--source", type=Path, default=None, metavar="SOURCE_DIR",
                   help="instructor source notebooks (default: the nbgrader course's source folder, else the "
                        "course's notebooks/ folder)")
    p.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per notebook (default 60)")
    p.add_argument("--step-timeout", type=float, default=None,
                   help="wall-clock seconds per cell or per exercise's checks (default: a third of --timeout)")
    p.add_argument("--memory", type=int, default=2048, metavar="MB", help="address-space limit in MiB (default 2048)")
    p.add_argument("--isolate", choices=("auto", "weak", "rlimits", "strict"), default="auto",
                   help="auto: every layer, and refuse to grade where this machine refuses the namespaces; "
                        "weak: grade anyway with what the machine allows (the summary says what is missing); "
                        "strict: refuse when any layer is missing; rlimits: no namespaces at all")
    p.add_argument("--hide", type=Path, action="append", default=[], metavar="PATH",
                   help="another path the learner code must not see; repeatable (submitted/, the source, the "
                        "output folder and the gradebook are always hidden)")
    p.add_argument("--uid-base", type=int, default=None, metavar="UID",
                   help="first of the unassigned uids the workers run as when grading as root (default 61000)")
    group = p.add_argument_group("class-wide grading")
    group.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="submissions graded in parallel (default: all cores)")
    group.add_argument("--force", action="store_true",
                       help="regrade every submission, even those whose stored result is up to date")
    group.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="grade on this Dask distributed scheduler instead of local processes")
    group.add_argument("--gradebook", default=None, metavar="PATH_OR_URL",
                       help="also record the scores in this nbgrader gradebook (default: the course's "
                            "gradebook.db when SUBMITTED_DIR is an nbgrader course's submitted/ folder) and write "
                            "nbgrader's autograded/ notebooks (the course's, else OUT_DIR/autograded/): each cell "
                            "with what it printed and drew in the grader's run, each test cell with the feedback")
    group.add_argument("--no-gradebook", action="store_true",
                       help="write no gradebook and no autograded/ notebooks, even in an nbgrader course")
    group.add_argument("--gradescope", action="store_true",
                       help="also write OUT_DIR/gradescope/<student>/<assignment>/results.json")
    group.add_argument("--student", action="append", default=None, metavar="STUDENT_ID",
                       help="grade only this student's submissions (repeatable); the class files still list "
                            "every stored result")
    group.add_argument("--assignment", action="append", default=None, metavar="ASSIGNMENT",
                       help="grade only this assignment (repeatable)")
    group.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_grade)
    return p


def _config_from_args(args):
    """The sandbox configuration from the command's options; every path resolved against the current folder."""
    import dataclasses

    from .runner import default_config

    config = default_config()
    values = {"timeout": getattr(args, "timeout", None), "step_timeout": getattr(args, "step_timeout", None),
              "memory_mb": getattr(args, "memory", None), "isolate": getattr(args, "isolate", None),
              "uid_base": getattr(args, "uid_base", None)}
    if getattr(args, "source", None) is not None:
        values["source_dir"] = Path(args.source).resolve()
    hidden = tuple(Path(p).resolve() for p in (getattr(args, "hide", None) or ()))
    return dataclasses.replace(config, **{k: v for k, v in values.items() if v is not None}, hide_paths=hidden)


def run_grade(args) -> int:
    """Exit code: 0 when every submission is graded, 1 when the grader failed on some, 130 when interrupted."""
    from autograder.sandbox.isolation import preflight

    from .api import SelectionError, grade_directory
    from .nbgrader_io import LatePenaltyConfigError

    if args.no_gradebook and args.gradebook:
        print("autograder grade: error: --gradebook and --no-gradebook contradict each other", file=sys.stderr)
        return 2
    config = _config_from_args(args)
    refusal, summary = preflight(config.isolate)  # before anything is graded: no namespaces, no grading
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    try:
        run = grade_directory(args.submitted_dir, args.out, config, jobs=args.jobs,
                              force=args.force, scheduler=args.scheduler, gradebook=args.gradebook,
                              use_gradebook=not args.no_gradebook, gradescope=args.gradescope,
                              students=args.student, assignments=args.assignment,
                              progress=not args.no_progress and sys.stderr.isatty())
    except (LatePenaltyConfigError, SelectionError) as exc:
        print(f"autograder grade: error: {exc}", file=sys.stderr)
        return 2
    for note in sorted({n for r in run.results for n in r.isolation} | set(summary)):
        print(f"isolation: {note}")
    print(f"grades: {Path(args.out) / 'grades.csv'}")
    if run.report.interrupted:
        return 130
    return 1 if run.report.errors else 0


def add_release(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("release", help="write the student bundle: student notebooks, the public checker, data",
                       description="Write OUT_DIR with nbgrader's student version of every source notebook, an "
                                   "installable checker package (public checks only, no answer key) and its "
                                   "wheel, the data and a README for students.")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--source", type=Path, default=None, metavar="SOURCE_DIR",
                   help="instructor source notebooks (default: the nbgrader course's source folder)")
    p.add_argument("--data", type=Path, default=None, metavar="DATA_DIR", help="default: the course's data/")
    p.add_argument("--assignment", action="append", default=None, help="only this assignment (repeatable)")
    p.set_defaults(func=run_release)
    return p


def run_release(args) -> int:
    from .release import build_release

    report = build_release(args.out_dir, source_dir=args.source, data_dir=args.data, assignments=args.assignment)
    print(f"released {len(report.assignments)} assignment(s) to {report.out_dir}: {', '.join(report.assignments)}")
    print(f"checker modules: {', '.join(report.modules)}; wheel: {report.wheel}")
    for note in report.notes:
        print(f"note: {note}")
    return 0


def add_gradescope(sub) -> argparse.ArgumentParser:
    from .gradescope import RESULTS_PATH, SUBMISSION_DIR

    p = sub.add_parser("gradescope", help="Gradescope's run_autograder: grade /autograder/submission",
                       description="Grade the upload in SUBMISSION_DIR and write Gradescope's results.json.")
    p.add_argument("--submission", type=Path, default=SUBMISSION_DIR, help=f"default {SUBMISSION_DIR}")
    p.add_argument("--results", type=Path, default=RESULTS_PATH, help=f"default {RESULTS_PATH}")
    p.add_argument("--source", type=Path, default=None, metavar="SOURCE_DIR",
                   help="instructor source notebooks (default: the course's notebooks/ folder)")
    p.add_argument("--assignment", default=None, help="default: from the uploaded notebook's file name")
    p.add_argument("--visibility", default="visible",
                   choices=("hidden", "after_due_date", "after_published", "visible"))
    p.add_argument("--timeout", type=float, default=None, help="wall-clock seconds for the submission")
    p.set_defaults(func=run_gradescope)
    return p


def run_gradescope(args) -> int:
    from .api import hide
    from .gradescope import run_autograder

    config = hide(_config_from_args(args), args.results.parent, args.submission)
    data = run_autograder(args.submission, args.results, config=config, assignment=args.assignment,
                          visibility=args.visibility)
    print(f"score {data['score']:g} over {len(data['tests'])} test(s); wrote {args.results}")
    return 0
