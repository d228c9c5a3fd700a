"""Which build is running: plain Python, or the compiled build (``setup.py``).

``NEOCLOUD_ABM_COMPILE=1 pip install .`` compiles the engine, the finance core and the
actors with mypyc; what it compiles is listed by ``setup.py``. Here: whether a module was
loaded from such an extension, and a one-line description of the build for headers.
"""

from __future__ import annotations

import importlib.machinery
import sys
from types import ModuleType


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from a compiled extension rather than its source."""
    return isinstance(getattr(module, "__loader__", None),
                      importlib.machinery.ExtensionFileLoader)


def compiled_modules(packages: tuple[str, ...] = ("abm", "agents")) -> list[str]:
    """The modules of ``packages`` imported so far that were loaded from an extension."""
    return sorted(name for name, module in list(sys.modules.items())
                  if name.split(".")[0] in packages and module is not None
                  and is_compiled(module))


def build_kind() -> str:
    """``"compiled by mypyc (n modules loaded)"`` or ``"plain Python"``, for run headers."""
    import abm.model  # the engine, compiled in a compiled build: imported before the count

    compiled = compiled_modules()
    if not is_compiled(abm.model):
        return "plain Python"
    return f"compiled by mypyc ({len(compiled)} modules loaded)"
