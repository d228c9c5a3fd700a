"""The run pictures: valid PNGs of a readable size; four panels; milestone lanes whose
numbers never collide, with a table that tells each one."""

import itertools
import struct
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from abm.result import RunResult
from experiments.one_run.milestones import milestone_figure, milestones, overview_figure
from experiments.one_run.plots import path_figure, write_run_plots


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def test_pngs_are_written_and_readable_size(run0: RunResult, tmp_path: Path) -> None:
    paths = write_run_plots(run0, tmp_path)
    assert [p.name for p in paths] == ["iren_path.png", "milestones.png", "milestones_all.png"]
    for path in paths:
        width, height = _png_size(path)
        assert 1200 <= width <= 2500 and 600 <= height <= 2500
        assert path.stat().st_size > 20_000


def test_path_figure_has_four_panels_with_lines_and_legends(run0: RunResult) -> None:
    fig = path_figure(run0)
    positions = {ax.get_subplotspec().get_geometry() for ax in fig.axes}
    assert len(positions) == 4
    primary = [ax for ax in fig.axes if ax.get_legend() is not None]
    assert len(primary) == 4 and all(ax.lines for ax in primary)
    first = {text.get_text() for text in primary[0].get_legend().get_texts()}
    assert {"energized MW", "GPUs (right)"} <= first


def test_milestones_pick_key_kinds_per_company(
        make_synthetic: Callable[..., RunResult]) -> None:
    result = make_synthetic()
    marks = milestones(result.events)
    lanes = set(zip(marks["company"], marks["category"], strict=True))
    assert ("coreweave", "terminations and failures") in lanes
    assert ("coreweave", "power") in lanes  # energized by oncor, about coreweave
    assert ("iren", "contracts") in lanes and ("iren", "capital raises") in lanes
    assert ("nebius", "terminations and failures") in lanes  # bid.lost
    assert "bid.submitted" not in set(result.events.loc[
        result.events["id"].isin(marks["id"]), "kind"].astype(str))
    fig = milestone_figure(result.events, company="coreweave")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(c for company, c in lanes if company == "coreweave")
    overview = overview_figure(result.events)
    names = [t.get_text() for t in overview.axes[0].get_yticklabels()]
    assert sorted(names) == sorted({c.upper() for c, _ in lanes})


def test_the_milestone_numbers_never_collide_and_the_table_tells_each(run0: RunResult) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = milestone_figure(run0.events, "IREN", company="iren")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    chart, table = fig.axes
    renderer = canvas.get_renderer()
    numbers = [t for t in chart.texts if t.get_text().isdigit()]
    boxes = [t.get_window_extent(renderer) for t in numbers]
    assert len(numbers) >= 10
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[i + 1:]), numbers[i].get_text()
    lines = [t.get_text() for t in table.texts]
    assert len(lines) == len(numbers)
    assert [int(line.split()[0]) for line in lines] == list(range(1, len(numbers) + 1))
    line_boxes = [t.get_window_extent(renderer) for t in table.texts]
    assert all(a.y0 >= b.y1 - 0.5 for a, b in itertools.pairwise(line_boxes))
    assert any("signed $9.70B" in line for line in lines)  # the Microsoft contract


def test_a_run_without_events_still_draws(run0: RunResult, tmp_path: Path) -> None:
    empty = RunResult(path=run0.path, events=run0.events.iloc[:0], ledger=pd.DataFrame(),
                      meta=run0.meta)
    for path in write_run_plots(empty, tmp_path):
        assert _png_size(path)[0] > 1000
