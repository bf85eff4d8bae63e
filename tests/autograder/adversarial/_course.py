"""A small course for the adversarial corpus: the 01_neuron_model exercises in a generated source notebook.

The notebook mimics the course's layout (a locked setup cell, solution cells whose grade_id is the exercise,
locked test cells ``test_<name>`` with the hidden block, a ``demo`` cell) so that the corpus does not depend on
the real notebooks' wording. Exercises are judged by the engine's registry, as in a real class.
"""

from __future__ import annotations

import copy

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "01_neuron_model"
POINTS = {"sigmoid": 2, "neuron_output": 2, "count_quadratic_terms": 1}

HONEST = {
    "sigmoid": "def sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))\n",
    "neuron_output": "def neuron_output(X, theta, b):\n"
                     "    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:\n"
                     "        raise ValueError(f'X {X.shape} and theta {theta.shape} do not fit')\n"
                     "    z = X @ theta + b\n"
                     "    return 0.5 * (1.0 + np.tanh(0.5 * z))\n",
    "count_quadratic_terms": "def count_quadratic_terms(n_features):\n"
                             "    if n_features < 0:\n"
                             "        raise ValueError('n_features must be >= 0')\n"
                             "    return n_features * (n_features + 1) // 2\n",
}
DEMO = "import time\ntime.sleep(30)  # a long experiment: never run while grading\nprint('done')\n"


def _md(gid, *, grade=False, solution=False, locked=False, points=None):
    md = {"grade": grade, "solution": solution, "locked": locked, "grade_id": gid, "schema_version": 3}
    if points is not None:
        md["points"] = points
    return {"nbgrader": md}


def source_notebook():
    cells = [new_markdown_cell("# The neuron model"),
             new_code_cell("import numpy as np\nfrom autograder import check\n", metadata=_md("setup", locked=True))]
    for name, body in HONEST.items():
        head, _, rest = body.partition("\n")
        solution = f"{head}\n    ### BEGIN SOLUTION\n{rest}    ### END SOLUTION\n"
        cells.append(new_markdown_cell(f"Implement `{name}`.", metadata=_md(f"md_{name}", locked=True)))
        cells.append(new_code_cell(solution, metadata=_md(name, solution=True)))
        cells.append(new_code_cell(f"check({name})\n### BEGIN HIDDEN TESTS\nfrom autograder.hidden import "
                                   f"check_hidden\ncheck_hidden({name})\n### END HIDDEN TESTS\n",
                                   metadata=_md(f"test_{name}", grade=True, locked=True, points=POINTS[name])))
        if name == "sigmoid":
            cells.append(new_code_cell(DEMO, metadata={"tags": ["demo"]}))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def honest_submission(released):
    """The released notebook completed with correct answers."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in HONEST and cell.metadata["nbgrader"].get("solution"):
            cell.source = HONEST[gid]
    return nb


def provider():
    """The engine's exercises (registry): the corpus is judged exactly as a real class would be."""
    from autograder.sandbox.judging import registry_provider

    return registry_provider
