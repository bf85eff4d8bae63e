"""Browser tests drive Debian's chromium (``/usr/bin/chromium``) through pytest-playwright; playwright's own
browser builds are never downloaded. The session installs chromium with apt-get when it is missing (CI is root on a
fresh machine; elsewhere ``sudo -n`` is tried), and a test that cannot get a browser fails, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: No GPU, no sandbox (root in a container), and nothing that reaches the network by itself.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _apt(*args: str) -> None:
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run([*prefix, "apt-get", *args], capture_output=True, text=True, env=env, timeout=900,
                          check=False)
    if done.returncode != 0:
        pytest.fail(f"could not install Debian's chromium for the browser test (apt-get {' '.join(args)}):\n"
                    f"{done.stderr[-2000:]}", pytrace=False)


@pytest.fixture(scope="session")
def system_chromium() -> Path:
    """Debian's chromium, installed with apt-get (after apt-get update) if it is not there yet."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None:
            pytest.fail(f"the browser test needs {CHROMIUM} (Debian's chromium package) and apt-get is not "
                        "available to install it", pytrace=False)
        _apt("update", "-qq")
        _apt("install", "-y", "-qq", "--no-install-recommends", "chromium")
    assert CHROMIUM.exists(), f"apt-get installed chromium but {CHROMIUM} is missing"
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, system_chromium):
    """pytest-playwright's launch arguments, pointed at the system chromium."""
    return {**browser_type_launch_args, "executable_path": str(system_chromium), "headless": True,
            "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}
