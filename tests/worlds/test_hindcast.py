"""Audit of the hindcast world (worlds/hindcast_2025_07.toml, an overlay on iren.toml): it
holds nothing dated after its start, every figure has a source from the fact sheets, and
it runs.

A source of the merged world (the overlay's own or one it inherits) fails when it cites a
document published after the start (a date in its URL, the date column of the industry
sheet, or the list below for the IREN sheet, whose rows carry no dates), or names a month
after the start, unless it says the fact came "after the start" (to explain a default).
A few documents published later report figures dated before the start; they are allowed
for those figures only (``LATER_REPORTS_OF_EARLIER_FIGURES``).
"""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from abm.config import read_toml
from worlds.catalog import WORLDS_DIR, load_world, read_world
from worlds.describe import NO_SOURCE, describe_world, is_figure

WORLD = "hindcast_2025_07"
START = dt.date(2025, 7, 1)
SHEETS = Path(__file__).resolve().parents[2] / "docs" / "calibration"
URL = re.compile(r"https?://[^\s;,)|]+")
STATUS = re.compile(r"^(C/C\*|U/D|C\*|C|U|D|NF|MODEL\.md):")
LATER_MONTHS = re.compile(r"\b(Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* 2025|\b2025-(0[7-9]|1[0-2])\b|"
                          r"\bFY26\b|\bQ[34] 2025\b|\b\d{1,2} (Jul|Aug|Sep|Oct|Nov)\b|late 2025")
URL_DATE = re.compile(r"/2025/(0[7-9]|1[0-2])/|2025-(0[7-9]|1[0-2])|/25/(0[7-9]|1[0-2])/|"
                      r"-25(0[7-9]|1[0-2])$|^https?://trading\.hk/.*/2511")
# Documents of the IREN sheet published after 2025-07-01 (its rows carry no dates).
IREN_SHEET_LATER = (
    "dcpulse.com/news/microsoft-iren", "ts2.tech/en/iren-stock-today-sept-26",
    "stocktitan.net/sec-filings/IREN/8-k", "reportify.ai/transcripts/1184202023277563904",
    "cdn1.emegypt.net/136545", "earningsanalysis.com/channel/sam-badawi",
    "bizandtech.net/microsoft", "discussion.fool.com/t/iren-secures",
    "getappnet.com/news/microsoft", "www.itiger.com/news/1116158007",
    "wallstreet-online.de/nachricht/20013357", "secwatch.observer/filing/0001140361-25-038083",
    "news.anyfans.com", "windowsnews.ai", "tomshardware.com", "capitalaidaily.com",
    "research.aardvarklabs.co", "straitstimes.com", "hashrateindex.com/blog/hashrate-index-"
    "roundup-november", "latitudemedia.com", "azzet.com/news/coreweave", "coincodex.com/article"
    "/73739", "mexc.fm/ms-MY/news/cipher", "particle.news/story/terawulf",
    "stocktitan.net/news/WULF", "bitxjournal.com", "theoutpost.ai/news-story/core-scientific",
    "bitgetapp.com/amp/news/detail/12560605039346", "ts2.tech/?p=20431944",
    "utahbusinesspress.com/article/847111062", "sec.gov/Archives/edgar/data/1878848/"
    "000114036125033216", "github.com/aryeko/TradingAgents", "btcpizza.com",
)
# Later documents the hindcast may cite, for figures dated before the start only.
LATER_REPORTS_OF_EARLIER_FIGURES = (
    "github.com/aryeko/TradingAgents",  # daily closes to 23 Sep 2025: 30 Jun close, H1 vol
    "ts2.tech/?p=20431944",  # FY25 results: 50 EH/s installed at 30 Jun 2025
    "utahbusinesspress.com/article/847111062",  # 1,896 GPUs in Sep 2024
    "sec.gov/Archives/edgar/data/1878848/000114036125033216",  # ATM sales by Mar 2024
)


def urls_of(text: str) -> list[str]:
    return [u.rstrip(".") for u in URL.findall(text)]


