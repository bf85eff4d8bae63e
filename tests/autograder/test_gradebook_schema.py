"""The gradebook's schema revision is read in the grading process, not by running the ``alembic`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder.classroom.nbgrader_io import alembic_head


def test_head_is_what_nbgrader_stamps_with_its_alembic_command(monkeypatch):
    from nbgrader.api import get_alembic_version

    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert alembic_head() == get_alembic_version()


def test_a_new_gradebook_needs_no_alembic_on_path(tmp_path):
    """An instructor's PATH without this environment's bin folder (a venv not activated) still gets a gradebook
    that nbgrader's own commands accept as current."""
    db = tmp_path / "gradebook.db"
    code = ("from autograder.classroom.nbgrader_io import _gradebook_schema_here\n"
            "from nbgrader.api import Gradebook\n"
            f"with _gradebook_schema_here(), Gradebook('sqlite:///{db}') as gb:\n"
            "    gb.add_student('s1')\n")
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    import sqlite3

    with sqlite3.connect(db) as connection:
        (stamped,), = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stamped == alembic_head()
