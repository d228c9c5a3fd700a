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
