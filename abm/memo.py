"""A memo on disk for pure functions of numbers, shared by processes and kept between runs.

Sizing a convertible (:func:`abm.finance.issuance.size_convertible`) rolls back a pricing
tree several times, and nearly every convert a run issues meets a market it has not seen
before, so a fresh process spends about half of a base run there. The answer depends only
on the numbers asked and on the pricer's code, so it is remembered in an SQLite file:
the next run, or the other workers of an experiment, read it back instead.

* **Same answers.** Keys and values are tuples of floats (or ``None``) stored as their
  ``repr``, which reads back to the same float bit for bit; a run gives the same result
  whether the memo was empty, warm or off (tested).
* **Code changes forget.** Each table is named by the function and a fingerprint of the
  source files its answers depend on and of numpy's version: edit the pricer (or upgrade
  numpy) and old answers are never read.
* **Never in the way.** ``NEOCLOUD_ABM_CACHE=off`` turns it off; another folder can be
  given in the same variable (default ``$XDG_CACHE_HOME/neocloud-abm``, else
  ``~/.cache/neocloud-abm``). A folder that cannot be written, a damaged file or a locked
  database turns the memo off for the process, silently: it only ever costs a recompute.
* Processes open their own connection (also after a fork); writers wait up to a few
  seconds for each other (WAL journal, no fsync: a lost entry is only recomputed).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

ENV = "NEOCLOUD_ABM_CACHE"
FILE_NAME = "memo.sqlite"
Numbers = tuple[float | None, ...]


def memo_folder() -> Path | None:
    """The memo's folder from :data:`ENV` and XDG conventions; ``None`` when off."""
    setting = os.environ.get(ENV, "").strip()
    if setting.lower() in {"off", "0", "no", "false"}:
        return None
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "neocloud-abm"


def source_fingerprint(files: Iterable[Path], *versions: str) -> str:
    """A short hash of the code a memo's answers depend on.

    The bytes of ``files`` and the ``versions`` of the libraries the answers are computed
    with.
    """
    digest = hashlib.sha256(" ".join(versions).encode())
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class DiskMemo:
    """One function's remembered answers: ``get`` a key's value, ``put`` a new one."""

    MISSING: Numbers = ()
    """What :meth:`get` returns for a key never stored (a stored value is never empty)."""

    def __init__(self, function: str, fingerprint: str) -> None:
        self.table = f"{function}_{fingerprint}"
        if not self.table.replace("_", "").isalnum():
            raise ValueError(f"memo: {self.table!r} is not a plain name")
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._off = False

    def get(self, key: Numbers) -> Numbers | None:
        """The value stored for ``key`` (``None`` if ``None`` was stored), else MISSING."""
        db = self._connection()
        if db is None:
            return self.MISSING
        try:
            row = db.execute(f"SELECT value FROM {self.table} WHERE key = ?",
                             (_encode(key),)).fetchone()
        except sqlite3.Error:
            self._turn_off()
            return self.MISSING
        if row is None:
            return self.MISSING
        return None if row[0] == "None" else _decode(row[0])

    def put(self, key: Numbers, value: Numbers | None) -> None:
        """Remember ``value`` (non-empty, or ``None``) for ``key``."""
        if value is not None and not value:
            raise ValueError("memo: an empty tuple cannot be stored (it means missing)")
        db = self._connection()
        if db is None:
            return
        try:
            db.execute(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)",
                       (_encode(key), "None" if value is None else _encode(value)))
        except sqlite3.Error:
            self._turn_off()

    def reopen(self) -> None:
        """Forget the connection (and a turned-off state): the next use reads :data:`ENV`."""
        self._db, self._pid, self._off = None, -1, False

    def _connection(self) -> sqlite3.Connection | None:
        if self._off:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        folder = memo_folder()
        if folder is None:
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / FILE_NAME, timeout=5.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} "
                       "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (OSError, sqlite3.Error):
            self._turn_off()
            return None
        self._db, self._pid = db, os.getpid()
        return db

    def _turn_off(self) -> None:
        self._off, self._db = True, None


def _encode(numbers: Numbers) -> str:
    return ",".join("None" if x is None else repr(float(x)) for x in numbers)


def _decode(text: str) -> Numbers:
    return tuple(None if part == "None" else float(part) for part in text.split(","))
