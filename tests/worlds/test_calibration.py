"""Calibration: the model's state and outputs against figures typed from the fact sheet.

Each expected figure below is copied from docs/calibration/iren_facts_2025-11.md
(section and row in the comment), not read from the world file, so a wrong world or a
wrong model fails here. If one fails, fix the world (or the model), not the figure.
"""

import datetime as dt

import pytest

from abm.model import Model
from abm.result import RunResult
from agents.bitcoin.network import Bitcoin
from agents.neoclouds.neocloud import Neocloud
from worlds.build import build_model
from worlds.catalog import load_world

UNTIL_RAMP = dt.date(2027, 6, 30)  # the fourth Horizon tranche is due by Dec 2026


@pytest.fixture(scope="module")
def t0() -> Neocloud:
    """IREN as built on the start date, before anything runs."""
    spec, _ = load_world("iren")
    return build_model(spec, 0, spec.world.until).agent("iren", Neocloud)


@pytest.fixture(scope="module")
def ramped() -> Model:
    """The base world at seed 0 run to mid-2027, its agents kept for inspection."""
    spec, _ = load_world("iren")
    model = build_model(spec, 0, UNTIL_RAMP, log_events=False)
    model.run(UNTIL_RAMP)
    return model


def test_start_date() -> None:
    spec, _ = load_world("iren")
    assert spec.world.start_date == dt.date(2025, 11, 6)  # MODEL.md: Q1 FY26 results


def test_power_by_site_at_t0(t0: Neocloud) -> None:
    secured = {name: s.secured_mw for name, s in t0.sites.items()}
    energized = {name: s.energized_mw for name, s in t0.sites.items()}
    # s.2 "Childress, TX | 750 MW (energized)"
    assert (secured["childress"], energized["childress"]) == (750, 750)
    # s.2 "Sweetwater 1, TX | 1,400 MW; energization target April 2026"
    assert (secured["sweetwater_1"], energized["sweetwater_1"]) == (1_400, 0)
    # s.2 "Sweetwater 2, TX | 600 MW; energization target late 2027"
    assert (secured["sweetwater_2"], energized["sweetwater_2"]) == (600, 0)
    # s.2 "British Columbia | 160 MW: Prince George 50, Mackenzie 80, Canal Flats 30"
    for site, mw in (("prince_george", 50), ("mackenzie", 80), ("canal_flats", 30)):
        assert secured[site] == energized[site] == mw
    # s.2 "Secured grid-connected power | ~2,910 MW; 810 MW operating". The 810 conflicts
    # with the sheet's own site rows (750 + 160 = 910); the world follows the site rows.
    assert sum(secured.values()) == 2_910
    assert sum(energized.values()) == 910


def test_fleet_and_money_at_t0(t0: Neocloud) -> None:
    installed = sum(s.mining_ehs for s in t0.sites.values())
    assert installed == pytest.approx(50.0, rel=1e-3)  # s.5 "50 EH/s installed"
    # s.5 "operating 45.4 (Jul) and 44.0 EH/s (Aug 2025)"
    assert t0.hashrate_ehs == pytest.approx(44.7, abs=0.7)
    # s.3 "10.9k ... (Aug 2025) -> 23k after a $674M purchase": the order arrives later
    assert t0.gpus == pytest.approx(10_900, rel=0.01)
    assert sum(b.gpus for b in t0.batches) == pytest.approx(23_000, rel=0.02)
    assert t0.cash_usd == pytest.approx(1.8e9, rel=0.01)  # s.4 "~$1.8B at 31 Oct 2025"
    assert t0.shares_outstanding == pytest.approx(272e6, rel=0.01)  # s.4 "~272M (Sep 2025)"
    mining_mw = sum(s.mining_load_mw for s in t0.sites.values())
    assert mining_mw == pytest.approx(750, rel=0.01)  # s.5 "50 EH/s x 15 J/TH = 750 MW (D)"


def test_the_three_notes_at_t0(t0: Neocloud) -> None:
    notes = {round(n.principal_usd / 1e6): n for n in t0.notes}
    assert sorted(notes) == [440, 550, 1000]
    clock = t0.model.clock
    # s.4 "Convertible 2029 | $550M, 3.50%, due 15 Dec 2029; conversion $13.64"
    n29 = notes[550]
    assert (n29.coupon_rate, n29.conversion_price_usd) == (0.035, 13.64)
    assert clock.date_of(n29.t_maturity_days) == dt.date(2029, 12, 15)
    # s.4 "Convertible 2030 | $440M, 3.25%, due 2030; conversion $16.81" (day not given)
    n30 = notes[440]
    assert (n30.coupon_rate, n30.conversion_price_usd) == (0.0325, 16.81)
    assert clock.date_of(n30.t_maturity_days).year == 2030
    # s.4 "Convertible 2031 | $1.0B, 0%, due 1 Jul 2031; conversion ~$85.63; cap $120.18"
    n31 = notes[1000]
    assert (n31.coupon_rate, n31.conversion_price_usd, n31.cap_price_usd) == (0.0, 85.63, 120.18)
    assert clock.date_of(n31.t_maturity_days) == dt.date(2031, 7, 1)


