"""Writing result files safely, and naming the software that made them.

Every result file is written to a hidden temporary name in its folder, flushed to disk,
then renamed over its final name, so a reader (or a resumed experiment) never sees a
half-written file and a crash leaves the previous version intact. A write that fails
because of where the file goes (a full disk, a read-only folder, no permission) raises
:class:`StorageError` naming the file; its temporary file is removed first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, TypeGuard

STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS,
                            errno.EACCES, errno.EPERM})
"""Errors of the place a file is written to, not of what is written: full, read-only, not ours."""


def _file_mode() -> int:
    """Mode of a new result file: what ``open`` would give (0666 less the umask)."""
    umask = os.umask(0o022)  # reading the umask means setting it: put it back at once
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()
"""Mode of every result file written here (read once, at import, from the umask)."""


class StorageError(OSError):
    """A file could not be written where it goes: the disk is full, or the folder read-only.

    An :class:`OSError` (``errno``, ``strerror``, ``filename`` = the file meant to be
    written) whose message is one line: ``cannot write FILE: REASON (ENOSPC)``.
    """

    def __str__(self) -> str:
        where = f" {self.filename}" if self.filename else ""
        return f"cannot write{where}: {_reason(self)}"


def _reason(exc: OSError) -> str:
    code = errno.errorcode.get(exc.errno or 0, "")
    text = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    return f"{text} ({code})" if code else text


def is_storage_error(exc: BaseException) -> TypeGuard[OSError]:
    """Whether ``exc`` says the disk is full, or the file system read-only or not writable."""
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def storage_error(exc: OSError, target: Path | str) -> StorageError:
    """``exc``, raised writing ``target``, as a :class:`StorageError` naming ``target``."""
    if isinstance(exc, StorageError):
        return exc
    code = exc.errno or 0
    return StorageError(code, exc.strerror or os.strerror(code), str(target))


def describe_os_error(exc: OSError) -> str:
    """One line for an OS error: ``FILE: REASON (ECODE)``, or a StorageError's own message."""
    if isinstance(exc, StorageError):
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{_reason(exc)}"


def atomic_write(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temporary file beside ``target``, then rename it into place.

    The file gets the mode a plain ``open`` would give it (:data:`FILE_MODE`), not the
    temporary file's private 0600. A full disk or a read-only folder raises
    :class:`StorageError` naming ``target``; the temporary file is removed and ``target``,
    if it existed, is left as it was.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        if is_storage_error(exc):
            raise storage_error(exc, target) from exc
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)  # mkstemp's 0600 would hide results from others
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
        if is_storage_error(exc):
            raise storage_error(exc, target) from exc
        raise


def atomic_write_bytes(target: Path, payload: bytes) -> None:
    """Write ``payload`` to ``target`` atomically."""
    atomic_write(target, lambda fh: fh.write(payload))


def package_versions(names: Iterable[str], missing: str = "not installed") -> dict[str, str]:
    """Python's and each named distribution's version (``missing`` if not installed)."""
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = missing
    return out
