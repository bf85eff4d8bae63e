"""A small course for the adversarial corpus: the 01_neuron_model exercises in a generated source notebook.

The notebook mimics the course's layout (a locked setup cell, solution cells whose grade_id is the exercise,
locked test cells ``test_<name>`` with the hidden block, a ``demo`` cell) so that the corpus does not depend on
the real notebooks' wording. Exercises are judged by the engine's registry when it is importable; otherwise by
a stand-in provider that still uses the engine's probes and ``compare.judge``.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "01_neuron_model"
POINTS = {"sigmoid": 2, "neuron_output": 2, "count_quadratic_terms": 1}

HONEST = {
    "sigmoid": "def sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))\n",
    "neuron_output": "def neuron_output(X, theta, b):\n    z = X @ theta + b\n"
                     "    return 0.5 * (1.0 + np.tanh(0.5 * z))\n",
    "count_quadratic_terms": "def count_quadratic_terms(n_features):\n"
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


# ----------------------------------------------------------------------------------------------------------
# judging: the engine's registry when it exists, else a stand-in built on the engine's probes and judge
# ----------------------------------------------------------------------------------------------------------
def _ref_sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def _ref_neuron(X, theta, b):
    return _ref_sigmoid(X @ theta + b)


def _ref_quad(n):
    return n * (n + 1) // 2


@dataclasses.dataclass(frozen=True)
class _Handle:
    name: str
    points: float
    ref: object
    gen: object

    def hidden_cases(self, rng):
        return self.gen(rng)

    def judge(self, case, observation):
        from autograder.compare import judge
        from autograder.probes import probe
        from autograder.results import Check

        check = Check(self.name, ASSIGNMENT, int(self.points), purity=True)
        return judge(check, case, observation, probe(self.name, self.ref, case))


def _cases_sigmoid(rng):
    from autograder.encode import encode
    from autograder.results import Case

    return [Case("random z", (encode(rng.normal(size=(int(rng.integers(2, 6)), 3)) * 5),)),
            Case("large |z|", (encode(np.array([-1e3, 1e3, 0.0])),))]


def _cases_neuron(rng):
    from autograder.encode import encode
    from autograder.results import Case

    m, n = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    return [Case("random X", (encode(rng.normal(size=(m, n))), encode(rng.normal(size=n)),
                              encode(float(rng.normal()))))]


def _cases_quad(rng):
    from autograder.encode import encode
    from autograder.results import Case

    return [Case("n_features", (encode(int(rng.integers(1, 50))),)), Case("30 features", (encode(30),))]


def stand_in_provider(assignment):
    if assignment != ASSIGNMENT:
        return {}
    return {"sigmoid": _Handle("sigmoid", 2, _ref_sigmoid, _cases_sigmoid),
            "neuron_output": _Handle("neuron_output", 2, _ref_neuron, _cases_neuron),
            "count_quadratic_terms": _Handle("count_quadratic_terms", 1, _ref_quad, _cases_quad)}


def provider():
    """The engine's registry if it knows this assignment, else the stand-in."""
    try:
        from autograder.sandbox.judging import registry_provider

        handles = registry_provider(ASSIGNMENT)
        if set(POINTS) <= set(handles):
            return registry_provider
    except ImportError:
        pass
    return stand_in_provider