def _industry_later() -> set[str]:
    """URLs of the industry sheet whose every row dates them after the start."""
    first: dict[str, dt.date] = {}
    for line in (SHEETS / "industry_facts_2025-11.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 6:
            continue
        dates = re.findall(r"\b(20\d\d)-(0[1-9]|1[0-2])(?:-(\d\d))?\b", cells[3])
        days = [dt.date(int(y), int(m), int(d or 1)) for y, m, d in dates]
        urls = urls_of(cells[4])
        if len(days) == len(urls) > 1:  # one date per document, in order
            dated = list(zip(urls, days, strict=True))
        else:
            dated = [(u, max(days)) for u in urls] if days else []
        for url, day in dated:
            first[url] = min(day, first.get(url, day))
    return {url for url, day in first.items() if day > START}


@pytest.fixture(scope="module")
def sheet_urls() -> set[str]:
    return {u for sheet in SHEETS.glob("*_facts_2025-11.md") for u in urls_of(sheet.read_text())}


def published_later(url: str, industry_later: set[str]) -> bool:
    return (bool(URL_DATE.search(url)) or url in industry_later
            or any(part in url for part in IREN_SHEET_LATER))


def sources(node: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) of every ``sources`` entry in parsed tables."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, dict):
                yield from ((f"{prefix}{k}", str(t)) for k, t in value.items())
            else:
                yield from sources(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from sources(item, f"{prefix}{i}.")


def test_the_hindcast_starts_earlier_and_extends_the_base_world() -> None:
    spec, path = load_world(WORLD)
    assert path == WORLDS_DIR / f"{WORLD}.toml" and spec.world.start_date == START
    assert read_world(WORLD)[1] == [path, WORLDS_DIR / "iren.toml"]
    assert all(k.signed_date <= START for k in spec.contracts.values()), "a deal from the future"
    assert "iren_microsoft" not in spec.contracts
    assert [n.name for n in spec.neoclouds["iren"].convertibles] == ["conv_2029", "conv_2030"]
    for name, utility in spec.utilities.items():
        assert all(i.site in spec.neoclouds[i.company].sites for i in utility.interconnects), name


def test_the_overlay_cites_the_fact_sheets_with_a_status(sheet_urls: set[str]) -> None:
    own = list(sources(read_toml(WORLDS_DIR / f"{WORLD}.toml")))
    assert len(own) > 40
    assert not [k for k, text in own if not STATUS.match(text)], "sources without a status"
    no_url = [k for k, text in own if STATUS.match(text).group(1)  # type: ignore[union-attr]
              not in ("NF", "MODEL.md") and not set(urls_of(text)) & sheet_urls]
    assert not no_url, f"confirmed or derived figures citing no fact-sheet URL: {no_url}"
    foreign = [(k, u) for k, text in own for u in urls_of(text) if u not in sheet_urls]
    assert not foreign, f"URLs that are not in the fact sheets: {foreign}"


def test_no_source_of_the_hindcast_is_dated_after_its_start() -> None:
    industry_later = _industry_later()
    assert len(industry_later) > 20  # the date column is read
    merged = read_world(WORLD)[0]
    late = []
    for key, text in sources(merged):
        words = re.sub(r"\b1 Jul 2025\b|\b2025-07-01\b", "", URL.sub("", text))  # the start
        found = LATER_MONTHS.search(words)
        if found and "after the start" not in text:
            late.append((key, found.group(0)))
        for url in urls_of(text):
            allowed = any(part in url for part in LATER_REPORTS_OF_EARLIER_FIGURES)
            if published_later(url, industry_later) and not allowed:
                late.append((key, url))
    assert not late, f"{len(late)} sources dated after {START}: {late}"


def test_every_figure_of_the_hindcast_has_a_source() -> None:
    rows = describe_world(WORLD)
    merged = read_world(WORLD)[0]

    def in_file(key: str) -> bool:
        node: Any = merged
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else (
                node[int(part)] if isinstance(node, list) and part.isdigit() else None)
        return node is not None

    missing = [r.key for r in rows if in_file(r.key) and is_figure(r.value)
               and r.source in (NO_SOURCE, "-")]
    assert not missing, f"figures without a source: {missing[:20]}"


def test_the_observations_come_after_the_start_from_the_fact_sheets(
        sheet_urls: set[str]) -> None:
    rows = read_toml(WORLDS_DIR / "observations" / f"{WORLD}.toml")["observation"]
    assert len(rows) >= 30
    for row in rows:
        day = row.get("date") or row["to"]
        assert START < day <= dt.date(2025, 11, 30), row["label"]
        assert STATUS.match(row["source"]), row["label"]
        cited = urls_of(row["source"]) + urls_of(row.get("note", ""))
        assert cited and set(cited) <= sheet_urls, row["label"]
