"""Finding 2 of the confinement issue: what decoding a worker's answer may build is bounded BEFORE it is built.

The answer is read by ``channel.read_response`` from files the worker (learner code) could forge. Before the
fix, one 16 MiB array referenced 40 times was copied 40 times, and 64 MiB of ``[[],[],...]`` was parsed into
gigabytes of lists before any check. Memory is measured with tracemalloc (no timings in tests).
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

from autograder.encode import ChannelError, from_channel, parse_channel_json, to_channel
from autograder.sandbox.channel import read_response


def _write(folder, data, arrays):
    (folder / "response.json").write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    with open(folder / "response.npz", "wb") as fh:
        np.savez(fh, **arrays)


def _answer(observations):
    return {"version": 1, "cells": [], "exercises": {"sigmoid": observations}, "output_dropped": 0}


def _peak_mib(fn):
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


def test_an_array_referenced_many_times_is_refused_without_copies(tmp_path):
    big = np.zeros(2 * 2**20)  # 16 MiB
    obs = {"output": {"t": "list", "items": [{"t": "ndarray", "v": {"$ref": "a0"}}] * 40}, "error": None}
    _write(tmp_path, _answer([obs]), {"a0": big})

    def read():
        with pytest.raises(ChannelError, match="referenced more than once"):
            read_response(str(tmp_path), 64 * 2**20)

    assert _peak_mib(read) < 3 * 16 + 8  # the npz read and one copy at most, never 40


def test_a_hundred_thousand_references_in_a_small_message_are_refused(tmp_path):
    refs = [{"t": "ndarray", "v": {"$ref": "a0"}}] * 100_000
    _write(tmp_path, _answer([{"output": {"t": "list", "items": refs}, "error": None}]), {"a0": np.zeros(1000)})
    with pytest.raises(ChannelError, match="referenced more than once"):
        read_response(str(tmp_path), 64 * 2**20)


def test_many_nested_empty_lists_are_refused_before_parsing(tmp_path):
    raw = b"[" + b"[]," * (8 * 2**20 // 3) + b"[]]"  # 8 MiB: 2.8 million lists if parsed
    _write(tmp_path, raw, {})

    def read():
        with pytest.raises(ChannelError, match="more than .* values"):
            read_response(str(tmp_path), 64 * 2**20)

    assert _peak_mib(read) < 64  # parsing would have built hundreds of MiB of lists first


def test_commas_inside_strings_do_not_count_as_values():
    text = "a,b:c[{" * 200
    raw = json.dumps({"stdout": [text] * 2000}).encode()  # 2.8 million structural characters, in strings
    assert parse_channel_json(raw, max_nodes=10_000) == {"stdout": [text] * 2000}


def test_deep_nesting_is_refused():
    raw = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ChannelError, match="nested too deeply"):
        parse_channel_json(raw)
    nested = {"t": "list", "items": []}
    for _ in range(70):
        nested = {"t": "list", "items": [nested]}
    with pytest.raises(ChannelError, match="nested too deeply"):
        from_channel(nested, {})


def test_an_honest_answer_with_several_arrays_round_trips(tmp_path):
    arrays = [np.arange(6.0).reshape(2, 3), np.ones(4), np.arange(6.0).reshape(2, 3)]  # equal arrays, 3 refs
    obs = {"output": {"t": "list", "items": [{"t": "ndarray", "v": a} for a in arrays]}, "error": None,
           "warnings": [], "stdout": "", "mutated": [], "seconds": 0.1}
    data, blobs = to_channel(_answer([obs]))
    _write(tmp_path, data, blobs)
    got = read_response(str(tmp_path), 64 * 2**20)
    items = got["exercises"]["sigmoid"][0]["output"]["items"]
    assert [i["v"].tolist() for i in items] == [a.tolist() for a in arrays]
    assert items[0]["v"] is not items[2]["v"]
