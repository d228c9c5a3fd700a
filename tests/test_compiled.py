"""The compiled build (``NEOCLOUD_ABM_COMPILE=1 pip install .``) gives the same runs.

The identity test needs a compiled install: set ``NEOCLOUD_ABM_COMPILED_PYTHON`` to its
interpreter (``.ci/run`` builds one and does). It runs worlds there, in a process whose
working folder is outside the checkout so that the installed extensions load, and
compares digests of path, events and ledger with the same runs here, bit for bit.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm.build import build_kind

ROOT = Path(__file__).resolve().parent.parent
CASES = [(0, ()), (1, ()), (2, ()), (3, ("power_crunch",)), (5, ("sb6_now",))]

DIGEST = """
import hashlib, importlib, json, sys
import numpy as np, pandas as pd
from abm.build import build_kind, compiled_modules
from worlds.run import run_world

def digest(r):
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(r.events.astype(str), index=True).values.tobytes())
    h.update(np.ascontiguousarray(r.path.to_numpy()).tobytes())
    h.update(pd.util.hash_pandas_object(r.ledger.astype(str), index=True).values.tobytes())
    return h.hexdigest()

cases, modules = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for name in modules:
    importlib.import_module(name)
out = [digest(run_world("iren", seed, until="2028-12-31", scenarios=tuple(scenarios)))
       for seed, scenarios in cases]
print(json.dumps({"build": build_kind(), "compiled": compiled_modules(), "digests": out}))
"""


def _digests(python: str, cwd: Path) -> dict[str, object]:
    modules = [s.removesuffix(".py").replace("/", ".") for s in _compiled_sources()]
    done = subprocess.run([python, "-c", DIGEST, json.dumps(CASES), json.dumps(modules)], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NEOCLOUD_ABM_CACHE": "off"})
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_compiled_build_gives_bit_identical_runs(tmp_path: Path) -> None:
    python = os.environ.get("NEOCLOUD_ABM_COMPILED_PYTHON")
    if not python:
        pytest.skip("NEOCLOUD_ABM_COMPILED_PYTHON is not set (.ci/run sets it)")
    compiled = _digests(python, tmp_path)
    assert str(compiled["build"]).startswith("compiled by mypyc")
    expected = sorted(s.removesuffix(".py").replace("/", ".") for s in _compiled_sources())
    assert compiled["compiled"] == expected  # every listed module, and nothing else
    plain = _digests(sys.executable, ROOT)
    assert plain["build"] == "plain Python"
    assert compiled["digests"] == plain["digests"]


def test_this_checkout_runs_plain_python() -> None:
    # the suite tests the sources: a compiled module here would shadow them
    assert build_kind() == "plain Python"


def _compiled_sources() -> list[str]:
    """The list ``setup.py`` compiles (its setup() runs only as __main__)."""
    spec = importlib.util.spec_from_file_location("_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)
    sources: list[str] = setup.compiled_sources(ROOT)
    return sources


def test_the_compiled_list_is_the_engine_finance_and_actors_without_specs() -> None:
    sources = _compiled_sources()
    assert all((ROOT / s).is_file() for s in sources)
    assert "abm/model.py" in sources and "agents/neoclouds/neocloud.py" in sources
    assert not any(s.endswith(("specs.py", "section.py", "__init__.py")) for s in sources)
    actors = {p.relative_to(ROOT).as_posix() for p in (ROOT / "agents").rglob("*.py")
              if p.name not in ("specs.py", "section.py", "__init__.py")}
    assert actors <= set(sources)  # a new actor module is compiled without being listed


def test_is_compiled_tells_an_extension_from_a_source_module() -> None:
    import numpy._core._multiarray_umath as extension

    from abm.build import is_compiled
    from abm.finance import debt

    assert is_compiled(extension)
    assert not is_compiled(debt)  # the checkout's source
