"""Shards: one small Parquet file per finished run, written atomically by the worker.

A shard holds the run's month-end path as a matrix: a ``date`` column and a ``values``
column whose row is the fixed-size list of every metric's value that month. The Parquet
footer carries one JSON document: the run's spec, the metric names (in column order),
the month ends and the run's event counts by kind. A matrix reads back several times
faster than one Parquet column per metric, and the footer alone tells what a shard
holds. :func:`read_path` gives the path as the usual DataFrame.

A shard is written to a hidden temporary name in the same folder, flushed, then renamed
over its final name, so a reader never sees a half-written shard, and listings match
final names only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from abm.files import atomic_write
from experiments.many.specs import RunSpec, parse_run_id

if TYPE_CHECKING:  # pandas only where frames are read or written: workers write arrays
    import pandas as pd

RUN_KEY = b"abm.run"
SUFFIX = ".parquet"


def shard_path(folder: Path, run_id: str) -> Path:
    """Where run ``run_id``'s shard lives in a shard folder."""
    return folder / f"{run_id}{SUFFIX}"


def atomic_write_table(table: pa.Table, target: Path, *, use_dictionary: bool = True) -> None:
    """Write an Arrow table as Parquet to ``target`` atomically (temporary file + rename).

    ``use_dictionary=False`` for columns of distinct floats (a shard's values): Parquet's
    dictionary encoding finds nothing to share there, and trying costs time and space.
    """
    atomic_write(target, lambda fh: pq.write_table(table, fh, compression="zstd",
                                                   use_dictionary=use_dictionary))


def atomic_write_frame(frame: pd.DataFrame, target: Path) -> None:
    """Write a DataFrame (without its index) as Parquet atomically."""
    atomic_write_table(pa.Table.from_pandas(frame, preserve_index=False), target)


def write_shard(folder: Path, spec: RunSpec, path: pd.DataFrame,
                events: Mapping[str, int]) -> Path:
    """Write a run's shard from its path as a DataFrame (see :func:`write_shard_values`)."""
    import pandas as pd

    dates = [ts.date() for ts in pd.DatetimeIndex(path.index)]
    return write_shard_values(folder, spec, dates, [str(c) for c in path.columns],
                              path.to_numpy(dtype="float64"), events)


def write_shard_values(folder: Path, spec: RunSpec, dates: Sequence[dt.date],
                       metrics: Sequence[str], values: np.ndarray,
                       events: Mapping[str, int]) -> Path:
    """Write a run's shard: its (month x metric) values, and the rest in the footer.

    ``values`` go in a matrix column; the footer has the spec, ``metrics`` (the columns),
    the month-end ``dates`` (the rows) and the ``events`` counts.
    """
    matrix = np.ascontiguousarray(values, dtype="float64")
    n_metrics = matrix.shape[1]
    column = pa.FixedSizeListArray.from_arrays(_over(matrix.ravel(), pa.float64()), n_metrics)
    doc = {"spec": dataclasses.asdict(spec), "metrics": list(metrics),
           "dates": [d.isoformat() for d in dates], "events": dict(events)}
    days = np.array(dates, dtype="datetime64[D]").astype("datetime64[ns]")
    table = pa.table({"date": _over(days.view("int64"), pa.timestamp("ns")), "values": column})
    table = table.replace_schema_metadata({RUN_KEY: json.dumps(doc, default=str).encode()})
    target = shard_path(folder, spec.run_id)
    atomic_write_table(table, target, use_dictionary=False)
    return target


def _over(values: np.ndarray, kind: pa.DataType) -> pa.Array:
    """An Arrow array of ``kind`` over the memory of ``values`` (8-byte items, no nulls).

    The same array as ``pa.array(values, type=kind)``, without its first call importing
    pandas to check the input: a worker writing shards never needs pandas otherwise.
    """
    data = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])


def list_shards(folder: Path) -> dict[str, Path]:
    """Finished runs in a shard folder: run id -> shard (temporary files never match)."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for entry in os.scandir(folder):
        name = entry.name
        if name.endswith(SUFFIX) and not name.startswith("."):
            rid = name[: -len(SUFFIX)]
            if parse_run_id(rid) is not None:
                found[rid] = Path(entry.path)
    return found


@dataclasses.dataclass(frozen=True)
class ShardHead:
    """What a shard's footer says: spec, metric names, month ends and event counts."""

    spec: dict[str, Any]
    metrics: tuple[str, ...]
    dates: np.ndarray
    events: dict[str, int]


def _head(metadata: Mapping[bytes, bytes] | None) -> ShardHead:
    doc = json.loads((metadata or {})[RUN_KEY])
    dates = np.array(doc["dates"], dtype="datetime64[D]").astype("datetime64[ns]")
    return ShardHead(spec=doc["spec"], metrics=tuple(doc["metrics"]), dates=dates,
                     events={str(k): int(v) for k, v in doc["events"].items()})


def read_head(path: Path) -> ShardHead:
    """Read a shard's footer only."""
    return _head(pq.read_metadata(path).metadata)


def read_matrix(path: Path) -> tuple[ShardHead, np.ndarray]:
    """A shard's footer and its (month x metric) float matrix.

    Read through ``ParquetFile`` rather than ``pq.read_table``: for one small file the
    dataset machinery behind the latter costs twice the read itself.
    """
    with pq.ParquetFile(path) as shard:
        table = shard.read(columns=["values"], use_threads=False)
    head = _head(table.schema.metadata)
    column = table.column("values").combine_chunks()
    flat = column.flatten().to_numpy(zero_copy_only=False)
    return head, np.asarray(flat, dtype="float64").reshape(len(head.dates), len(head.metrics))


def read_path(path: str | Path) -> pd.DataFrame:
    """A shard as the run's path: month-end DatetimeIndex ``date``, one column per metric."""
    import pandas as pd

    head, values = read_matrix(Path(path))
    index = pd.DatetimeIndex(head.dates, name="date")
    return pd.DataFrame(values, index=index, columns=list(head.metrics))
