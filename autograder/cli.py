"""``autograder`` console script: a thin argparse dispatcher over ``autograder.api`` (one function per subcommand).

To add a subcommand, write ``add_<verb>(subparsers)`` that registers its arguments and sets
``func=cmd_<verb>``, and append ``add_<verb>`` to ``SUBCOMMANDS``. Each ``cmd_*`` returns the exit code.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["SUBCOMMANDS", "build_parser", "main"]


# ----- check (the learner's command too: autograder/learner_cli.py ships in the student bundle) ----------------

from .learner_cli import add_check, cmd_check, skip_unused_schema_grammars  # noqa: E402,F401


# ----- build-public ---------------------------------------------------------------------------------------------

def add_build_public(sub) -> None:
    p = sub.add_parser("build-public", help="regenerate autograder/public_data from course_lib")
    p.add_argument("--check", action="store_true", help="only verify that the files match course_lib")
    p.add_argument("--out", default=None, help="write (or verify) this folder instead of autograder/public_data")
    p.set_defaults(func=cmd_build_public)


def cmd_build_public(args) -> int:
    from . import publicgen
    where = ["--out", args.out] if args.out else []
    return publicgen.main((["--check"] if args.check else ["--write"]) + where)


# ----- grade (a class, learner code in the sandbox: autograder/classroom/cli.py) ----------------------------------

def add_grade(sub) -> None:
    from .classroom.cli import add_grade as add_grade_parser
    add_grade_parser(sub)


# ----- release (the student bundle: autograder/classroom/cli.py) -------------------------------------------------

def add_release(sub) -> None:
    from .classroom.cli import add_release as add_release_parser
    add_release_parser(sub)


# ----- gradescope (Gradescope's run_autograder: autograder/classroom/cli.py) --------------------------------------

def add_gradescope(sub) -> None:
    from .classroom.cli import add_gradescope as add_gradescope_parser
    add_gradescope_parser(sub)


# ----- report (the class report: autograder/classroom/class_report.py) ------------------------------------------

def add_report(sub) -> None:
    from .classroom.class_report import add_parser
    add_parser(sub)


# ----- export (LMS gradebook import files: autograder/classroom/lms_export.py) ----------------------------------

def add_export(sub) -> None:
    from .classroom.lms_export import add_parser
    add_parser(sub)


SUBCOMMANDS = [add_check, add_build_public, add_grade, add_release, add_gradescope, add_report, add_export]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Autograder for the NumPy neural network course")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv=None) -> int:
    skip_unused_schema_grammars()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
