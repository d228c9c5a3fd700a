"""The result of one run: its path, event timeline, ledger and graph; saved as files.

A run folder holds ``run.json`` (world, overrides, seed, versions, config hash),
``path.parquet`` (month x metric), ``events.parquet`` (the timeline) and
``ledger.parquet`` (every cash entry). Loading reads Parquet and JSON only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from abm.files import atomic_write, atomic_write_bytes

RUN_FILES = ("run.json", "path.parquet", "events.parquet", "ledger.parquet")


@dataclass
class RunResult:
    """Everything one run produced."""

    path: pd.DataFrame
    events: pd.DataFrame
    ledger: pd.DataFrame
    meta: dict[str, Any]
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)

    def save(self, folder: str | Path) -> Path:
        """Write the run folder (atomically, file by file) and return it."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in (("path", self.path), ("events", self.events),
                            ("ledger", self.ledger)):
            atomic_write(out / f"{name}.parquet", frame.to_parquet)
        meta = {**self.meta, "graph": nx.node_link_data(self.graph, edges="edges")}
        atomic_write_bytes(out / "run.json", json.dumps(meta, indent=2, default=str).encode())
        return out

    @classmethod
    def load(cls, folder: str | Path) -> RunResult:
        """Read a run folder written by :meth:`save`."""
        src = Path(folder)
        meta = json.loads((src / "run.json").read_text())
        graph_data = meta.pop("graph", None)
        graph = (nx.node_link_graph(graph_data, edges="edges", multigraph=True, directed=True)
                 if graph_data else nx.MultiDiGraph())
        return cls(
            path=pd.read_parquet(src / "path.parquet"),
            events=pd.read_parquet(src / "events.parquet"),
            ledger=pd.read_parquet(src / "ledger.parquet"),
            meta=meta,
            graph=graph,
        )
