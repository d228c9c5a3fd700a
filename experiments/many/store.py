"""The experiment folder: ``experiment.json``, shards, failure records, results, resume.

Layout::

    experiment.json     design (identity), seeds rule, reps, inputs' hashes, versions
    shards/<run>.parquet   one per finished run (written by workers)
    failures/<run>.json    one per run that raised (removed when a retry succeeds)
    summary.parquet, bands.parquet, compare.parquet | sensitivity.parquet | scores.parquet
    plots/*.png, report.html

Opening a folder that already holds the same experiment resumes it: finished runs are
skipped. A different experiment is refused unless ``force``, which clears the folder's
experiment files first. An exclusive lock keeps two commands out of one folder at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import Any

from abm.config import ConfigError
from abm.files import atomic_write_bytes, package_versions
from experiments.many.shards import list_shards
from experiments.many.specs import Plan, identity_differences
from experiments.many.worker import FAILURES, SHARDS

FORMAT = 1
MANIFEST = "experiment.json"
PLOTS = "plots"
SCRATCH = ".aggregate"
RESULT_FILES = ("summary.parquet", "bands.parquet", "compare.parquet", "sensitivity.parquet",
                "design.parquet", "scores.parquet", "score_summary.parquet", "report.html")
VERSIONED = ("neocloud-abm", "numpy", "pandas", "pyarrow", "simpy", "SALib", "dask",
             "distributed", "matplotlib")
SEED_RULE = ("run (point p, replication r) uses seed base_seed + r: every point and arm "
             "shares the same seeds (common random numbers)")


def versions() -> dict[str, str]:
    """Versions of the packages an experiment's results depend on."""
    return package_versions(VERSIONED)


class ExperimentStore:
    """An experiment folder opened for one command; close it to release its lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock_fd: int | None = None

    @property
    def shards(self) -> Path:
        """The shard folder."""
        return self.folder / SHARDS

    @property
    def failures(self) -> Path:
        """The failure-record folder."""
        return self.folder / FAILURES

    @property
    def plots(self) -> Path:
        """The PNG plot folder."""
        return self.folder / PLOTS

    @classmethod
    def open(cls, folder: Path, plan: Plan, *, force: bool = False,
             command: str = "", analysis: dict[str, Any] | None = None) -> ExperimentStore:
        """Create or resume ``folder`` for ``plan`` and lock it (close the store to unlock)."""
        if folder.exists() and not folder.is_dir():
            raise ConfigError("--out", str(folder), "expected a folder, found a file")
        folder.mkdir(parents=True, exist_ok=True)
        store = cls(folder)
        store._lock()
        try:
            store._prepare(plan, force)
            for sub in (store.shards, store.failures, store.plots):
                sub.mkdir(exist_ok=True)
            store._remove_temporaries()
            store._write_manifest(plan, command, analysis or {})
        except BaseException:
            store.close()
            raise
        return store

    def _lock(self) -> None:
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError("--out", str(self.folder), "another abm command is running in "
                              "this folder; wait for it or choose another --out") from None
        self._lock_fd = fd

    def _remove_temporaries(self) -> None:
        """Delete half-written files a killed command left (``.NAME.<random>.tmp``).

        Under the folder's lock no other command writes here; listings ignore such files
        anyway, this only keeps the folder from collecting them.
        """
        for sub in (self.folder, self.shards, self.failures, self.plots):
            for leftover in sub.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> ExperimentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self, plan: Plan, force: bool) -> None:
        manifest = self.folder / MANIFEST
        if force:
            self.clear()
            return
        if manifest.exists():
            old = read_manifest(self.folder)
            differs = identity_differences(old.get("design", {}), plan.identity())
            if differs:
                raise ConfigError("--out", str(self.folder), f"holds a different experiment "
                                  f"(differs in {', '.join(differs)}); choose another --out "
                                  "or pass --force to start over")
            return
        ours = {SHARDS, FAILURES, PLOTS, SCRATCH, ".lock", *RESULT_FILES}
        if any(entry.name not in ours for entry in self.folder.iterdir()):
            raise ConfigError("--out", str(self.folder), "folder is not empty and holds no "
                              "experiment; choose another --out or pass --force")

    def clear(self) -> None:
        """Remove this folder's experiment files (shards, failures, results, plots)."""
        for sub in (SHARDS, FAILURES, PLOTS, SCRATCH):
            shutil.rmtree(self.folder / sub, ignore_errors=True)
        for name in (MANIFEST, *RESULT_FILES):
            (self.folder / name).unlink(missing_ok=True)

    def _write_manifest(self, plan: Plan, command: str, analysis: dict[str, Any]) -> None:
        old = read_manifest(self.folder) if (self.folder / MANIFEST).exists() else {}
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        doc = {
            "format": FORMAT, "kind": plan.kind, "fingerprint": plan.fingerprint(),
            "design": plan.identity(), "reps": plan.reps, "runs": plan.n_runs,
            "arms": plan.arms(),
            "seeds": {"rule": SEED_RULE, "base_seed": plan.seed,
                      "first": plan.seed, "last": plan.seed + plan.reps - 1},
            "analysis": analysis, "command": command,
            "created": old.get("created", now), "updated": now, "versions": versions(),
        }
        payload = json.dumps(doc, indent=2, default=str).encode()
        atomic_write_bytes(self.folder / MANIFEST, payload)

    def finished(self) -> dict[str, Path]:
        """Shards of finished runs by run id."""
        return list_shards(self.shards)

    def failure_records(self, run_ids: set[str]) -> list[dict[str, Any]]:
        """Failure records of the given runs, in run-id order."""
        out = []
        for rid in sorted(run_ids):
            path = self.failures / f"{rid}.json"
            if path.exists():
                out.append(json.loads(path.read_text()))
        return out


def read_manifest(folder: Path) -> dict[str, Any]:
    """``experiment.json`` of a folder (a ConfigError if missing or unreadable)."""
    path = folder / MANIFEST
    if not path.exists():
        raise ConfigError(str(folder), "", f"no {MANIFEST}: not an experiment folder")
    try:
        doc: dict[str, Any] = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot be read ({exc})") from None
    return doc
