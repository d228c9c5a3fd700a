"""The disk memo: exact round trips, forgotten on code changes, never in the way."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm import memo
from abm.memo import DiskMemo, source_fingerprint

numbers = st.tuples(st.floats(allow_nan=False), st.none() | st.floats(allow_nan=False),
                    st.floats(min_value=-1e300, max_value=1e300))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(memo.ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@settings(max_examples=40, deadline=None)
@given(key=numbers, value=numbers)
def test_values_read_back_bit_for_bit(tmp_path_factory: pytest.TempPathFactory,
                                      key: tuple[float | None, ...],
                                      value: tuple[float | None, ...]) -> None:
    folder = tmp_path_factory.mktemp("memo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(memo.ENV, str(folder))
        writer = DiskMemo("f", "abc")
        assert writer.get(key) is DiskMemo.MISSING
        writer.put(key, value)
        back = DiskMemo("f", "abc").get(key)  # a new connection, as another process
    assert back is not None and len(back) == len(value)
    for got, want in zip(back, value, strict=True):
        if want is None:
            assert got is None
        else:
            assert got is not None and math.copysign(1, got) == math.copysign(1, want)
            assert got == want


def test_none_is_an_answer_and_missing_is_not(cache_dir: Path) -> None:
    m = DiskMemo("f", "abc")
    m.put((1.0,), None)
    assert m.get((1.0,)) is None and m.get((2.0,)) is DiskMemo.MISSING
    with pytest.raises(ValueError, match="empty"):
        m.put((3.0,), ())
    assert (cache_dir / memo.FILE_NAME).is_file()


def test_another_fingerprint_or_function_sees_nothing(cache_dir: Path, tmp_path: Path) -> None:
    DiskMemo("f", "abc").put((1.0,), (2.0,))
    assert DiskMemo("f", "abd").get((1.0,)) is DiskMemo.MISSING
    assert DiskMemo("g", "abc").get((1.0,)) is DiskMemo.MISSING
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    before = source_fingerprint([code], "numpy 2.0")
    assert source_fingerprint([code], "numpy 2.1") != before
    code.write_text("x = 2\n")
    assert source_fingerprint([code], "numpy 2.0") != before
    with pytest.raises(ValueError, match="plain name"):
        DiskMemo("f; DROP TABLE x", "abc")


def test_off_unwritable_or_damaged_only_costs_a_recompute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(memo.ENV, "off")
    off = DiskMemo("f", "abc")
    off.put((1.0,), (2.0,))
    assert off.get((1.0,)) is DiskMemo.MISSING

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(memo.ENV, str(blocker / "cache"))
    unwritable = DiskMemo("f", "abc")
    unwritable.put((1.0,), (2.0,))
    assert unwritable.get((1.0,)) is DiskMemo.MISSING

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / memo.FILE_NAME).write_bytes(b"this is not an SQLite database" * 100)
    monkeypatch.setenv(memo.ENV, str(damaged))
    broken = DiskMemo("f", "abc")
    broken.put((1.0,), (2.0,))
    assert broken.get((1.0,)) is DiskMemo.MISSING


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(memo.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert memo.memo_folder() == tmp_path / "neocloud-abm"
    monkeypatch.setenv(memo.ENV, "0")
    assert memo.memo_folder() is None


def test_reopen_follows_the_setting_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(memo.ENV, str(tmp_path / "a"))
    m = DiskMemo("f", "abc")
    m.put((1.0,), (2.0,))
    monkeypatch.setenv(memo.ENV, str(tmp_path / "b"))
    assert m.get((1.0,)) == (2.0,)  # still the first folder's connection
    m.reopen()
    assert m.get((1.0,)) is DiskMemo.MISSING  # the second folder: empty
    monkeypatch.setenv(memo.ENV, "off")
    m.reopen()
    m.put((1.0,), (3.0,))
    monkeypatch.setenv(memo.ENV, str(tmp_path / "a"))
    m.reopen()
    assert m.get((1.0,)) == (2.0,)
