"""encode(): exact types without calling learner methods; the JSON + npz channel, validated on decode."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from autograder.encode import (
    ChannelError,
    encode,
    from_channel,
    materialize,
    read_channel,
    to_channel,
    trees_equal,
    write_channel,
)


class Trap:
    def __getattribute__(self, name):
        raise AssertionError(f"learner attribute {name} was read")


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_exact_types():
    assert encode(1.5) == {"t": "float", "v": 1.5}
    assert encode(3) == {"t": "int", "v": 3}
    assert encode(True) == {"t": "bool", "v": True}
    assert encode(np.float32(2.0))["t"] == "npscalar"
    assert encode(np.arange(3))["t"] == "ndarray"
    assert encode(np.matrix([[1.0]]))["kind"] == "matrix"
    assert encode(np.ma.masked_array([1.0]))["kind"] == "masked-array"

    class F(float):
        pass
    assert encode(F(1.0)) == {"t": "object", "type": encode(F(1.0))["type"], "kind": "float-subclass"}
    assert encode(np.array([object()], dtype=object))["t"] == "object"


def test_no_learner_method_is_called():
    tree = encode(Trap())
    assert tree["t"] == "object" and tree["type"].endswith("Trap")
    tree = encode({"a": Trap(), 3: 1})
    assert tree["keys"] == ["a"] and tree["nonstr_keys"] == 1


def test_arrays_are_copied():
    a = np.zeros(3)
    tree = encode(a)
    a[0] = 5
    assert tree["v"][0] == 0


def test_pandas():
    df = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([7, 9], name="id"))
    tree = encode(df)
    assert tree["t"] == "dataframe" and tree["columns"] == ["x"] and tree["index"]["name"] == "id"
    back = materialize(tree)
    assert back.equals(df)
    s = pd.Series([0, 1], name="diagnosis")
    assert materialize(encode(s)).equals(s)


def test_channel_round_trip(tmp_path):
    tree = {"output": encode({"h": np.ones((2, 1)), "c": [1, 2.5, "x", None]}), "error": None, "n": float("nan")}
    data, arrays = to_channel(tree)
    json.dumps(data)
    back = from_channel(json.loads(json.dumps(data)), arrays)
    assert trees_equal(back, tree)
    write_channel(str(tmp_path / "obs"), tree)
    assert trees_equal(read_channel(str(tmp_path / "obs")), tree)


@pytest.mark.parametrize("bad", [
    {"t": "ndarray", "v": {"$ref": "nope"}},
    {"t": "evil", "v": 1},
    {"t": "dict", "keys": ["a"], "values": []},
    {"t": "float", "v": "1.0"},
    {"t": "exception", "type": 3, "message": "x"},
])
def test_channel_rejects_malformed_trees(bad):
    with pytest.raises(ChannelError):
        from_channel(bad, {"a0": np.zeros(1)})


def test_channel_rejects_object_arrays_and_pickles(tmp_path):
    with pytest.raises(ChannelError):
        from_channel({"$ref": "a0"}, {"a0": np.array([None], dtype=object)})
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (tmp_path / "x.json").write_text('{"$ref": "a0"}')
    np.savez(tmp_path / "x.npz", a0=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError):  # allow_pickle=False refuses object arrays
        read_channel(str(tmp_path / "x"))
