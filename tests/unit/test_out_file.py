"""``--out`` files: written whole or not at all, whatever stops the writing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pdca.tui.out_file import write_whole


def test_pieces_that_fail_half_way_leave_no_file_and_no_temporary(tmp_path: Path) -> None:
    """An export is read as it is written: ctrl+c or a refusal half way left a hidden
    temporary file of up to a gigabyte (a reviewer)."""

    def pieces() -> Iterator[str]:
        yield "{\n"
        raise KeyboardInterrupt

    target = tmp_path / "export.json"
    with pytest.raises(KeyboardInterrupt):
        write_whole(str(target), pieces())
    assert list(tmp_path.iterdir()) == []


def test_pieces_written_whole_are_the_file(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    write_whole(str(target), iter(["a", "b", "c\n"]))
    assert target.read_text() == "abc\n" and list(tmp_path.iterdir()) == [target]
