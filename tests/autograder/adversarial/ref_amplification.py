"""Issue 10 finding 2 through the command: learner code replaces ``json.dump`` so that the worker's own answer
(sent with the worker's real "done") references its first array 40 times in each exercise (40 copies in the
grading process before the fix). Decoding refuses a second reference before copying anything:
the answer is unusable, so every exercise of this notebook is an error (0); the honest students are untouched."""

INSERT_AFTER = {
    'count_quadratic_terms': """\
import json as _json
_real_dump = _json.dump
def _amplified(data, fh, *args, **kwargs):
    if isinstance(data, dict) and data.get('version') == 1:
        ref = {'t': 'ndarray', 'v': {'$ref': 'a0'}}
        data = dict(data, exercises={name: [{'output': {'t': 'list', 'items': [ref] * 40}, 'error': None}]
                                     for name in data['exercises']})
    return _real_dump(data, fh, *args, **kwargs)
_json.dump = _amplified
""",
}

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
