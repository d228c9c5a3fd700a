"""Progress bars with an ETA on stderr, shown only on a terminal and never with ``--quiet``."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


def progress_bar(total: int, description: str, *, quiet: bool, unit: str = "run") -> tqdm[Any]:
    """A tqdm bar counting ``total`` units, disabled when quiet or stderr is not a TTY."""
    disabled = quiet or not sys.stderr.isatty()
    return tqdm(total=total, desc=description, unit=unit, file=sys.stderr, disable=disabled,
                dynamic_ncols=True, smoothing=0.1, leave=False)
