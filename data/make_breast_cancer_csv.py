"""Write ``breast_cancer_wisconsin.csv`` from scikit-learn's bundled copy of the data set.

The file imitates the export that circulates on the web, which the course's data-cleaning lesson starts from:

* an ``id`` column first, then ``diagnosis`` as the letters ``M`` (malignant) and ``B`` (benign);
* the 30 measurements named ``radius_mean ... fractal_dimension_worst``, in the order of the original UCI file
  (ten "mean" columns, ten standard errors ``*_se``, ten "worst" values);
* a trailing empty column: the header and every row end with a comma, so ``pandas.read_csv`` shows an all-NaN
  column called ``Unnamed: 32``.

scikit-learn's copy carries no patient identifiers, so ``id`` is simply the row number, 1 to 569.

Numbers are written in their shortest positional form that reads back to the same float, so running the script
again gives a byte-identical file (a test checks this).

Usage::

    python data/make_breast_cancer_csv.py            # rewrites data/breast_cancer_wisconsin.csv
    python data/make_breast_cancer_csv.py OUT.csv    # writes elsewhere
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer

# The column names, spelled as in the common export, are defined once, next to the loader that reads them.
from course_lib.data import FEATURE_NAMES

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "breast_cancer_wisconsin.csv"

# scikit-learn encodes 0 = malignant, 1 = benign.
TARGET_TO_LETTER = {0: "M", 1: "B"}


def _sklearn_name(column: str) -> str:
    """Map an export column name such as ``radius_se`` to scikit-learn's ``radius error``."""
    measure, summary = column.rsplit("_", 1)
    measure = measure.replace("_", " ")
    if summary == "se":
        return f"{measure} error"
    return f"{summary} {measure}"


def _format_number(value: float) -> str:
    """Shortest positional decimal that reads back to exactly ``value`` (no exponent, no trailing zeros)."""
    return np.format_float_positional(float(value), unique=True, trim="-")


def build_lines() -> list[str]:
    """Return the CSV file's lines (without line terminators), header first."""
    bunch = load_breast_cancer()
    sklearn_names = [str(name) for name in bunch.feature_names]
    order = [sklearn_names.index(_sklearn_name(column)) for column in FEATURE_NAMES]
    data = bunch.data[:, order]

    lines = [",".join(("id", "diagnosis", *FEATURE_NAMES)) + ","]
    for row_number, (features, target) in enumerate(zip(data, bunch.target), start=1):
        fields = [str(row_number), TARGET_TO_LETTER[int(target)], *(_format_number(v) for v in features)]
        lines.append(",".join(fields) + ",")
    return lines


def write_csv(path: Path | str = DEFAULT_OUTPUT) -> Path:
    """Write the CSV to ``path`` with ``\\n`` line endings and return the path."""
    path = Path(path)
    text = "\n".join(build_lines()) + "\n"
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        handle.write(text)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1:
        print("usage: make_breast_cancer_csv.py [OUTPUT.csv]", file=sys.stderr)
        return 2
    path = write_csv(argv[0] if argv else DEFAULT_OUTPUT)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
