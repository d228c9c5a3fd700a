"""Typed parameters of the Bitcoin network and price (the world's ``[bitcoin]``)."""

from __future__ import annotations

from pydantic import Field

from agents.section import Section


class FleetSpec(Section):
    """The world's mining fleet: its power costs, how it switches off, leaves and grows."""

    fleet_j_per_th: float = Field(ge=5, le=100,
                                  description="median efficiency of the installed fleet")
    power_usd_per_mwh: float = Field(ge=5, le=300, description="median power price miners pay")
    fleet_cost_dispersion: float = Field(ge=0.01, le=2, description="log spread of power costs")
    new_machine_j_per_th: float = Field(ge=3, le=60)
    new_machine_usd_per_th: float = Field(ge=0, le=200)
    new_cost_dispersion: float = Field(ge=0.01, le=2)
    machine_life_years: float = Field(ge=0.5, le=10)
    efficiency_gain_annual: float = Field(ge=0, le=1,
                                          description="yearly fall in a new machine's costs")
    entry_per_margin_annual: float = Field(ge=0, le=20,
                                           description="growth a year per unit of log margin")
    entry_lag_days: float = Field(ge=0, le=1000)
    online_up_per_epoch: float = Field(ge=0.01, le=1)
    online_down_per_epoch: float = Field(ge=0.01, le=1)
    idle_exit_annual: float = Field(ge=0, le=20)


class BitcoinSpec(Section):
    """The Bitcoin network and price at the start, and how they move."""

    price_usd: float = Field(ge=1000, le=10_000_000)
    price_vol_annual: float = Field(ge=0, le=5)
    price_tail_df: float = Field(ge=2.5, le=1000,
                                 description="Student-t degrees of freedom of daily returns")
    price_drift_annual: float = Field(default=0.0, ge=-1, le=1)
    network_hashrate_ehs: float = Field(ge=10, le=100_000)
    hashrate_vol_annual: float = Field(ge=0, le=2, description="noise on installed hashrate")
    block_height: int = Field(ge=630_000, le=2_000_000)
    blocks_per_day: float = Field(ge=100, le=200)
    subsidy_btc: float = Field(ge=0.01, le=50)
    halving_interval_blocks: int = Field(ge=105_000, le=420_000)
    fees_share_of_subsidy: float = Field(ge=0, le=5)
    fleet: FleetSpec
