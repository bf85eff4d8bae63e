"""Issue 10 finding 1: a cell puts FIFOs where the grader writes the next attempt's job (and reads the answer),
then ends the worker. Each attempt now gets a fresh folder, so the retry never opens them (it used to block
forever, outside every timeout). The cell is skipped on the retry: full marks."""

INSERT_AFTER = {
    'sigmoid': ("import os\n_work = os.path.abspath(os.path.join(os.getcwd(), '..', '..'))\n"
                "for _name in ('job.json', 'job.npz', 'response.json', 'response.npz'):\n"
                "    try:\n        os.mkfifo(os.path.join(_work, _name))\n    except OSError:\n        pass\n"
                "os._exit(0)\n"),
}

EXPECTED = {}
