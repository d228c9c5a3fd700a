"""What the explorer serves: the folders it was given, each under a short key.

The browser names a folder only by its key (``r0`` for the first run folder, ``e0`` for the
first experiment folder) and one run of an experiment by a run id that the experiment's
``summary.parquet`` lists; nothing it sends is ever used as a path. So no request reaches
a file outside the folders given on the command line, whatever it holds (``..``, an
absolute path, an encoded slash). Nothing here writes: a run of an experiment that was not
kept is made again in memory (:func:`~experiments.one_run.folder.read_experiment_run`).

Opening checks every folder first and raises a one-line :class:`~abm.config.ConfigError`
for one that is missing, unreadable or neither a run nor an experiment.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from abm.config import ConfigError
from abm.result import RunResult
from experiments.many.store import MANIFEST, read_manifest
from experiments.one_run.folder import (
    load_run_folder,
    read_experiment_run,
    split_run_argument,
)

SOURCE = "PATH"
RUNS_KEPT = 8
"""Runs of experiments held in memory at once (each is a few MB)."""
_KEY = re.compile(r"^[re]\d{1,4}$")


@dataclass
class RunSource:
    """A run given on the command line (a run folder or ``EXPERIMENT_DIR:RUN_ID``)."""

    key: str
    label: str
    result: RunResult


class Summary:
    """``summary.parquet`` read column by column, on demand, and kept (it may be big)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        schema = pq.read_schema(path)
        self.columns: list[str] = [c for c in schema.names if not c.startswith("__")]
        self.rows = int(pq.ParquetFile(path).metadata.num_rows)
        self._loaded: dict[str, pd.Series] = {}
        self._lock = threading.Lock()

    def frame(self, columns: Sequence[str]) -> pd.DataFrame:
        """The named columns (those the file has), one row per run, in file order."""
        wanted = [c for c in dict.fromkeys(columns) if c in self.columns]
        with self._lock:
            missing = [c for c in wanted if c not in self._loaded]
            if missing:
                table = pq.read_table(self.path, columns=missing).to_pandas()
                self._loaded.update({c: table[c] for c in missing})
            return pd.DataFrame({c: self._loaded[c] for c in wanted})

    def column(self, name: str) -> pd.Series:
        """One column (a KeyError if the file has none of that name)."""
        if name not in self.columns:
            raise KeyError(name)
        return self.frame([name])[name]


@dataclass
class ExperimentSource:
    """An experiment folder: its manifest, bands and analyses, and its summary on demand."""

    key: str
    label: str
    folder: Path
    manifest: dict[str, Any]
    bands: pd.DataFrame
    summary: Summary | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    """The analyses present: ``compare``, ``sensitivity``, ``design`` (and later kinds)."""
    _band_index: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> str:
        """``mc``, ``sweep``, ``compare``, ``sensitivity`` (or a kind added later)."""
        return str(self.manifest.get("kind", "?"))

    @property
    def arms(self) -> list[str]:
        """The arms in the manifest's order (those with bands, if it names none)."""
        named = [str(a) for a in self.manifest.get("arms", [])]
        return named or list(dict.fromkeys(self.bands["arm"].astype(str)))

    @property
    def metrics(self) -> list[str]:
        """Every metric with bands."""
        return list(dict.fromkeys(self.bands["metric"].astype(str)))

    def band(self, arm: str, metric: str) -> pd.DataFrame:
        """The bands of one metric of one arm, by date (empty if there are none)."""
        if not self._band_index and not self.bands.empty:
            ordered = self.bands.sort_values(["arm", "metric", "date"], kind="stable")
            self._band_index.update(
                {(str(a), str(m)): g for (a, m), g in ordered.groupby(["arm", "metric"],
                                                                      sort=False)})
        return self._band_index.get((arm, metric), self.bands.iloc[0:0])

    def has_run(self, run_id: str) -> bool:
        """Whether ``run_id`` is a run of this experiment (as its summary lists them)."""
        if self.summary is None or "run_id" not in self.summary.columns:
            return False
        return bool((self.summary.column("run_id") == run_id).any())


