"""Writing result files safely, and naming the software that made them.

Every result file is written to a hidden temporary name in its folder, flushed to disk,
then renamed over its final name, so a reader (or a resumed experiment) never sees a
half-written file and a crash leaves the previous version intact.
"""

from __future__ import annotations

import os
import platform
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO


def atomic_write(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temporary file beside ``target``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
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
