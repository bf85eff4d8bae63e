"""The locked setup cell is edited to patch numpy and to define a wrong sigmoid: the instructor's version runs instead, so the learner's correct sigmoid stands (full marks) and a note reports the edit."""


def edit(nb, ctx):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup":
            cell.source = "import numpy as np\nnp.tanh = lambda x: x\n"

EXPECTED = {
}
