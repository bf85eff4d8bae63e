"""The learner's path in a real browser: the student version of a lesson opened in JupyterLab, an exercise
answered wrongly then rightly, and what the learner sees after running its check cell.

The lesson is released the way ``make lab`` does it (``autograder release``, here for one assignment), JupyterLab
is started on it with a token, a temporary root and its own settings, and Debian's chromium (see conftest.py)
types into the notebook like a learner. Screenshots of each state go to ``test-artifacts/browser/`` (git-ignored;
the CI workflow keeps them).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
SCREENSHOTS = REPO / "test-artifacts" / "browser"
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)
#: the sign of the exponent flipped: a known misconception, whose hint the learner should see once
WRONG_SIGMOID = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
#: JupyterLab settings for a quiet, fully rendered notebook: no news or update toasts, every cell in the page
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on the released student notebooks of ASSIGNMENT; yields (base URL, token, release folder)."""
    root = tmp_path_factory.mktemp("learner")
    release = subprocess.run([sys.executable, "-m", "autograder.cli", "release", str(root / "student"),
                              "--assignment", ASSIGNMENT], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert release.returncode == 0, release.stdout + release.stderr
    settings = root / "lab-settings"
    for name, text in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(text)
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / "config"), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
           "IPYTHONDIR": str(root / "ipython"), "MPLBACKEND": "Agg"}
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root / 'student' / 'notebooks'}", f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={root / 'workspaces'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = root / "jupyterlab.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/api/status?token={token}", process, log)
        yield base, token, root / "student"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _solution(name: str) -> str:
    source = nbformat.read(REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == name)
    return SOLUTION.sub(r"\1", cell.source)


def _code_cell(page, pattern: str):
    """The notebook's code cell whose source matches ``pattern`` (a regular expression on its text)."""
    editors = page.locator(".jp-InputArea-editor", has_text=re.compile(pattern))  # (relative to the cell)
    return page.locator(".jp-Notebook .jp-CodeCell").filter(has=editors).first


def _run(page, cell, timeout: float = 120_000) -> None:
    """Run ``cell`` as a learner does (click into it, Shift+Enter) and wait until its prompt shows an execution
    count. A kernel that has just started can drop the very first request although JupyterLab already shows it
    idle; a run that has not even started (prompt still "[ ]" or unchanged) after 15 s is asked for once more."""
    prompt = cell.locator(".jp-InputArea-prompt")
    for attempt in range(2):
        before = prompt.text_content()
        cell.locator(".cm-content").click()
        page.wait_for_timeout(300)  # let JupyterLab make it the active cell
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function("([p, before]) => p.textContent !== before || /\\[\\*\\]/.test(p.textContent)",
                                   arg=[prompt.element_handle(), before], timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: ask once more
            if attempt:
                raise
    page.wait_for_function("p => /\\[\\d+\\]/.test(p.textContent)", arg=prompt.element_handle(), timeout=timeout)


def _type_source(page, cell, text: str) -> None:
    """Replace the cell's source as a learner would: click into it, select all, and type (pasted text)."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def _shot(page, cell, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / name))


def test_a_learner_sees_one_hint_for_a_wrong_answer_and_a_pass_for_a_right_one(lab, page):
    base, token, _ = lab
    page.goto(f"{base}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    page.wait_for_selector(".jp-StatusBar-Widget:has-text('| Idle')", timeout=120_000)

    setup = _code_cell(page, r"from autograder import check")
    exercise = _code_cell(page, r"def sigmoid\(z\)")
    check = _code_cell(page, r"^\s*check\(sigmoid\)\s*$")
    assert "NotImplementedError" in exercise.inner_text()  # the student version: the exercise is blank
    _run(page, setup)
    _shot(page, exercise, "1-opened.png")

    # A wrong answer: the check cell shows the report once, with its hint, and one line instead of a traceback.
    _type_source(page, exercise, WRONG_SIGMOID)
    _run(page, exercise)
    _run(page, check)
    outputs = check.locator(".jp-OutputArea")
    page.wait_for_function("o => o.textContent.includes('Hint')", arg=outputs.element_handle(), timeout=30_000)
    _shot(page, check, "2-wrong-answer.png")
    text = outputs.inner_text()
    assert "sigmoid: failed" in text and text.count("Hint:") == 1, text
    report = check.locator(".jp-RenderedHTMLCommon")
    assert report.count() == 1 and "Hint:" in report.inner_text()
    errors = check.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 1
    assert errors.inner_text().strip() == "AssertionError: sigmoid: FAILED (0/2) (the report above says why)"
    for noise in ("Traceback", "Cell In[", "---->", "raise CheckFailed", "File "):
        assert noise not in text, f"{noise!r} in what the learner sees:\n{text}"

    # The instructor's answer typed in: the same check cell passes, with no error output.
    _type_source(page, exercise, _solution("sigmoid"))
    _run(page, exercise)
    _run(page, check)
    page.wait_for_function("o => o.textContent.includes('sigmoid: passed')", arg=outputs.element_handle(),
                           timeout=30_000)
    _shot(page, check, "3-right-answer.png")
    assert errors.count() == 0 and "Hint" not in outputs.inner_text()
