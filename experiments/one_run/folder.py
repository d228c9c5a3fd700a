"""Resolve a RUN argument to a loaded run: a run folder, or one run of an experiment.

``RUN`` is a folder written by ``abm run --out DIR``, or ``EXPERIMENT_DIR:RUN_ID`` (also
``EXPERIMENT_DIR --run RUN_ID``). One run of an experiment is looked up as the per-run
folder ``EXPERIMENT_DIR/runs/RUN_ID/`` holding the files of a run folder (``run.json``,
``path.parquet``, ``events.parquet``; ``ledger.parquet`` optional). Experiments keep
only paths and summaries in their shards, so the first time one run is asked for, it is
made again from ``experiment.json`` (runs are deterministic by seed: the same world,
scenarios, overrides and seed give the same timeline) and kept in that folder.
Every mistake is a :class:`~abm.config.ConfigError` so the command prints one line.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from abm.config import ConfigError
from abm.result import RunResult

REQUIRED_FILES = ("run.json", "path.parquet", "events.parquet")
EXPERIMENT_MARKERS = ("experiment.json", "runs", "shards")
RUNS_SUBFOLDER = "runs"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=-]*$")


def split_run_argument(arg: str, run_id: str | None = None) -> tuple[Path, str | None]:
    """Split ``DIR:RUN_ID`` into (folder, run id); ``run_id`` (from ``--run``) wins.

    A path that exists as given is never split, so folders with a colon still work.
    """
    if run_id is not None or Path(arg).exists() or ":" not in arg:
        return Path(arg), run_id
    folder, _, rid = arg.rpartition(":")
    return Path(folder), rid


def is_experiment_folder(folder: Path) -> bool:
    """True if ``folder`` looks like an experiment (has experiment.json, runs/ or shards/)."""
    return any((folder / marker).exists() for marker in EXPERIMENT_MARKERS)


def _check_run_id(experiment: Path, run_id: str, source: str) -> Path:
    """The folder run ``run_id`` of ``experiment`` is kept in, once both names are checked."""
    if not _RUN_ID.match(run_id) or ".." in run_id:
        raise ConfigError(source, run_id, "expected a run id of letters, digits, '_', '-', "
                          "'.' or '='")
    if not experiment.is_dir():
        raise ConfigError(source, str(experiment), "no such experiment folder")
    if not is_experiment_folder(experiment):
        raise ConfigError(source, f"{experiment}:{run_id}", "not an experiment folder (it has "
                          "no experiment.json, runs/ or shards/)")
    return experiment / RUNS_SUBFOLDER / run_id


def _no_such_run(experiment: Path, run_id: str, source: str) -> ConfigError:
    known = sorted(p.name for p in (experiment / RUNS_SUBFOLDER).glob("*") if p.is_dir())
    hint = (f"; known: {', '.join(known[:8])}{' ...' if len(known) > 8 else ''}"
            if known else f"; {experiment} has no {RUNS_SUBFOLDER}/ folder of per-run files")
    return ConfigError(source, f"{experiment}:{run_id}", f"no such run in the experiment{hint}")


def experiment_run_folder(experiment: Path, run_id: str, source: str) -> Path:
    """The folder holding run ``run_id`` of ``experiment`` (``runs/RUN_ID/``).

    A run not kept yet is made again from ``experiment.json`` and kept there.
    """
    folder = _check_run_id(experiment, run_id, source)
    if not folder.is_dir() and (experiment / "experiment.json").is_file():
        remade = remake_run(experiment, run_id)
        if remade is not None:
            try:
                remade.save(folder)
            except OSError as exc:
                raise ConfigError(source, str(folder),
                                  f"cannot write the remade run ({exc})") from None
    if not folder.is_dir():
        raise _no_such_run(experiment, run_id, source)
    return folder


def read_experiment_run(experiment: Path, run_id: str, source: str = "RUN") -> RunResult:
    """Run ``run_id`` of ``experiment`` without writing anything.

    Its kept folder (``runs/RUN_ID/``) if there is one, else the run made again in memory
    from ``experiment.json``: what a read-only reader (the explorer) uses.
    """
    folder = _check_run_id(experiment, run_id, source)
    if folder.is_dir():
        return load_run_folder(folder, source)
    remade = remake_run(experiment, run_id) if (experiment / "experiment.json").is_file() \
        else None
    if remade is None:
        raise _no_such_run(experiment, run_id, source)
    return _with_dates(_read_back(remade), source, folder)


def _read_back(result: RunResult) -> RunResult:
    """The run's frames as a save and a load would give them (Parquet's types), in memory."""
    frames = []
    for frame in (result.path, result.events, result.ledger):
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        frames.append(pd.read_parquet(buffer))
    result.path, result.events, result.ledger = frames
    return result


def remake_run(experiment: Path, run_id: str) -> RunResult | None:
    """Run ``run_id`` of an experiment made again from its manifest (None: not in its design).

    Runs are deterministic by seed, so this is the run the experiment made.
    """
    from abm.config import parse_override
    from experiments.many.specs import parse_run_id
    from experiments.many.store import read_manifest
    from worlds.run import run_world

    ids = parse_run_id(run_id)
    design = read_manifest(experiment).get("design", {})
    points = design.get("points", [])
    if ids is None or ids[0] >= len(points):
        return None
    point = points[ids[0]]

    def pairs(raw: list[list[object]]) -> list[tuple[str, object]]:
        return [(str(k), parse_override(f"{k}={v}")[1] if isinstance(v, str) else v)
                for k, v in raw]

    result = run_world(str(design["world"]), int(design["base_seed"]) + ids[1],
                       design.get("until"),
                       pairs(design.get("overrides", [])) + pairs(point.get("overrides", [])),
                       scenarios=[*design.get("scenarios", []), *point.get("scenarios", [])])
    result.meta["experiment"] = {"folder": str(experiment), "run_id": run_id,
                                 "remade_from": "experiment.json"}
    return result


def resolve_run(arg: str, run_id: str | None = None, *, source: str = "RUN") -> RunResult:
    """Load the run named by ``arg`` (and ``run_id``): its path, events and meta.

    ``source`` names the argument in error messages (``RUN``, ``RUN_A``...).
    """
    folder, rid = split_run_argument(arg, run_id)
    if rid is not None:
        folder = experiment_run_folder(folder, rid, source)
    elif not folder.exists():
        raise ConfigError(source, arg, "no such run folder (expected a folder from "
                          "`abm run --out DIR` or EXPERIMENT_DIR:RUN_ID)")
    elif not folder.is_dir():
        raise ConfigError(source, arg, "is a file, expected a run folder")
    elif not (folder / "events.parquet").exists() and is_experiment_folder(folder):
        raise ConfigError(source, arg, "is an experiment folder; name one run as "
                          f"{arg}:RUN_ID or with --run RUN_ID")
    return load_run_folder(folder, source)


def load_run_folder(folder: Path, source: str = "RUN") -> RunResult:
    """Read a run folder; a missing or unreadable file is a ConfigError."""
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(source, str(folder), f"not a run folder (missing {', '.join(missing)})")
    try:
        meta = json.loads((folder / "run.json").read_text())
        graph_data = meta.pop("graph", None) if isinstance(meta, dict) else None
        graph = (nx.node_link_graph(graph_data, edges="edges", multigraph=True, directed=True)
                 if graph_data else nx.MultiDiGraph())
        ledger_file = folder / "ledger.parquet"
        result = RunResult(
            path=pd.read_parquet(folder / "path.parquet"),
            events=pd.read_parquet(folder / "events.parquet"),
            ledger=pd.read_parquet(ledger_file) if ledger_file.is_file() else pd.DataFrame(),
            meta=meta,
            graph=graph,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(source, str(folder), f"cannot be read as a run folder ({exc})") from None
    if not isinstance(result.meta, dict):
        raise ConfigError(source, str(folder / "run.json"), "expected a JSON object")
    return _with_dates(result, source, folder)


def _with_dates(result: RunResult, source: str, folder: Path) -> RunResult:
    """Ensure the events have the base columns and a date column (from t_days if absent)."""
    events = result.events
    missing = [c for c in ("id", "t_days", "agent", "kind", "cause") if c not in events]
    if missing:
        raise ConfigError(source, str(folder / "events.parquet"),
                          f"expected event columns {', '.join(missing)}")
    if "date" not in events:
        start = pd.Timestamp(result.meta.get("start_date", "1970-01-01"))
        days = pd.to_timedelta(np.floor(events["t_days"].to_numpy(float) + 1e-9), unit="D")
        events.insert(2, "date", start + days)
    result.events = events.sort_values("id", kind="stable").reset_index(drop=True)
    return result


def run_label(result: RunResult, arg: str) -> str:
    """A short name of a run for headers: the argument, world and seed."""
    meta = result.meta
    return f"{arg} ({meta.get('world', '?')} seed {meta.get('seed', '?')})"
