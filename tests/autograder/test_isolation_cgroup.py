"""Which bound on a worker's processes is in force: a delegated cgroup v2 (``pids.max``, ``memory.max``) where the
machine has one, else RLIMIT_NPROC and the PID namespace.

The detection reads /proc/self/cgroup, /proc/self/mountinfo and the cgroup folder; here a fake tree in a temporary
folder stands in for them (a real delegated cgroup v2 is not available on the course's machines, which run cgroup
v1). The path this machine really takes is checked through ``autograder grade`` in test_isolation_modes.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.sandbox import isolation


def _fake(tmp_path: Path, *, cgroup_lines: str, controllers: str = "cpu memory pids", mount_root: str = "/",
          own: str = "/user.slice/grader.scope", fstype: str = "cgroup2") -> tuple[str, str, Path]:
    """(proc cgroup file, mountinfo file, the process's cgroup folder) of a fake machine."""
    mount = tmp_path / "sys fs cgroup"  # (a space: mountinfo escapes it as \040)
    folder = mount / own.lstrip("/")
    folder.mkdir(parents=True)
    for name, text in (("cgroup.controllers", controllers), ("cgroup.subtree_control", ""), ("cgroup.procs", "")):
        (folder / name).write_text(text)
    proc = tmp_path / "cgroup"
    proc.write_text(cgroup_lines)
    info = tmp_path / "mountinfo"
    point = str(mount).replace(" ", "\\040")
    info.write_text("23 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
                    f"31 23 0:28 {mount_root} {point} rw,nosuid - {fstype} cgroup2 rw,nsdelegate\n")
    return str(proc), str(info), folder


def test_a_writable_cgroup_v2_with_pids_and_memory_is_found(tmp_path):
    proc, info, folder = _fake(tmp_path, cgroup_lines="0::/user.slice/grader.scope\n")
    found = isolation.find_delegated_cgroup(proc, info)
    assert found == isolation.CgroupDelegation(str(folder))


def test_the_mount_root_is_taken_off_the_process_path(tmp_path):
    """A cgroup2 mounted from inside the hierarchy (a container's view): /proc shows the full path."""
    proc, info, folder = _fake(tmp_path, cgroup_lines="0::/ctr/user.slice/grader.scope\n", mount_root="/ctr")
    assert isolation.find_delegated_cgroup(proc, info).path == str(folder)


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"cgroup_lines": "4:memory:/x\n8:pids:/\n"}, "cgroup v1 only"),
    ({"cgroup_lines": "0::/user.slice/grader.scope\n", "controllers": "hugetlb"},
     "offers no pids/memory controller (cgroup.controllers: hugetlb)"),
    ({"cgroup_lines": "0::/user.slice/grader.scope\n", "controllers": "cpu pids"}, "offers no memory controller"),
    ({"cgroup_lines": "0::/elsewhere\n"}, "is not mounted here"),
    ({"cgroup_lines": "0::/user.slice/grader.scope\n", "fstype": "cgroup"}, "is not mounted here"),
])
def test_what_is_missing_is_named(tmp_path, kwargs, reason):
    proc, info, _ = _fake(tmp_path, **kwargs)
    found = isolation.find_delegated_cgroup(proc, info)
    assert found.path is None and reason in found.reason, found


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any folder")
def test_a_cgroup_not_delegated_to_this_user_is_refused(tmp_path):
    proc, info, folder = _fake(tmp_path, cgroup_lines="0::/user.slice/grader.scope\n")
    (folder / "cgroup.subtree_control").chmod(0o444)
    found = isolation.find_delegated_cgroup(proc, info)
    assert found.path is None and "not delegated to this user" in found.reason


def test_not_delegated_when_a_file_is_not_writable(tmp_path, monkeypatch):
    """(The same as root, whose access checks always pass: the check asks os.access for each file.)"""
    proc, info, folder = _fake(tmp_path, cgroup_lines="0::/user.slice/grader.scope\n")
    denied = str(folder / "cgroup.procs")
    real_access = os.access
    monkeypatch.setattr(isolation.os, "access", lambda path, mode: path != denied and real_access(path, mode))
    found = isolation.find_delegated_cgroup(proc, info)
    assert found.path is None and "cgroup.procs is not writable" in found.reason


def test_the_bound_in_force_is_named_first():
    with_cgroup = isolation.describe_process_bound(True, "80", 64, "/sys/fs/cgroup/g/autograder-worker-s0", "")
    assert with_cgroup.startswith("cgroup v2 pids/memory + PID namespace (cgroup v2 pids.max 80"), with_cgroup
    without = isolation.describe_process_bound(True, "301", 64, "", "cgroup v1 only")
    assert without.startswith("RLIMIT_NPROC + PID namespace (RLIMIT_NPROC 64"), without
    assert without.endswith("no cgroup v2 pids/memory: cgroup v1 only)"), without
    assert isolation.describe_process_bound(False, "", 64, "", "x").startswith("RLIMIT_NPROC (")

