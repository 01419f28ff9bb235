"""The export read a row at a time (db/json_stream.py): the same values as ``json.loads``,
however the file is cut into pieces, and its errors on the same lines."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdca.db import json_stream

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {"format": st.text(), "tables": st.dictionaries(st.text(), st.lists(values, max_size=5))},
    optional={"after": values},
)


def _read(text: str) -> dict[str, Any]:
    reader = json_stream.ExportReader(io.StringIO(text))
    head, has_tables = reader.head()
    if has_tables:
        head["tables"] = {name: list(rows) for name, rows in reader.tables()}
        head.update(reader.rest())
    return head


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([1, 2, 3, 7, 64]), st.sampled_from([None, 1, 2]))
def test_every_cut_reads_what_json_reads(document, chunk, indent) -> None:
    text = json.dumps(document, indent=indent)
    original = json_stream.CHUNK
    json_stream.CHUNK = chunk
    try:
        assert _read(text) == json.loads(text)
    finally:
        json_stream.CHUNK = original


@pytest.mark.parametrize(
    "text",
    [
        '{"tables": {"x": [1, 2,]}}',
        '{"tables": {"x": [1 2]}}',
        '{"format": "p",\n "tables": {"x": [{"a": "b}]}}',
        '{"tables": {"x": []}}\n\n  x',
        '{"tables": {"x": [1]}, }',
    ],
)
@pytest.mark.parametrize("chunk", [1, 4, 1 << 20])
def test_a_bad_file_is_refused_on_the_line_json_names(text: str, chunk: int) -> None:
    original = json_stream.CHUNK
    json_stream.CHUNK = chunk
    try:
        with pytest.raises(json.JSONDecodeError) as error:
            _read(text)
    finally:
        json_stream.CHUNK = original
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    assert error.value.lineno == expected.value.lineno
