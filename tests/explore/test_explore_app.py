"""The explorer without a browser: opening folders, addresses, safety, panels, callbacks."""

import json
import os
import shutil
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from abm.config import ConfigError
from neocloud_abm.cli import main
from neocloud_abm.explore.app import make_app, route
from neocloud_abm.explore.catalog import Catalog, open_catalog
from neocloud_abm.explore.experiment_page import PANELS
from neocloud_abm.explore.figures import by_parameter_figure, indices_figure

TRAVERSALS = ("/run/../../etc/passwd", "/run/%2Fetc%2Fpasswd", "/run//etc/passwd",
              "/experiment/e0/run/..%2F..%2F..%2Fetc%2Fpasswd", "/experiment/e0/run/../../x",
              "/experiment/%2Ftmp", "/run/r9", "/experiment/e0/run/p00099-r000000",
              "/etc/passwd", "/experiment/e0/run/p00000-r000000/../../../../etc/passwd")


@pytest.fixture(scope="module")
def catalog(explore_dirs: dict[str, Path]) -> Catalog:
    return open_catalog([str(explore_dirs[k]) for k in ("run", "mc", "compare", "sweep")])


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")}


def _text(component: Any) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json())


@pytest.mark.parametrize("make, expected", [
    (lambda tmp: str(tmp / "missing"), "no such folder"),
    (lambda tmp: str((tmp / "file.txt").write_text("x") and tmp / "file.txt"), "is a file"),
    (lambda tmp: str((tmp / "empty").mkdir() or tmp / "empty"), "neither a run folder"),
    (lambda tmp: f"{tmp}/missing:p00000-r000000", "no such folder"),
])
def test_a_bad_folder_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             make: Any, expected: str) -> None:
    assert main(["explore", make(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_unreadable_run_is_one_line(tmp_path: Path, explore_dirs: dict[str, Path],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(explore_dirs["run"], broken)
    (broken / "events.parquet").write_bytes(b"not parquet")
    assert main(["explore", str(broken)]) == 2
    assert "cannot be read" in capsys.readouterr().err
    if os.geteuid() != 0:  # root reads everything: only others can test permissions
        locked = tmp_path / "locked"
        locked.mkdir(mode=0)
        with pytest.raises(ConfigError, match="permission denied"):
            open_catalog([str(locked)])


def test_a_bad_or_busy_port_is_one_line(capsys: pytest.CaptureFixture[str],
                                       explore_dirs: dict[str, Path]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["explore", str(explore_dirs["run"]), "--port", "70000"])
    assert stop.value.code == 2 and "expected a port" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["explore", str(explore_dirs["run"]), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "cannot listen there" in err and err.count("\n") == 1


def test_addresses_reach_only_the_folders_given(catalog: Catalog) -> None:
    assert "run" in _text(route(catalog, "/")[0])
    assert "run-chart" in _text(route(catalog, "/run/r0")[0])
    assert "exp-fan" in _text(route(catalog, "/experiment/e0")[0])
    for path in TRAVERSALS:
        page, title = route(catalog, path)
        assert title == "not found", path
        assert "root:" not in _text(page)


def test_the_server_serves_no_file_outside(catalog: Catalog) -> None:
    client = make_app(catalog).server.test_client()
    for path in ("/assets/../../etc/passwd", "/assets/..%2F..%2Fetc%2Fpasswd",
                 "/_dash-component-suites/dash/../../../../etc/passwd",
                 "/_dash-component-suites/dash/..%2F..%2F..%2Fetc%2Fpasswd", "/etc/passwd",
                 "//etc/passwd", f"/{Path.cwd()}/pyproject.toml"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert b"root:" not in response.data and b"[project]" not in response.data
    for path in TRAVERSALS:
        out = _dispatch(client, ("page", "children"), [("url", "pathname", path)])
        assert "Not found" in json.dumps(out), path


def _dispatch(client: Any, output: tuple[str, str], inputs: list[tuple[str, str, Any]],
              state: Sequence[tuple[str, str, Any]] = ()) -> Any:
    """Call a callback over HTTP as the browser does; the value of its one output."""
    body = {"output": f"{output[0]}.{output[1]}",
            "outputs": {"id": output[0], "property": output[1]},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"][output[0]][output[1]]


def test_a_run_of_an_experiment_opens_without_writing(catalog: Catalog,
                                                      explore_dirs: dict[str, Path]) -> None:
    folder = explore_dirs["mc"]
    before = _tree(folder)
    page, title = route(catalog, "/experiment/e0/run/p00000-r000001")
    assert title.endswith(":p00000-r000001") and "run-timeline" in _text(page)
    given = open_catalog([f"{folder}:p00000-r000002"])  # EXP_DIR:RUN_ID on the command line
    assert given.runs["r0"].result.meta["seed"] == 2
    assert _tree(folder) == before and not (folder / "runs").exists()


def test_each_kind_gets_its_panels(catalog: Catalog) -> None:
    shown = {key: [type(p).__name__ for p in PANELS if p.applies(e)]
             for key, e in catalog.experiments.items()}
    assert shown["e0"] == ["FanPanel", "SummaryPanel"]
    assert shown["e1"] == ["FanPanel", "ComparisonPanel", "SummaryPanel"]
    assert shown["e2"] == ["FanPanel", "ParametersPanel", "SummaryPanel"]


def test_the_summary_is_sorted_and_paged_on_the_server(catalog: Catalog) -> None:
    client = make_app(catalog).server.test_client()
    column = "iren.cash_usd@end"
    request = {"startRow": 0, "endRow": 2, "sortModel": [{"colId": column, "sort": "desc"}]}
    response = _dispatch(client, ("exp-summary", "getRowsResponse"),
                         [("exp-summary", "getRowsRequest", request)],
                         [("exp-key", "data", "e0"), ("exp-summary-columns", "value", [column])])
    summary = pd.read_parquet(catalog.experiments["e0"].folder / "summary.parquet")
    best = summary.sort_values(column, ascending=False, kind="stable")["run_id"].tolist()
    assert [r["run_id"] for r in response["rowData"]] == best[:2]
    assert response["rowCount"] == 3 and column in response["rowData"][0]


def test_comparison_and_sweep_panels_answer(catalog: Catalog) -> None:
    client = make_app(catalog).server.test_client()
    table = catalog.experiments["e1"].tables["compare"]
    outcome = str(table["outcome"].iloc[0])
    figure = _dispatch(client, ("exp-differences", "figure"),
                       [("exp-key", "data", "e1"), ("exp-diff-outcome", "value", outcome)])
    paired = table[(table["outcome"] == outcome) & (table["diff_n"] > 0)]
    factor = figure["layout"]["meta"]["factor"]
    assert figure["data"][0]["x"] == pytest.approx((paired["diff_mean"] / factor).tolist())
    arms = _dispatch(client, ("exp-arms-chart", "figure"),
                     [("exp-key", "data", "e1"), ("exp-arms-company", "value", "iren"),
                      ("exp-arms-metric", "value", "cash_usd")])
    assert {t["name"] for t in arms["data"]} >= {"base median", "lease median"}
    swept = _dispatch(client, ("exp-param-chart", "figure"),
                      [("exp-key", "data", "e2"),
                       ("exp-param-outcome", "value", "iren.cash_usd@end")])
    assert swept["data"][0]["x"] == [1.1, 1.4]


def test_figures_of_analyses() -> None:
    frame = pd.DataFrame({"set.a": [1.0, 1.0, 2.0], "set.b": [5, 6, 7], "y_usd@end": [1e9, 2e9,
                                                                                       4e9]})
    figure = by_parameter_figure(frame, ["set.a", "set.b"], "y_usd@end")
    assert len(figure["data"]) == 4 and figure["layout"]["meta"]["factor"] == 1e9
    assert figure["data"][1]["y"] == [1.5, 4.0]  # medians per value of set.a
    sobol = pd.DataFrame({"outcome": "y", "parameter": ["a", "b"], "S1": [0.1, 0.6],
                          "S1_conf": 0.01, "ST": [0.2, 0.7], "ST_conf": 0.02})
    bars = indices_figure(sobol, "sobol", "y")["data"]
    assert [t["name"] for t in bars] == ["total (ST)", "first order (S1)"]
    assert bars[0]["y"] == ["a", "b"] and bars[0]["x"] == [0.2, 0.7]
    morris = pd.DataFrame({"outcome": "y", "parameter": ["a"], "mu_star": [3.0],
                           "mu_star_conf": 0.5, "mu": 1.0, "sigma": 1.0})
    assert indices_figure(morris, "morris", "y")["data"][0]["x"] == [3.0]


def test_a_run_that_cannot_be_made_again_is_a_message(catalog: Catalog,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import neocloud_abm.explore.catalog as module

    def fail(*_args: Any) -> None:
        raise RuntimeError("36.8 MW IT does not fit")  # as a failed run of a sweep raises

    monkeypatch.setattr(module, "read_experiment_run", fail)
    page, title = route(catalog, "/experiment/e2/run/p00001-r000000")
    assert title == "cannot open" and "RuntimeError: 36.8 MW IT does not fit" in _text(page)
