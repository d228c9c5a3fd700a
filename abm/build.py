"""Which build is running: plain Python, or the compiled build of the hot modules.

``NEOCLOUD_ABM_COMPILE=1 pip install .`` compiles the modules of :data:`COMPILED` with
mypyc (``setup.py``). They are the model's inner loop: the engine, the finance core and
the actors. Modules that cannot or need not be compiled stay Python: pydantic specs, the
runtime-checkable protocols (``agents.takers``), the CLI, experiments and file I/O.

This module imports nothing of the package: ``setup.py`` reads it before anything is
installed.
"""

from __future__ import annotations

import importlib
import importlib.machinery
from pathlib import Path
from types import ModuleType

COMPILE_ENV = "NEOCLOUD_ABM_COMPILE"
"""Set to ``1`` at install time for the compiled build."""

PLAIN_AGENTS = ("__init__", "capital_specs", "grid_specs", "market_specs", "section",
                "specs", "takers")
"""Modules of ``agents`` that stay Python: pydantic specs and runtime-checkable protocols."""
_ENGINE = ("accrual", "agent", "clock", "events", "model", "paths", "recorder", "rng")
_FINANCE = ("convertible_tree", "convertibles", "debt", "dilution", "ledger")
_ROOT = Path(__file__).resolve().parent.parent

COMPILED: tuple[str, ...] = (
    *(f"abm/{name}.py" for name in _ENGINE),
    *(f"abm/finance/{name}.py" for name in _FINANCE),
    *sorted(f"agents/{p.name}" for p in (_ROOT / "agents").glob("*.py")
            if p.stem not in PLAIN_AGENTS),
)
"""Source files (relative to the project root) that the compiled build compiles."""


def module_name(source: str) -> str:
    """``agents/books.py`` -> ``agents.books``."""
    return source.removesuffix(".py").replace("/", ".")


def compiled_modules() -> list[str]:
    """The modules of :data:`COMPILED` that this interpreter loads from an extension."""
    names = []
    for source in COMPILED:
        name = module_name(source)
        if is_compiled(importlib.import_module(name)):
            names.append(name)
    return names


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from a compiled extension rather than its source."""
    return isinstance(getattr(module, "__loader__", None),
                      importlib.machinery.ExtensionFileLoader)


def build_kind() -> str:
    """``"compiled (k of n modules)"`` or ``"plain Python"``: for benchmark and run headers."""
    compiled = compiled_modules()
    if not compiled:
        return "plain Python"
    return f"compiled by mypyc ({len(compiled)} of {len(COMPILED)} modules)"