def test_microsoft_contract_at_full_ramp(ramped: Model) -> None:
    iren = ramped.agent("iren", Neocloud)
    [microsoft] = [k for k in iren.contracts if k.id == "iren_microsoft"]
    online = [t.t_online_days for t in microsoft.tranches]
    assert None not in online, f"the four Horizon tranches are not all in service by {UNTIL_RAMP}"
    full = max(t for t in online if t is not None)
    month_end = next(d for d in ramped.clock.month_ends(UNTIL_RAMP)
                     if ramped.clock.t_month_end(d) > full)
    t_month_end = ramped.clock.t_month_end(month_end) - 1e-6
    in_service = [t for t in microsoft.tranches
                  if t.t_online_days is not None and t.t_online_days <= t_month_end]
    # s.1 "ARR at full ramp | ~$1.94B per year"
    assert microsoft.run_rate_arr_usd(t_month_end) == pytest.approx(1.94e9, rel=0.01)
    # s.1 "Site | 200 MW critical IT across Horizon 1-4"
    assert sum(t.it_mw for t in in_service) == pytest.approx(200, rel=0.01)
    # s.1 "GPUs | NVIDIA GB300 (NVL72 racks), ~76,000 GPUs"; their IT draw fits the 200 MW
    gpus = sum(t.gpus for t in in_service)
    assert gpus == pytest.approx(76_000, rel=0.01)
    kw = iren.vendor.generations["gb300"].kw_it_per_gpu
    assert gpus * kw / 1000 == pytest.approx(200, rel=0.01)


def test_140k_gpus_use_about_16_percent_of_secured_power(t0: Neocloud) -> None:
    # s.2 "AI targets vs power | 140k GPUs use ~16% of secured power"
    kw_it = t0.vendor.generations["gb300"].kw_it_per_gpu
    pue = t0.spec.pue
    secured = sum(s.secured_mw for s in t0.sites.values())
    share = 140_000 * kw_it * pue / 1000 / secured
    # Tolerance 1.5 points: the sheet's "~16%" is rounded; its denominator is "~2,910 MW,
    # often 3 GW" (14.7% on 3 GW); and the PUE is NF (1.18, Applied Digital's design, gives
    # 14.9%; 1.3 gives 16.5%). A GB300 IT draw or PUE off by a third would fall outside.
    assert share == pytest.approx(0.16, abs=0.015)


def test_hashprice_at_t0() -> None:
    spec, _ = load_world("iren")
    btc = build_model(spec, 0, spec.world.until).agent("btc", Bitcoin)
    # s.5 "Hashprice | ... $43.33 (3 Nov 2025)"
    assert btc.hashprice_usd_per_ph_day(0.0) == pytest.approx(43.33, rel=0.05)


def test_electricity_cost_per_btc_in_the_first_month(base_run: RunResult) -> None:
    path, ledger = base_run.path, base_run.ledger
    first = path.iloc[0]
    power_usd = -ledger[(ledger["company"] == "iren") & (ledger["month"] == 0)
                        & (ledger["account"] == "opex.power")]["amount_usd"].sum()
    # The month's power bill covers ASICs and GPUs; the loads were flat all month.
    mining_share = first["iren.mining_load_mw"] * 0.89 / (first["iren.mining_load_mw"] * 0.89
                                                          + first["iren.ai_load_mw"])
    per_btc = power_usd * mining_share / first["iren.btc_mined"]
    # s.2 "Power cost | FY25 net electricity cost 3.8 c/kWh" is the world's fixed price,
    # paid for the ASICs running (s.5: 44-45 of 50 EH/s operate) and the GPUs; half of
    # the Texas load pays ERCOT's price (a November with no spikes: near its $35 level)
    uptime = 0.89
    running_mw = first["iren.mining_load_mw"] * uptime + first["iren.ai_load_mw"]
    paid_usd_per_mwh = power_usd / (24 * 25 * running_mw)
    assert paid_usd_per_mwh == pytest.approx(38.0, rel=0.1)
    assert first["oncor_power.spike_hours"] == 0.0
    # s.5 "Electricity cost per BTC | ... $38.8k (Aug 2025)"; the issue asks within 15%.
    # That August paid about the FY25 average of 3.8 c/kWh; the model's November pays
    # ERCOT's price on part of its load, so the figure is compared at the same price.
    assert per_btc * 38.0 / paid_usd_per_mwh == pytest.approx(38_800, rel=0.15)
