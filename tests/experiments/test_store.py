"""Plans, seeds and the experiment folder: identity, resume rules, locking, atomic shards."""

import os
from pathlib import Path

import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.analysis.comparison import arm_points, business_model_arms
from experiments.many.designs import parse_vary
from experiments.many.plans import compare_plan, monte_carlo_plan, sweep_plan
from experiments.many.shards import list_shards, write_shard
from experiments.many.specs import parse_run_id, run_id
from experiments.many.store import ExperimentStore, read_manifest


def test_run_ids_sort_in_plan_order_and_parse_back() -> None:
    ids = [run_id(p, r) for p in range(3) for r in range(12)]
    assert ids == sorted(ids)
    assert parse_run_id(run_id(12, 345)) == (12, 345)
    assert parse_run_id("p1-r2") is None and parse_run_id(".p00000-r000001") is None


def test_every_arm_shares_the_seeds_of_a_replication() -> None:
    plan = compare_plan("iren", arm_points(["btc_bear"], business_model_arms()), reps=4,
                        seed=10)
    runs = list(plan.runs())
    assert len(runs) == 12 and plan.arms() == ["btc_bear", "integrated_cloud", "lease_host"]
    for rep in range(4):
        assert {r.seed for r in runs if r.rep == rep} == {10 + rep}
    lease = next(r for r in runs if r.arm == "lease_host")
    assert ("iren.business_model", "lease_host") in lease.overrides
    assert runs[0].scenarios == ("btc_bear",)


def test_fingerprint_follows_the_design_not_the_replications() -> None:
    base = monte_carlo_plan("iren", 10, until="2026-12-31")
    assert base.fingerprint() == monte_carlo_plan("iren", 50, until="2026-12-31").fingerprint()
    assert base.fingerprint() != monte_carlo_plan("iren", 10, until="2027-12-31").fingerprint()
    assert base.fingerprint() != monte_carlo_plan("iren", 10, seed=1,
                                                  until="2026-12-31").fingerprint()
    assert base.fingerprint() != monte_carlo_plan("iren", 10, until="2026-12-31",
                                                  overrides={"iren.pue": 1.3}).fingerprint()
    varied = sweep_plan("iren", [parse_vary("iren.pue=1.1:1.3:3")], reps=2)
    assert [dict(p.params)["iren.pue"] for p in varied.points] == [1.1, 1.2, 1.3]


def test_resume_refuses_another_design_unless_forced(tmp_path: Path) -> None:
    plan = monte_carlo_plan("iren", 5, until="2026-12-31")
    with ExperimentStore.open(tmp_path, plan, command="abm mc") as store:
        assert store.shards.is_dir() and store.failures.is_dir()
        (store.shards / "p00000-r000000.parquet").write_bytes(b"x")
    manifest = read_manifest(tmp_path)
    assert manifest["kind"] == "mc" and manifest["reps"] == 5
    assert manifest["seeds"]["first"] == 0 and manifest["seeds"]["last"] == 4
    assert "common random numbers" in manifest["seeds"]["rule"]
    with ExperimentStore.open(tmp_path, monte_carlo_plan("iren", 9, until="2026-12-31")):
        pass  # more replications of the same design: resumes
    assert read_manifest(tmp_path)["reps"] == 9
    other = monte_carlo_plan("iren", 5, until="2027-12-31")
    with pytest.raises(ConfigError) as info:
        ExperimentStore.open(tmp_path, other)
    assert "different experiment" in str(info.value) and "until" in str(info.value)
    assert "--force" in str(info.value)
    with ExperimentStore.open(tmp_path, other, force=True) as store:
        assert not store.finished()
    assert read_manifest(tmp_path)["design"]["until"] == "2027-12-31"


def test_a_folder_that_is_not_an_experiment_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    plan = monte_carlo_plan("iren", 2)
    with pytest.raises(ConfigError, match="not empty"):
        ExperimentStore.open(tmp_path, plan)
    with ExperimentStore.open(tmp_path, plan, force=True):
        pass
    assert (tmp_path / "notes.txt").read_text() == "mine"
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(ConfigError, match="found a file"):
        ExperimentStore.open(afile, plan)


def test_one_command_per_folder_at_a_time(tmp_path: Path) -> None:
    plan = monte_carlo_plan("iren", 2)
    with ExperimentStore.open(tmp_path, plan), pytest.raises(ConfigError, match="another abm"):
        ExperimentStore.open(tmp_path, plan)
    with ExperimentStore.open(tmp_path, plan):
        pass  # the lock was released


def test_listing_never_sees_temporary_or_foreign_files(tmp_path: Path) -> None:
    spec = next(monte_carlo_plan("iren", 1).runs())
    frame = pd.DataFrame({"iren.cash_usd": [1.0]},
                         index=pd.DatetimeIndex(["2026-01-31"], name="date"))
    write_shard(tmp_path, spec, frame, {})
    (tmp_path / f".{spec.run_id}.parquet.123.tmp").write_bytes(b"half a shard")
    (tmp_path / "p00000-r000001.parquet.tmp").write_bytes(b"")
    (tmp_path / "notes.parquet").write_bytes(b"")
    assert list(list_shards(tmp_path)) == [spec.run_id]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(f".{os.getpid()}.tmp")]
    assert list(pd.read_parquet(tmp_path / f"{spec.run_id}.parquet").columns) == ["date",
                                                                                  "values"]


def test_the_code_hash_reads_the_engine_actors_and_worlds(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """A change in an actor's source changes the hash a resumed experiment is checked by."""
    from experiments.many import validate

    root = tmp_path / "tree"
    for part in validate.CODE_PARTS:
        target = root / part
        if part.endswith(".py"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x = 1\n")
        else:
            target.mkdir(parents=True)
            (target / "m.py").write_text("x = 1\n")
    monkeypatch.setattr(validate, "_PACKAGE_ROOT", root)
    before = validate.code_sha()
    (root / "agents" / "m.py").write_text("x = 2\n")
    assert validate.code_sha() != before
    monkeypatch.setattr(validate, "_PACKAGE_ROOT", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="CODE_PARTS"):
        validate.code_sha()
