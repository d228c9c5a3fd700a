"""CI's only contact with the benchmarks: ``python -m benchmarks --quick`` runs and prints
every section (the figures are not checked: the benchmarks are not timed tests)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("== A. Kernel", "== B. Base world", "== C. Pricer", "== D. Executors",
            "== E. Memory", "== F. Scaling")


def test_quick_benchmarks_run_every_section() -> None:
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--quick"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "machine:" in out.stdout
    for header in SECTIONS:
        assert header in out.stdout, f"{header!r} missing:\n{out.stdout[-3000:]}"
    assert "failed" not in out.stdout.lower()


def test_only_picks_sections_and_refuses_unknown_letters() -> None:
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "c"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "== C. Pricer" in out.stdout and "== A. Kernel" not in out.stdout
    bad = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "Z"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "expected letters" in bad.stderr


def test_abm_bench_runs_the_installed_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from neocloud_abm.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["bench", "--quick", "--only", "C"]) == 0
    out = capsys.readouterr().out
    assert "C." in out and "QuantLib" in out


def test_without_the_bench_extra_the_suite_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import benchmarks.__main__ as suite
    from neocloud_abm.cli import main

    monkeypatch.setattr(suite, "PEERS", ("QuantLib", "no_such_package_xyz"))
    assert main(["bench", "--quick"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no_such_package_xyz" in err and "[bench]" in err


def test_side_by_side_times_a_monte_carlo_per_interpreter() -> None:
    out = subprocess.run([sys.executable, "-m", "benchmarks.side_by_side", sys.executable,
                          "--reps", "2", "--rounds", "1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "round 1 (empty memo)" in out.stdout and "2 runs" in out.stdout


def test_the_explorer_benchmark_runs_on_a_small_folder() -> None:
    """``python -m benchmarks.explorer`` at 50 runs, one round (the 10,000-run figure is not
    CI's to measure)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.explorer", "--runs", "50",
                          "--rounds", "1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "synthetic experiment: 50 runs" in out.stdout
    assert "switch (server):" in out.stdout and "sort (server):" in out.stdout