def _read_frame(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(SOURCE, str(path), f"cannot be read ({exc})") from None


ANALYSES = ("compare", "sensitivity", "design")


def open_experiment(key: str, label: str, folder: Path) -> ExperimentSource:
    """Read an experiment folder's manifest, bands, analyses and the summary's layout."""
    manifest = read_manifest(folder)
    bands_file = folder / "bands.parquet"
    bands = _read_frame(bands_file) if bands_file.is_file() else pd.DataFrame(
        columns=["arm", "metric", "date", "n", "mean", "p5", "p25", "p50", "p75", "p95"])
    summary = None
    if (folder / "summary.parquet").is_file():
        try:
            summary = Summary(folder / "summary.parquet")
        except (OSError, ValueError) as exc:
            raise ConfigError(SOURCE, str(folder / "summary.parquet"),
                              f"cannot be read ({exc})") from None
    tables = {name: _read_frame(folder / f"{name}.parquet") for name in ANALYSES
              if (folder / f"{name}.parquet").is_file()}
    return ExperimentSource(key=key, label=label, folder=folder, manifest=manifest,
                            bands=bands, summary=summary, tables=tables)


@dataclass
class Catalog:
    """The runs and experiments being served, by key; runs of experiments made on demand."""

    runs: dict[str, RunSource] = field(default_factory=dict)
    experiments: dict[str, ExperimentSource] = field(default_factory=dict)
    _kept: OrderedDict[tuple[str, str], RunResult] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, key: str, run_id: str | None = None) -> RunResult | None:
        """The run served under ``key`` (and ``run_id`` of an experiment); None if none."""
        if not isinstance(key, str) or not _KEY.match(key):
            return None
        if run_id is None:
            source = self.runs.get(key)
            return source.result if source is not None else None
        experiment = self.experiments.get(key)
        if experiment is None or not isinstance(run_id, str) or not experiment.has_run(run_id):
            return None
        with self._lock:
            if (key, run_id) in self._kept:
                self._kept.move_to_end((key, run_id))
                return self._kept[(key, run_id)]
        try:
            result = read_experiment_run(experiment.folder, run_id)
        except ConfigError:
            raise
        except Exception as exc:  # the model raised: the run failed in the experiment too
            raise ConfigError(SOURCE, f"{experiment.label}:{run_id}", "this run cannot be "
                              f"made again: {type(exc).__name__}: {exc}") from None
        with self._lock:
            self._kept[(key, run_id)] = result
            while len(self._kept) > RUNS_KEPT:
                self._kept.popitem(last=False)
        return result

    def experiment(self, key: str) -> ExperimentSource | None:
        """The experiment served under ``key``, or None."""
        if not isinstance(key, str) or not _KEY.match(key):
            return None
        return self.experiments.get(key)


def _check_folder(arg: str, folder: Path) -> None:
    if not folder.exists():
        raise ConfigError(SOURCE, arg, "no such folder (expected a run folder, an experiment "
                          "folder or EXPERIMENT_DIR:RUN_ID)")
    if not folder.is_dir():
        raise ConfigError(SOURCE, arg, "is a file, expected a run or an experiment folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ConfigError(SOURCE, arg, "cannot be read (permission denied)")


def open_catalog(paths: Sequence[str]) -> Catalog:
    """Check and open every folder given (run folders, experiments, ``EXP_DIR:RUN_ID``)."""
    if not paths:
        raise ConfigError(SOURCE, "", "expected one or more run or experiment folders")
    catalog = Catalog()
    for arg in paths:
        folder, run_id = split_run_argument(arg)
        if run_id is not None:
            _check_folder(arg, folder)
            key = f"r{len(catalog.runs)}"
            result = read_experiment_run(folder, run_id, SOURCE)
            catalog.runs[key] = RunSource(key, arg, result)
            continue
        _check_folder(arg, folder)
        if (folder / "events.parquet").is_file():
            key = f"r{len(catalog.runs)}"
            catalog.runs[key] = RunSource(key, arg, load_run_folder(folder, SOURCE))
        elif (folder / MANIFEST).is_file():
            key = f"e{len(catalog.experiments)}"
            catalog.experiments[key] = open_experiment(key, arg, folder)
        else:
            raise ConfigError(SOURCE, arg, "is neither a run folder (events.parquet) nor an "
                              f"experiment folder ({MANIFEST})")
    return catalog
