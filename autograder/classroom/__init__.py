"""Classroom workflow at scale (instructor side; never shipped to learners).

- ``grade_directory``: grade a whole ``submitted/`` tree in parallel (``--jobs``) or on a Dask cluster
  (``--scheduler``), resumably (one atomic result file per submission, reused while the submission and the grader
  are unchanged), then write grades.csv and feedback, an nbgrader gradebook and ``autograded/`` tree, and
  Gradescope results.json files.
- ``run_autograder``: Gradescope's entry point (``/autograder/submission`` -> ``/autograder/results/results.json``).
- ``build_release``: the student bundle (nbgrader student notebooks, the public checker package, data).
"""

from .api import GradeRun, grade_directory, summary_table
from .gradescope import results_json, run_autograder
from .release import build_release

__all__ = ["GradeRun", "build_release", "grade_directory", "results_json", "run_autograder", "summary_table"]
