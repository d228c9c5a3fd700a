"""report.html: self-contained (plots embedded, nothing loaded from the network)."""

import base64
import re
import shutil
from pathlib import Path

import pytest

from experiments.api import report
from experiments.many.result import ExperimentResult
from neocloud_abm.cli import main


def test_report_is_self_contained_with_fan_charts_and_rivals(small_mc: ExperimentResult,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(small_mc.folder, folder)
    shutil.rmtree(folder / "plots")
    (folder / "report.html").unlink()
    path = report(folder)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 1 + ("Rivals side by side" in page and "rivals" in page)
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")
    assert "IREN&#x27;s path" in page or "IREN's path" in page
    assert "Rivals side by side" in page and "experiment.json" in page
    assert "AI run-rate ARR &gt;= $1B" in page  # the milestones table
    assert (folder / "plots" / "fan_iren.png").exists()


def test_abm_report_command(small_mc: ExperimentResult, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(small_mc.folder, folder)
    (folder / "report.html").unlink()
    assert main(["report", str(folder)]) == 0
    assert f"report: {folder / 'report.html'}" in capsys.readouterr().out
    assert (folder / "report.html").stat().st_size > 10_000
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an experiment folder" in err[0]
