"""A corpus of broken world and scenario files and command lines: each one gets exit status 2
and one clear line naming the file (or option), the key and what was expected."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm.config import ConfigError
from worlds.catalog import WORLDS_DIR, load_world

BASE = (WORLDS_DIR / "iren.toml").read_text()


def mutate(old: str, new: str) -> str:
    assert BASE.count(old) >= 1, old
    return BASE.replace(old, new, 1)


# (name, file text, key expected in the message, expectation expected in the message)
WORLD_CORPUS = [
    ("unknown_section", BASE + "\n[nonsense]\nx = 1\n", "nonsense", "unknown key"),
    ("unknown_key_deep", mutate("pue = 1.2\n", "pue = 1.2\npeu = 1.3\n"),
     "neoclouds.iren.peu", "unknown key"),
    ("bool_for_number", mutate("cash_usd = 1.8e9", "cash_usd = true"),
     "neoclouds.iren.cash_usd", "number"),
    ("unit_in_string", mutate("price_usd = 106_900.0", 'price_usd = "106900 USD"'),
     "bitcoin.price_usd", "number"),
    ("table_for_value", mutate("pue = 1.2\n", "pue = { value = 1.2 }\n"),
     "neoclouds.iren.pue", "number"),
    ("list_for_table", mutate("[neoclouds.iren.costs]\n", "[[neoclouds.iren.costs]]\n"),
     "neoclouds.iren.costs", "table"),
    ("negative_tranche_mw", mutate("it_mw = 50.0\ngpus = 19_000", "it_mw = -50.0\ngpus = 19_000"),
     "contracts.iren_microsoft.tranches.0.it_mw", "in [0.1, 10000] (its declared range)"),
    ("negative_price", mutate("price_usd_per_gpu = 76_000.0", "price_usd_per_gpu = -1.0"),
     "gpu_market.generations.gb300.price_usd_per_gpu", "in [1000, 1e+06]"),
    ("share_above_one", mutate("prepayment_share = 0.20\nprepayment_credit",
                               "prepayment_share = 1.5\nprepayment_credit"),
     "contracts.iren_microsoft.prepayment_share", "in [0, 1] (its declared range), got 1.5"),
    ("missing_required", mutate('display_name = "IREN"\n', ""),
     "neoclouds.iren.display_name", "required"),
    ("bad_enum", mutate('business_model = "integrated_cloud"\ncredit_rating = "B"',
                        'business_model = "cloud"\ncredit_rating = "B"'),
     "neoclouds.iren.business_model", "one of"),
    ("bad_date_text", mutate("target_date = 2026-04-01", 'target_date = "April 2026"'),
     "utilities.oncor.interconnects.0.target_date", "date"),
    ("until_before_start", mutate("until = 2030-12-31", "until = 2025-01-01"),
     "world", "must come after"),
    ("contract_missing_provider", mutate('provider = "iren"', 'provider = "irn"'),
     "contracts.iren_microsoft.provider", "irn"),
    ("contract_missing_customer", mutate('customer = "microsoft"', 'customer = "msft"'),
     "contracts.iren_microsoft.customer", "msft"),
    ("unknown_generation", mutate('gpu_generation = "gb300"', 'gpu_generation = "gb900"'),
     "contracts.iren_microsoft.gpu_generation", "gb900"),
    ("site_missing_utility", mutate('utility = "bc_hydro"', 'utility = "bchydro"'),
     "utility", "bchydro"),
    ("site_over_grid_connection", mutate("secured_mw = 750.0", "secured_mw = 900.0"),
     "neoclouds.iren.sites.childress.secured_mw", "grid connection"),
    ("energized_over_secured", mutate("energized_mw = 750.0", "energized_mw = 800.0"),
     "neoclouds.iren.sites.childress", "exceeds secured"),
    ("interconnect_over_site", mutate("mw = 1_400.0\ntarget_date", "mw = 4_400.0\ntarget_date"),
     "utilities.oncor.interconnects.0.mw", "at most"),
    ("nan", mutate("price_vol_annual = 0.50", "price_vol_annual = nan"),
     "bitcoin.price_vol_annual", "finite"),
    ("minus_inf", mutate("cash_usd = 1.8e9", "cash_usd = -inf"),
     "neoclouds.iren.cash_usd", "finite"),
    ("reserved_agent_name", BASE.replace("[customers.microsoft]", "[customers.btc]\n"
                                         'display_name = "x"\ncredit_rating = "AAA"\n\n'
                                         "[customers.microsoft]", 1),
     "btc", "unique"),
    ("tenant_site_unknown", mutate('tenant_site = "leased_us"', 'tenant_site = "leased_eu"'),
     "contracts.adc_coreweave.tenant_site", "leased_eu"),
    ("power_market_agent_name", BASE.replace(
        "[customers.microsoft]", "[customers.oncor_power]\n"
        'display_name = "x"\ncredit_rating = "AAA"\n\n[customers.microsoft]', 1),
     "oncor_power", "unique"),
    ("tender_range_inverted", mutate("tender_mw_min = 100.0\ntender_mw_max = 400.0",
                                     "tender_mw_min = 500.0\ntender_mw_max = 400.0"),
     "customers.microsoft", "tender_mw_max"),
    ("duplicate_key", mutate("pue = 1.2\n", "pue = 1.2\npue = 1.3\n"), "", "invalid TOML"),
    ("truncated", BASE[: len(BASE) // 3] + "\n[world", "", "invalid TOML"),
    ("empty", "", "", "empty"),
    ("whitespace_only", "\n\n   \n", "", "empty"),
]


@pytest.mark.parametrize("case", WORLD_CORPUS, ids=[c[0] for c in WORLD_CORPUS])
def test_world_corpus(case: tuple[str, str, str, str], tmp_path: Path) -> None:
    name, text, key, expected = case
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_world(str(path))
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert key in message and expected in message, message
    assert "\n" not in message


def test_binary_large_missing_and_directory_inputs(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.write(b"# padding\n" * (5 * 1024 * 1024))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(BASE.encode()[:500] + b"\x80\x81\xfe")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    cases = [(big, "at most"), (binary, "UTF-8"), (folder, "directory"),
             (tmp_path / "nope.toml", "not found")]
    assert big.stat().st_size >= 50 * 1024 * 1024
    for path, expected in cases:
        with pytest.raises(ConfigError) as info:
            load_world(str(path))
        assert str(info.value).startswith(str(path)) and expected in str(info.value)


SCENARIO_CORPUS = [
    ("no_header", "[bitcoin]\nprice_usd = 1.0\n", "scenario.description"),
    ("header_extra", '[scenario]\ndescription = "x"\nauthor = "me"\n', "scenario.author"),
    ("bad_value", '[scenario]\ndescription = "x"\n[bitcoin]\nprice_usd = -5.0\n',
     "bitcoin.price_usd"),
    ("unknown_key", '[scenario]\ndescription = "x"\n[bitcoin]\nprize_usd = 5.0\n',
     "bitcoin.prize_usd"),
]


@pytest.mark.parametrize("case", SCENARIO_CORPUS, ids=[c[0] for c in SCENARIO_CORPUS])
def test_scenario_corpus_names_the_scenario_file(case: tuple[str, str, str],
                                                 tmp_path: Path) -> None:
    name, text, key = case
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_world("iren", scenarios=[str(path)])
    assert str(info.value).startswith(str(path)) and key in str(info.value)


def abm(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "neocloud_abm.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


CLI_CORPUS = [
    ["run", "--set", "iren.sites.childress.secured_mw=900"],
    ["run", "--set", "contracts.iren_microsoft.tranches.9.it_mw=1"],
    ["run", "--set", "iren.cash_usd=1e999"],
    ["run", "--set", "iren.cash_usd=nan"],
    ["run", "--set", "=1"],
    ["run", "--set", "world..until=2027-01-01"],
    ["run", "--until", "soon"],
    ["run", "--scenario", "no_such_scenario"],
    ["run", "--seed", "1.5"],
    ["run", "--bogus-flag"],
    ["nosuchcommand"],
    ["run", "a", "b"],
]


@pytest.mark.parametrize("args", CLI_CORPUS, ids=[" ".join(a) for a in CLI_CORPUS])
def test_cli_corpus_exits_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    proc = abm(*args, "--out", str(tmp_path / "o")) if args[0] == "run" else abm(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()
