"""The worker: runs ONE submission's cells, then the probes, in a confined process.

``python -I -B -m autograder.sandbox.worker WORKDIR`` (started by ``autograder.sandbox.runner``, never imported
by the grader). It reads its job (``job.json`` + ``job.npz``, written by the trusted grader and readable only by
root), deletes it, confines itself (``isolation.confine``: namespaces, hidden paths, rlimits, uid drop), installs
an import guard, then runs the planned cells with IPython's InteractiveShell (magics work; an exception in a
cell is recorded and execution continues) and finally calls ``autograder.probes.probe`` on the learner's objects
with the hidden cases. It answers through ``response.json`` + ``response.npz`` (``autograder.encode`` channel:
no pickle) and announces each step on fd 3 (``step KEY``) so that the parent knows what to blame if the process
dies or hangs. Nothing the worker writes is trusted by the grader.

This module must not import anything from the instructor side (course_lib, autograder.exercises, ...).
"""

from __future__ import annotations

import io
import json
import os
import sys

from autograder.sandbox.config import is_hidden_module

MAIN_PID = os.getpid()  # reset by the zygote in each child it forks
PROGRESS_FD = 3  # replaced by the number the parent passes in argv[2]
FORKED = False  # True in a child of the zygote (autograder.sandbox.zygote): a warm start, same code from here on


class ImportGuard:
    """Meta-path finder refusing ``config.HIDDEN_MODULES``, the answer key and the instructor side (defence in
    depth: their files are also hidden from the worker)."""

    def find_spec(self, name, path=None, target=None):
        if is_hidden_module(name):
            raise ImportError(f"{name} is not available while grading")

    def find_module(self, name, path=None):  # pragma: no cover - legacy protocol
        return None


class CappedWriter(io.TextIOBase):
    """A text stream that keeps at most ``cap`` characters and drops the rest (a 200,000-line print costs
    nothing but the time to produce it)."""

    def __init__(self, cap: int):
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, s):
        s = s if type(s) is str else str(s)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


class CellCapture:
    """What each cell shows, as a kernel would send it: ``{"c<index>": [output, ...]}`` of nbformat-shaped
    plain dicts (streams merged as Jupyter merges them, displays with ``text/plain`` and ``image/png`` only).

    Bounded while it is recorded: ``text_cap`` characters of printed text for the whole notebook (the rest is
    counted in ``dropped``), ``image_cap`` bytes of base64 images, ``max_outputs`` outputs per cell. The grading
    process checks everything again (``sandbox.outputs``); this only keeps a chatty notebook cheap.
    """

    def __init__(self, text_cap: int, image_cap: int = 2 << 20, max_outputs: int = 40):
        self.cells: dict[str, list[dict]] = {}
        self.current: list[dict] | None = None
        self.text_left = text_cap
        self.image_left = image_cap
        self.max_outputs = max_outputs
        self.dropped = 0

    def begin(self, key: str) -> None:
        self.current = self.cells.setdefault(key, [])

    def end(self) -> None:
        self.current = None

    def stream(self, name: str, text: str) -> None:
        part = text[: max(self.text_left, 0)]
        self.dropped += len(text) - len(part)
        cell = self.current
        if not part or cell is None:
            return
        self.text_left -= len(part)
        if cell and cell[-1]["output_type"] == "stream" and cell[-1]["name"] == name:
            cell[-1]["parts"].append(part)
        elif len(cell) < self.max_outputs:
            cell.append({"output_type": "stream", "name": name, "parts": [part]})

    def display(self, data, kind: str = "display_data") -> None:
        cell = self.current
        if cell is None or type(data) is not dict or len(cell) >= self.max_outputs:
            return
        kept = {}
        text, image = data.get("text/plain"), data.get("image/png")
        if type(image) is bytes:  # matplotlib_inline hands raw PNG bytes to the formatter's caller
            import base64

            image = base64.b64encode(image).decode("ascii")
        if type(image) is str and len(image) <= self.image_left:
            self.image_left -= len(image)
            kept["image/png"] = image
        if type(text) is str and len(text) <= self.text_left:
            self.text_left -= len(text)
            kept["text/plain"] = text
        if kept:
            cell.append({"output_type": kind, "data": kept})

    def clear(self) -> None:
        if self.current is not None:
            self.current.clear()

    def plain(self) -> dict[str, list[dict]]:
        """The recorded outputs as channel data."""
        out = {}
        for key, outputs in self.cells.items():
            out[key] = [{"output_type": o["output_type"], "name": o["name"], "text": "".join(o["parts"])}
                        if o["output_type"] == "stream" else o for o in outputs]
        return out


class CellStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` while a cell runs: text goes to the cell's ``CellCapture``."""

    def __init__(self, capture: CellCapture, name: str):
        self.capture = capture
        self.name = name

    def writable(self):
        return True

    def write(self, s):
        s = s if type(s) is str else str(s)
        self.capture.stream(self.name, s)
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


CAPTURE = CellCapture(0)  # the run's capture, set by main(); the shell's display classes below write to it


def _display_classes():
    """IPython's display publisher and display hook, writing to ``CAPTURE`` instead of printing (the plain
    shell would print a figure as "<Figure size ...>" and a cell's value as "Out[ ]: ...")."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            CAPTURE.display(data)

        def clear_output(self, wait=False):
            CAPTURE.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            CAPTURE.display(format_dict, "execute_result")

        def finish_displayhook(self):
            pass

    return Publisher, Hook


def _progress(line: str) -> None:
    if os.getpid() != MAIN_PID:  # a forked copy of the worker must never speak for it
        os._exit(0)
    try:
        os.write(PROGRESS_FD, (line.replace("\n", " ")[:2000] + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _read_job(workdir: str):
    import numpy as np

    from autograder.encode import from_channel

    with open(os.path.join(workdir, "job.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    with np.load(os.path.join(workdir, "job.npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for name in ("job.json", "job.npz"):
        os.unlink(os.path.join(workdir, name))
    return from_channel(data, arrays)


def _exc_text(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    try:
        msg = str(exc)
    except BaseException:  # noqa: BLE001 - learner exceptions may break str()
        msg = "<unprintable>"
    name = type.__getattribute__(type(exc), "__name__") if isinstance(type(exc), type) else "Exception"
    return f"{name}: {msg}"[:500]


def _make_shell(workdir: str):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "NoColor"
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.cache_size = 0
    cfg.DisplayFormatter.active_types = ["text/plain", "image/png"]  # nothing else is kept: never computed
    publisher, hook = _display_classes()

    class GradingShell(InteractiveShell):
        display_pub_class = Type(publisher)
        displayhook_class = Type(hook)

        def _showtraceback(self, etype, evalue, stb):
            """A cell's exception is recorded (``cells_out``) and shown by the grader from its sanitised record;
            the traceback, with the learner's own message, is not printed into the cell's output."""

    shell = GradingShell.instance(config=cfg)
    # No GUI event loop here: `%matplotlib inline` (the notebooks' setup cells) must work, not raise
    # "Implement enable_gui in a subclass" and skip the rest of the setup cell.
    shell.enable_gui = lambda gui=None: None
    # Figures show under the cell that drew them, as in a Jupyter kernel (whose default backend is inline).
    try:
        shell.enable_matplotlib("inline")
    except Exception:  # noqa: BLE001 - no matplotlib here: nothing to draw
        pass
    return shell


def main(argv: list[str]) -> int:
    global PROGRESS_FD, MAIN_PID
    workdir = argv[1]
    PROGRESS_FD = int(argv[2]) if len(argv) > 2 else PROGRESS_FD
    job = _read_job(workdir)
    token = str(job.pop("token", ""))  # proves "done" comes from this code, not from a learner writing to fd 3
    from autograder.sandbox.isolation import ConfinePlan, confine

    _progress("step setup")
    plan = ConfinePlan.from_json(job["plan"])
    workdir, notes = confine(plan, progress_fd=PROGRESS_FD)
    MAIN_PID = os.getpid()  # with namespaces, confine() returns in a new process (pid 2 of its namespace)
    for note in notes:
        _progress("note " + note)
    # The grader pointed HOME, IPYTHONDIR and MPLCONFIGDIR at the working directory's path outside the mount
    # namespace, where it may no longer be visible (a private /tmp): point them at its path inside, so that
    # IPython and matplotlib never fall back to making temporary directories of their own.
    from autograder.sandbox.config import worker_env

    os.environ.update({k: v for k, v in worker_env(workdir).items() if k in ("HOME", "IPYTHONDIR", "MPLCONFIGDIR")})
    sys.meta_path.insert(0, ImportGuard())
    for mod in [m for m in sys.modules if is_hidden_module(m)]:
        del sys.modules[mod]

    import numpy as np

    from autograder.encode import encode_exception, to_channel
    from autograder.probes import missing_observation, probe

    global CAPTURE
    cap = int(job.get("max_output", 65536))
    out, err = CappedWriter(cap), CappedWriter(cap)
    CAPTURE = CellCapture(cap)
    cell_out, cell_err = CellStream(CAPTURE, "stdout"), CellStream(CAPTURE, "stderr")
    nb_dir = os.path.join(workdir, job["notebook_dir"])
    os.chdir(nb_dir)
    sys.path.insert(0, nb_dir)
    sys.argv = ["notebook"]
    shell = _make_shell(workdir)
    # The transformer lists as IPython built them: restored before every cell, so a cell that installs an
    # input transformer cannot empty or rewrite the cells after it.
    itm = shell.input_transformer_manager
    pristine = [(holder, attr, list(getattr(holder, attr))) for holder, attr in (
        (itm, "cleanup_transforms"), (itm, "line_transforms"), (itm, "token_transformers"),
        (shell, "input_transformers_post"), (shell, "ast_transformers"))]
    from IPython.core.interactiveshell import InteractiveShell
    run_cell = InteractiveShell.run_cell
    skip = set(job.get("skip", []))
    cells_out = []
    real_stdout, real_stderr = sys.stdout, sys.stderr
    for cell in job["cells"]:
        key = cell["key"]
        if key in skip:
            continue
        _progress("step " + key)
        shell.input_transformer_manager = itm
        for holder, attr, value in pristine:
            setattr(holder, attr, list(value))
        sys.stdout, sys.stderr = cell_out, cell_err
        CAPTURE.begin(key)
        try:
            result = run_cell(shell, cell["source"], store_history=False)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as exc:  # noqa: BLE001 - a SystemExit that IPython let through, a broken shell
            error = exc
        finally:
            CAPTURE.end()
            sys.stdout, sys.stderr = real_stdout, real_stderr
        if os.getpid() != MAIN_PID:
            os._exit(0)
        cells_out.append({"key": key, "error": _exc_text(error) if error is not None else None,
                          "error_type": _exc_type(error)})

    namespace = shell.user_ns
    budget = [int(job.get("max_array_bytes", 16 << 20))]  # bytes of arrays still allowed in the answer
    exercises_out = {}
    for ex in job["exercises"]:
        name = ex["name"]
        key = "x:" + name
        if key in skip:
            continue
        _progress("step " + key)
        obj = namespace.get(name) if type(namespace) is dict else dict.get(namespace, name)
        observations = []
        for case in ex["cases"]:
            sys.stdout, sys.stderr = out, err
            try:
                obs = missing_observation() if obj is None else probe(name, obj, case)
            except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt or a broken probe
                obs = {"output": {"t": "none"}, "error": encode_exception(exc), "warnings": [], "stdout": "",
                       "mutated": [], "seconds": 0.0}
            finally:
                sys.stdout, sys.stderr = real_stdout, real_stderr
            if os.getpid() != MAIN_PID:
                os._exit(0)
            observations.append(_bounded(obs, budget))
        exercises_out[name] = observations

    _progress("step respond")
    response = {"version": 1, "cells": cells_out, "exercises": exercises_out,
                "output_dropped": out.dropped + err.dropped + CAPTURE.dropped, "outputs": CAPTURE.plain()}
    data, arrays = to_channel(response)
    tmp = os.path.join(workdir, "response.tmp")
    with open(tmp + ".json", "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    with open(tmp + ".npz", "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp + ".npz", os.path.join(workdir, "response.npz"))
    os.replace(tmp + ".json", os.path.join(workdir, "response.json"))
    _progress("done " + token)
    os._exit(0)  # no atexit hooks, no lingering learner threads


def _bounded(node, budget: list[int]):
    """Replace arrays beyond the answer's byte budget by a ``truncated`` node (a huge returned array costs the
    exercise that returned it, not the whole answer)."""
    import numpy as np

    if type(node) is dict:
        if node.get("t") == "ndarray" and type(node.get("v")) is np.ndarray:
            size = node["v"].nbytes
            if size > budget[0]:
                return {"t": "truncated", "why": f"an array of {size} bytes is too large to check"}
            budget[0] -= size
            return node
        return {k: _bounded(v, budget) for k, v in node.items()}
    if type(node) is list:
        return [_bounded(v, budget) for v in node]
    return node


def _exc_type(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    try:
        return type.__getattribute__(type(exc), "__name__")
    except Exception:  # noqa: BLE001 - learner exception types can be anything
        return "Exception"


def run(argv: list[str]) -> None:
    """The worker process's whole life (a cold ``python -m`` start and a zygote's child both run exactly
    this); never returns."""
    try:
        main(argv)
    except BaseException as exc:  # noqa: BLE001
        try:
            _progress("fatal " + _exc_text(exc))
        finally:
            os._exit(70)
    os._exit(70)  # pragma: no cover - main() always ends with os._exit


if __name__ == "__main__":
    run(sys.argv)
