"""Build hook: the optional compiled build (mypyc) of the engine, finance core and actors.

``pip install .`` (or ``-e .``) installs plain Python. With ``NEOCLOUD_ABM_COMPILE=1`` in
the environment, the modules :func:`compiled_sources` lists are compiled to C extensions
by mypyc (the code is already mypy-strict; the build takes about two minutes and needs a
C compiler): the same results, faster (docs/performance.md). Everything else (pydantic
specs, worlds, experiments, the command line, file I/O) stays Python. It needs a regular
install: an editable one would put the extensions beside the sources, where a source
edited later would be shadowed by its stale extension, so it is refused.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COMPILE_ENV = "NEOCLOUD_ABM_COMPILE"
"""Set to ``1`` at install time for the compiled build."""
ENGINE = ("accrual", "agent", "clock", "events", "model", "paths", "recorder", "rng")
"""The engine's modules that run inside a simulation (config, files and results do not)."""
PLAIN = ("__init__.py", "specs.py", "section.py")
"""Files of the finance core and the actors that stay Python: packages and pydantic specs."""
# mypyc type-checks what it compiles as CI's mypy does: with the stubs of what it imports
MYPYC = ["mypy>=1.10", "numpy>=1.26", "pandas-stubs>=2.1", "pydantic>=2.6", "simpy>=4.1,<4.2"]


def compiled_sources(root: Path) -> list[str]:
    """The files the compiled build compiles, relative to ``root`` (the project folder)."""
    found = [f"abm/{name}.py" for name in ENGINE]
    for folder in ("abm/finance", "agents"):
        found += sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*.py")
                        if p.name not in PLAIN)
    return found


def _extensions() -> list[object]:
    """The extensions, or none where pip only asks for metadata or for mypyc itself."""
    if {"editable_wheel", "develop"} & set(sys.argv[1:]):
        sys.exit(f"setup.py: {COMPILE_ENV}=1 needs a regular install ('pip install .'), "
                 "not an editable one: a source edited later would be shadowed by its "
                 "compiled extension")
    if {"egg_info", "dist_info"} & set(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # pip's first pass: it installs MYPYC in the build environment
        return []
    return list(mypycify(compiled_sources(Path(__file__).resolve().parent), opt_level="3"))


def _build_folder(kind: str) -> str:
    """A build folder per kind, so that a plain wheel never packs a compiled leftover.

    Extensions left in the compiled folder's ``lib`` by an earlier build are removed too:
    a module since moved out of the compiled list must not ship its old extension.
    """
    folder = Path("build") / kind
    if kind == "compiled":
        for stale in folder.glob("lib*/**/*.so"):
            stale.unlink()
    return str(folder)


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import the list
    from setuptools import setup

    if os.environ.get(COMPILE_ENV, "") == "1":
        setup(setup_requires=MYPYC, ext_modules=_extensions(),
              options={"build": {"build_base": _build_folder("compiled")}})
    else:
        setup(options={"build": {"build_base": _build_folder("plain")}})
