"""Audit of worlds/iren.toml against the fact sheet: every figure has a source, and every
source carries a fact-sheet status and (unless not found) a URL from the fact sheet."""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from abm.config import read_toml
from worlds.catalog import WORLDS_DIR
from worlds.describe import NO_SOURCE, Row, describe_world, is_figure

FACT_SHEETS = sorted((Path(__file__).resolve().parents[2] / "docs" / "calibration")
                     .glob("*_facts_2025-11.md"))
URL = re.compile(r"https?://[^\s;,)|]+")
# Fact-sheet status codes (C, C*, U, D, NF), their combinations, and MODEL.md for design
# choices the project's model brief makes (docs/MODEL.md: start date, horizon).
STATUS = re.compile(r"^(C/C\*|U/D|C\*|C|U|D|NF|MODEL\.md):")


def urls_of(text: str) -> list[str]:
    return [u.rstrip(".") for u in URL.findall(text)]


@pytest.fixture(scope="module")
def sheet_urls() -> set[str]:
    assert len(FACT_SHEETS) == 2  # IREN's sheet and the industry's, kept in the repository
    return {u for sheet in FACT_SHEETS for u in urls_of(sheet.read_text())}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return read_toml(WORLDS_DIR / "iren.toml")


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return describe_world("iren")


def source_entries(node: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) of every ``sources`` entry anywhere in the parsed file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, dict):
                for name, text in value.items():
                    yield f"{prefix}{name}", text
            else:
                yield from source_entries(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from source_entries(item, f"{prefix}{i}.")


def in_file(raw: dict[str, Any], key: str) -> bool:
    node: Any = raw
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def test_the_fact_sheet_has_its_urls(sheet_urls: set[str]) -> None:
    assert len(sheet_urls) > 50


def test_every_figure_in_the_world_file_has_a_source(rows: list[Row],
                                                     raw: dict[str, Any]) -> None:
    figures = [r for r in rows if in_file(raw, r.key) and is_figure(r.value)]
    assert len(figures) > 500  # numbers and dates written in the file
    missing = [f"{r.key} = {r.value}" for r in figures if r.source in (NO_SOURCE, "-")]
    assert not missing, f"{len(missing)} figures without a source: {missing[:20]}"


def test_every_source_has_a_status_and_a_fact_sheet_url(raw: dict[str, Any],
                                                        sheet_urls: set[str]) -> None:
    entries = list(source_entries(raw))
    assert len(entries) > 500
    no_status = [k for k, text in entries if not STATUS.match(text)]
    assert not no_status, f"sources without a status code (C, C*, U, D, NF): {no_status}"
    no_url = [k for k, text in entries
              if STATUS.match(text).group(1) not in ("NF", "MODEL.md")  # type: ignore[union-attr]
              and not set(urls_of(text)) & sheet_urls]
    assert not no_url, f"confirmed or derived figures citing no fact-sheet URL: {no_url}"
    foreign = [(k, u) for k, text in entries for u in urls_of(text) if u not in sheet_urls]
    assert not foreign, f"URLs that are not in the fact sheet: {foreign}"


def test_not_found_in_the_sheet_is_not_found_in_the_world(rows: list[Row]) -> None:
    by_key = {r.key: r for r in rows}
    for key in ("neoclouds.iren.pue",                        # PUE: NF in the sheet, section 2
                "neoclouds.iren.fleet.1.online_date",       # delivery of the Aug 2025 order: NF
                "neoclouds.iren.atm_max_usd_per_month"):     # usage of the $1.0B ATM: NF, s. 4
        assert by_key[key].source.startswith("NF:"), key
    assert "no overbuild before 2029" in by_key["demand.stay_boom_monthly"].source


def test_code_defaults_say_so_with_their_description(rows: list[Row],
                                                     raw: dict[str, Any]) -> None:
    defaulted = [r for r in rows if not in_file(raw, r.key)]
    assert defaulted
    for r in defaulted:
        if is_figure(r.value) and not r.source.startswith(("default (NF)", "NF")):
            pytest.fail(f"{r.key} took a code default but its source says {r.source!r}")
    by_key = {r.key: r for r in rows}
    assert by_key["neoclouds.iren.building_debt_share"].source == (
        "default (NF): share of hall capex borrowed (project loans)")


def test_dates_in_the_world_are_dates(rows: list[Row]) -> None:
    by_key = {r.key: r for r in rows}
    assert by_key["world.start_date"].value == dt.date(2025, 11, 6)
    assert by_key["world.start_date"].unit == "date"
