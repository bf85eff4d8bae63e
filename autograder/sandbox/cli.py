"""The ``autograder grade`` subcommand: argument parsing only; the work is ``grading.grade_submissions``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def add_grade_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "grade", help="grade nbgrader submissions safely (learner code in confined workers)",
        description="Grade SUBMITTED_DIR/<student_id>/<assignment>/<notebook>.ipynb; write "
                    "OUT_DIR/submissions/<student_id>/<assignment>.json (one stored result per submission), "
                    "OUT_DIR/grades.csv and OUT_DIR/feedback/<student_id>/feedback.{md,html}.")
    p.add_argument("submitted_dir", type=Path, metavar="SUBMITTED_DIR")
    p.add_argument("--out", type=Path, required=True, metavar="OUT_DIR")
    p.add_argument("--source", type=Path, default=None, metavar="SOURCE_DIR",
                   help="instructor source notebooks (default: the course's notebooks/ directory)")
    p.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per submission (default 60)")
    p.add_argument("--step-timeout", type=float, default=None,
                   help="wall-clock seconds per cell or per exercise's checks (default: a third of --timeout)")
    p.add_argument("--memory", type=int, default=2048, metavar="MB", help="address-space limit in MiB (default 2048)")
    p.add_argument("--isolate", choices=("auto", "rlimits", "strict"), default="auto",
                   help="auto: every layer this machine allows; strict: fail when one is refused")
    p.add_argument("--hide", type=Path, action="append", default=[], metavar="PATH",
                   help="another path the learner code must not see (e.g. a gradebook); repeatable")
    p.set_defaults(func=run_grade)
    return p


def run_grade(args) -> int:
    from .config import SandboxConfig
    from .grading import grade_submissions

    config = SandboxConfig(source_dir=args.source, timeout=args.timeout, step_timeout=args.step_timeout,
                           memory_mb=args.memory, isolate=args.isolate, hide_paths=tuple(args.hide))
    results = grade_submissions(args.submitted_dir, args.out, config,
                                progress=lambda r: print(f"{r.submission.student_id}/{r.submission.assignment}: "
                                                         f"{r.score:g}/{r.max_score:g} ({r.seconds:.1f} s)",
                                                         file=sys.stderr))
    statuses = Counter(row.status for r in results for row in r.rows)
    notes = sorted({n for r in results for n in r.isolation})
    print(f"graded {len(results)} submission(s): " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    for n in notes:
        print(f"isolation: {n}")
    print(f"grades: {Path(args.out) / 'grades.csv'}")
    return 0
