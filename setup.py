"""Build hook: the optional compiled build (mypyc) of the model's hot modules.

``pip install .`` (or ``-e .``) installs plain Python. With ``NEOCLOUD_ABM_COMPILE=1`` in
the environment, the modules of :data:`COMPILED` are compiled to C extensions by mypyc
(the code is already mypy-strict; the build takes 1.5-2 minutes and needs a C compiler):
a run is 1.6-1.8x faster and gives bit-identical results (``tests/test_compiled.py``).
Everything else (specs, CLI, experiments, I/O) stays Python. It needs a regular
install: an editable one would put the extensions beside the sources, where a source
edited later would be shadowed by its stale extension, so it is refused.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import Extension, setup

# abm/build.py names the modules; read on its own, since nothing is installed yet
_spec = importlib.util.spec_from_file_location(
    "_abm_build", Path(__file__).resolve().parent / "abm" / "build.py")
assert _spec is not None and _spec.loader is not None
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)
COMPILED, COMPILE_ENV = _build.COMPILED, _build.COMPILE_ENV

# mypyc type-checks what it compiles as CI's mypy does: with the stubs of what it imports
# (simpy too: the agents hold its Environment and events)
MYPYC = ["mypy>=1.10", "numpy>=1.26", "pandas-stubs>=2.1", "pydantic>=2.6", "simpy>=4.1"]


def _compiled() -> list[Extension]:
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
    return mypycify(list(COMPILED), opt_level="3")


def _build_folder(kind: str) -> str:
    """A build folder per kind, so that a plain wheel never packs a compiled leftover.

    Extensions left in the compiled folder's ``lib`` by an earlier build are removed too:
    a module since moved out of :data:`COMPILED` must not ship its old extension.
    """
    folder = Path("build") / kind
    if kind == "compiled":
        for stale in folder.glob("lib*/**/*.so"):
            stale.unlink()
    return str(folder)


if os.environ.get(COMPILE_ENV, "") == "1":
    setup(setup_requires=MYPYC, ext_modules=_compiled(),
          options={"build": {"build_base": _build_folder("compiled")}})
else:
    setup(options={"build": {"build_base": _build_folder("plain")}})
