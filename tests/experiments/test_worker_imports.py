"""A worker process runs and writes its shards without importing pandas.

Pandas is most of a worker's start-up (~0.5-1 s of its ~1-2 s of imports); a worker only
builds, runs and writes arrays. Checked in a fresh interpreter, as a spawned worker starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from experiments.many.specs import RunSpec, run_id
from experiments.many.worker import run_batch
folder = sys.argv[1]
spec = RunSpec(run_id(0, 0), 0, 0, "base", "iren", 7, "2026-01-31", (), ())
outcomes = run_batch([spec], folder)
print(json.dumps({"ok": outcomes[0].ok, "error": outcomes[0].error,
                  "pandas": "pandas" in sys.modules}))
"""


def test_a_worker_runs_and_writes_a_shard_without_pandas(tmp_path: Path) -> None:
    from experiments.many.shards import list_shards, read_path
    from experiments.many.specs import run_id

    (tmp_path / "shards").mkdir()
    (tmp_path / "failures").mkdir()
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"], report["error"]
    assert not report["pandas"], "a worker imported pandas"
    shards = list_shards(tmp_path / "shards")
    assert list(shards) == [run_id(0, 0)]
    path = read_path(shards[run_id(0, 0)])  # it reads back as a frame (here, with pandas)
    assert len(path) == 3  # month ends of Nov, Dec, Jan
    assert path["iren.secured_mw"].gt(0).all()
