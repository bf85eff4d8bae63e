"""Issue 9 finding 3: wherever the class sits (this runs under /tmp and outside it), learner code walks the
class tree looking for the instructor's source notebook, classmates' notebooks, the stand-in gradebook, the
--hide'n private notes and the output folder; it must find nothing (full marks prove it). The command is run
with RELATIVE --source and --hide paths, which must be resolved."""

SOLUTIONS = {
    'count_quadratic_terms': ('def count_quadratic_terms(n_features):\n    if n_features < 0:\n'
                              '        raise ValueError(n_features)\n'
                              '    return -1 if FOUND else n_features * (n_features + 1) // 2\n'),
}
INSERT_AFTER = {
    'sigmoid': ("import os\nFOUND = []\n"
                "for _dirpath, _dirs, _files in os.walk(@ROOT_DIR@):\n"
                "    for _name in _files:\n"
                "        _path = os.path.join(_dirpath, _name)\n"
                "        try:\n"
                "            with open(_path, 'rb') as _fh:\n"
                "                _data = _fh.read(1 << 20)\n"
                "        except OSError:\n"
                "            continue\n"
                "        if b'def sigmoid' in _data or b'TOP-SECRET' in _data or b'SQLite' in _data:\n"
                "            FOUND.append(_path)\n"
                "for _target in (@SUBMITTED@, @SOURCE_DIR@, @OUT_DIR@, os.path.dirname(@PRIVATE@)):\n"
                "    try:\n"
                "        if os.listdir(_target):\n"
                "            FOUND.append(_target)\n"
                "    except OSError:\n"
                "        pass\n"),
}

EXPECTED = {}
