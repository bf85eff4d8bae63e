"""nbgrader configuration for instructors who grade the course with nbgrader.

Run nbgrader from the repository root, for example::

    nbgrader generate_assignment 01_neuron_model   # notebooks/01_neuron_model/ -> release/01_neuron_model/
    nbgrader autograde 01_neuron_model             # submitted/<student>/01_neuron_model/ -> autograded/...

The source notebooks live in ``notebooks/<assignment>/<assignment>.ipynb`` (nbgrader's default would be
``source/``). Everything nbgrader writes (release/, submitted/, autograded/, feedback/, gradebook.db,
.nbgrader.log) is git-ignored.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The course root is the folder holding this file, wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# nbgrader runs the `alembic` command of its own environment to set up gradebook.db. Make that command
# findable when nbgrader is started as `.venv/bin/nbgrader` without activating the virtual environment first.
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

# A solution cell in the student version becomes this stub; running it unmodified makes the check cell report
# "not implemented yet" instead of crashing the notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Autograding re-runs the whole notebook; the slowest lesson needs well under a minute per cell.
c.ExecutePreprocessor.timeout = 300
