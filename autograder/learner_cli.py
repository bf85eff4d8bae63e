"""``autograder check``: the command line a learner has (PUBLIC runtime: ships in the student bundle).

In the student bundle the ``autograder`` console script is ``main`` below, with this one subcommand; in the
instructor's installation ``autograder/cli.py`` registers the same ``check`` subcommand next to its own
(grade, release, report, ...). Without the instructor side, ``--hidden`` answers that hidden checks are not
available here instead of failing.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_check", "build_parser", "cmd_check", "main", "skip_unused_schema_grammars"]


def skip_unused_schema_grammars() -> None:
    """Keep the optional ``rfc3987_syntax`` package out of this command's process.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` when it is installed (Jupyter's own
    dependencies install it) to check the ``iri`` string format, and that package compiles its grammars at import:
    1-5 s for every ``autograder`` command, more than reading a class's notebooks. No schema nbformat or nbgrader
    validates uses that format, so the command marks the module as absent (jsonschema then skips that one check).
    Call it before anything imports nbformat; a process that already imported the package keeps it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def add_check(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("check", help="execute a learner's notebook and grade its exercises")
    p.add_argument("notebook", help="path of the .ipynb file")
    p.add_argument("--json", action="store_true", help="print a JSON list of {exercise, passed, score, "
                                                      "max_score, message, hint, notes, cases}")
    p.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell (default 60)")
    p.add_argument("--hidden", action="store_true", help="use fresh hidden cases (needs the instructor side)")
    p.add_argument("--seed", type=int, default=None, help="seed of the hidden cases (reproducible regrade)")
    p.set_defaults(func=cmd_check)
    return p


def cmd_check(args) -> int:
    from . import api
    results = api.check_notebook(args.notebook, timeout=args.timeout, hidden=args.hidden, seed=args.seed)
    print(api.results_to_json(results) if args.json else api.format_table(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Check your notebooks for the NumPy neural "
                                                                    "network course (public checks)")
    sub = parser.add_subparsers(dest="command", required=True)
    add_check(sub)
    return parser


def main(argv=None) -> int:
    skip_unused_schema_grammars()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
