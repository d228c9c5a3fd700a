"""The compiled build (``NEOCLOUD_ABM_COMPILE=1 pip install .``) gives the same runs.

The identity test needs a compiled install: set ``NEOCLOUD_ABM_COMPILED_PYTHON`` to its
interpreter (``.ci/run`` builds one and does). It runs worlds there, in a process whose
working folder is outside the checkout so that the installed extensions load, and
compares digests of path, events and ledger with the same runs here, bit for bit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm.build import COMPILED, PLAIN_AGENTS, build_kind, module_name

ROOT = Path(__file__).resolve().parent.parent
CASES = [(0, ()), (1, ()), (2, ()), (3, ("power_crunch",)), (5, ("sb6_now",))]

DIGEST = """
import hashlib, json, sys
import numpy as np, pandas as pd
from abm.build import build_kind
from worlds.run import run_world

def digest(r):
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(r.events.astype(str), index=True).values.tobytes())
    h.update(np.ascontiguousarray(r.path.to_numpy()).tobytes())
    h.update(pd.util.hash_pandas_object(r.ledger.astype(str), index=True).values.tobytes())
    return h.hexdigest()

cases = json.loads(sys.argv[1])
out = [digest(run_world("iren", seed, until="2028-12-31", scenarios=tuple(scenarios)))
       for seed, scenarios in cases]
print(json.dumps({"build": build_kind(), "digests": out}))
"""


def _digests(python: str, cwd: Path) -> dict[str, object]:
    done = subprocess.run([python, "-c", DIGEST, json.dumps(CASES)], cwd=cwd,
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
    assert compiled["build"] == f"compiled by mypyc ({len(COMPILED)} of {len(COMPILED)} modules)"
    plain = _digests(sys.executable, ROOT)
    assert plain["build"] == "plain Python"
    assert compiled["digests"] == plain["digests"]


def test_this_checkout_runs_plain_python() -> None:
    # the suite tests the sources: a compiled module here would shadow them
    assert build_kind() == "plain Python"


def test_the_compiled_list_names_existing_modules() -> None:
    for source in COMPILED:
        assert (ROOT / source).is_file(), source
        assert module_name(source).count(".") >= 1
    agents = {p.stem for p in (ROOT / "agents").glob("*.py")}
    assert set(PLAIN_AGENTS) <= agents  # a renamed plain module would be compiled


def test_is_compiled_tells_an_extension_from_a_source_module() -> None:
    import numpy._core._multiarray_umath as extension

    from abm.build import is_compiled
    from abm.finance import debt

    assert is_compiled(extension)
    assert not is_compiled(debt)  # the checkout's source
