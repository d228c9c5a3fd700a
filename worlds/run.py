"""Run a world: load and validate it, build the model, run it, package the result."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from abm.clock import parse_date
from abm.config import ConfigError
from abm.events import LogEvents
from abm.files import package_versions
from abm.model import Model
from agents.customers.customer import Customer
from agents.neoclouds.neocloud import Neocloud
from worlds.build import build_model
from worlds.catalog import load_world, scenario_path, world_files
from worlds.failures import diagnose
from worlds.spec import WorldSpec

if TYPE_CHECKING:  # results are frames: pandas on first use (a worker's runs need none)
    from abm.result import RunResult

VERSIONED = ("neocloud-abm", "simpy", "numpy", "pandas", "networkx", "pyarrow", "pydantic")


def run_world(
    world: str = "iren",
    seed: int = 0,
    until: str | dt.date | None = None,
    overrides: Mapping[str, Any] | Sequence[tuple[str, Any]] = (),
    *,
    scenarios: Sequence[str] = (),
    log_events: LogEvents = True,
) -> RunResult:
    """Run ``world`` (a bundled name or a TOML path) with scenario overlays and overrides."""
    model, spec, meta = simulate(world, seed, until, overrides, scenarios=scenarios,
                                 log_events=log_events)
    return package(model, spec, meta)


def simulate(world: str, seed: int, until: str | dt.date | None,
             overrides: Mapping[str, Any] | Sequence[tuple[str, Any]] = (), *,
             scenarios: Sequence[str] = (),
             log_events: LogEvents = True) -> tuple[Model, WorldSpec, dict[str, Any]]:
    """Build and run the model of :func:`run_world`; return it unpackaged.

    With the model come its spec and the run's metadata, for callers that keep only part
    of a result (the experiment workers keep the path and the event counts: they log
    ``"kinds"``, enough for :meth:`abm.events.EventLog.kind_counts`).
    """
    pairs = list(overrides.items()) if isinstance(overrides, Mapping) else list(overrides)
    spec, path = load_world_once(world, pairs, scenarios)
    end = _until(spec, until)
    model: Model | None = None
    try:
        model = build_model(spec, seed, end, log_events=log_events)
        model.run(end)
    except Exception as exc:  # a bug in the model: say what broke, where and when
        exc.abm_failure = diagnose(exc, model)  # type: ignore[attr-defined]
        raise
    return model, spec, {
        "world": spec.world.name, "world_file": str(path), "seed": seed,
        "focus": next(iter(spec.neoclouds)),
        "until": end.isoformat(), "overrides": dict(pairs), "scenarios": list(scenarios),
    }


_LOADED: dict[tuple[str, ...], tuple[WorldSpec, Path]] = {}
_LOADED_MAX = 64


def load_world_once(world: str, pairs: Sequence[tuple[str, Any]],
                    scenarios: Sequence[str]) -> tuple[WorldSpec, Path]:
    """:func:`~worlds.catalog.load_world`, remembered while its files stay as they were.

    An experiment's worker runs the same world hundreds of times; reading and validating
    it is ~2% of a run. The spec is frozen and nothing changes its tables, so one copy
    serves every run. The key holds each file's path, size and modification time (the
    world's, those of the worlds it extends, the scenarios'; an edited file is read again)
    and the overrides.
    """
    try:
        files = [*_world_chain(world), *(scenario_path(name) for name in scenarios)]
        stamps = [_stamp(f) for f in files]
    except (OSError, ConfigError):  # a missing or broken file: load_world names it
        return load_world(world, pairs, scenarios)
    key = (repr(list(pairs)), *stamps)
    loaded = _LOADED.get(key)
    if loaded is None:
        loaded = load_world(world, pairs, scenarios)
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.clear()
        _LOADED[key] = loaded
    return loaded


def _stamp(path: Path) -> str:
    info = path.stat()
    return f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}"


_CHAINS: dict[str, tuple[list[Path], list[str]]] = {}


def _world_chain(world: str) -> list[Path]:
    """:func:`~worlds.catalog.world_files`, read again only when one of them changed."""
    known = _CHAINS.get(world)
    if known is not None and [_stamp(f) for f in known[0]] == known[1]:
        return known[0]
    files = world_files(world)
    _CHAINS[world] = (files, [_stamp(f) for f in files])
    return files


def _until(spec: WorldSpec, until: str | dt.date | None) -> dt.date:
    if until is None:
        return spec.world.until
    try:
        end = parse_date(until) if isinstance(until, str) else until
    except ValueError as exc:
        raise ConfigError("--until", "", str(exc)) from None
    if end <= spec.world.start_date:
        raise ConfigError("--until", "", f"expected a date after the world's start "
                          f"{spec.world.start_date}, got {end}")
    return end


def package(model: Model, spec: WorldSpec, meta: dict[str, Any]) -> RunResult:
    """Collect a finished model's path, events, ledger and contract graph."""
    from abm.result import RunResult

    config_hash = hashlib.sha256(spec.model_dump_json().encode()).hexdigest()[:16]
    return RunResult(
        path=model.recorder.to_frame(),
        events=model.log.to_frame(),
        ledger=model.ledger.to_frame(),
        meta={**meta, "config_hash": config_hash, "start_date": spec.world.start_date.isoformat(),
              "versions": package_versions(VERSIONED, missing="unknown")},
        graph=contract_graph(model),
    )


def contract_graph(model: Model) -> nx.MultiDiGraph:
    """Customers -> providers, one edge per contract, with its terms and status."""
    graph = nx.MultiDiGraph()
    for customer in model.of_type(Customer):
        graph.add_node(customer.name, role="customer")
    companies = model.of_type(Neocloud)
    for company in companies:
        graph.add_node(company.name, role="neocloud")
    for company in companies:
        for k in company.contracts:
            online = sum(1 for t in k.tranches if t.t_online_days is not None)
            graph.add_edge(k.customer, k.provider, key=k.id, kind=k.kind, value_usd=k.value_usd,
                           it_mw=k.it_mw, term_years=k.term_years, status=k.status,
                           tranches_online=online, tranches=len(k.tranches))
    return graph
