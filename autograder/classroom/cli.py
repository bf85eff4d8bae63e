"""Command-line parts of the classroom layer, registered by ``autograder/cli.py``.

- ``add_classroom_arguments(grade_parser)``: --jobs, --force, --scheduler, --gradebook, --gradescope,
  --no-progress on the sandbox's ``grade`` subcommand, which then runs through ``grade_directory``.
- ``add_release``: ``autograder release OUT_DIR``.
- ``add_gradescope``: ``autograder gradescope`` (Gradescope's run_autograder).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

__all__ = ["add_classroom_arguments", "add_gradescope", "add_release", "run_grade"]


def add_classroom_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    group = parser.add_argument_group("class-wide grading")
    group.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="submissions graded in parallel (default: all cores)")
    group.add_argument("--force", action="store_true",
                       help="regrade every submission, even those whose stored result is up to date")
    group.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="grade on this Dask distributed scheduler instead of local processes")
    group.add_argument("--gradebook", default=None, metavar="PATH_OR_URL",
                       help="also record the scores in this nbgrader gradebook (default: the course's "
                            "gradebook.db when SUBMITTED_DIR is an nbgrader course's submitted/ folder) and write "
                            "nbgrader's autograded/ notebooks with the feedback")
    group.add_argument("--gradescope", action="store_true",
                       help="also write OUT_DIR/gradescope/<student>/<assignment>/results.json")
    group.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run_grade)
    return parser


def _config_from_args(args):
    """The sandbox configuration from the grade subcommand's own options (--source, --timeout, ...)."""
    from autograder.sandbox.config import SandboxConfig

    fields = {f.name for f in dataclasses.fields(SandboxConfig)}
    values = {"source_dir": getattr(args, "source", None), "timeout": getattr(args, "timeout", None),
              "step_timeout": getattr(args, "step_timeout", None), "memory_mb": getattr(args, "memory", None),
              "isolate": getattr(args, "isolate", None),
              "hide_paths": tuple(getattr(args, "hide", None) or ())}
    return SandboxConfig(**{k: v for k, v in values.items() if k in fields and v is not None})


def run_grade(args) -> int:
    """Exit code: 0 when every submission is graded, 1 when the grader failed on some, 130 when interrupted."""
    from .api import grade_directory
    from .nbgrader_io import LatePenaltyConfigError

    try:
        run = grade_directory(args.submitted_dir, args.out, _config_from_args(args), jobs=args.jobs,
                              force=args.force, scheduler=args.scheduler, gradebook=args.gradebook,
                              gradescope=args.gradescope, progress=not args.no_progress and sys.stderr.isatty())
    except LatePenaltyConfigError as exc:
        print(f"autograder grade: error: {exc}", file=sys.stderr)
        return 2
    notes = sorted({n for r in run.results for nb in r.notebooks for n in (nb.detail or {}).get("isolation", ())})
    for note in notes:
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
    from ._sandbox_adapter import prepare_config
    from .gradescope import run_autograder

    config = prepare_config(_config_from_args(args), args.results.parent)
    data = run_autograder(args.submission, args.results, config=config, assignment=args.assignment,
                          visibility=args.visibility)
    print(f"score {data['score']:g} over {len(data['tests'])} test(s); wrote {args.results}")
    return 0
