"""Typed parameters of the Bitcoin network and price (the world's ``[bitcoin]``)."""

from __future__ import annotations

from pydantic import Field

from agents.section import Section


class BitcoinSpec(Section):
    """The Bitcoin network and price at the start, and how they move."""

    price_usd: float = Field(gt=0)
    price_vol_annual: float = Field(gt=0, le=5)
    price_tail_df: float = Field(gt=2, description="Student-t degrees of freedom of daily returns")
    price_drift_annual: float = 0.0
    network_hashrate_ehs: float = Field(gt=0)
    hashrate_growth_annual: float = Field(ge=-0.9, le=5)
    hashrate_vol_annual: float = Field(ge=0, le=2)
    block_height: int = Field(gt=0)
    blocks_per_day: float = Field(gt=0)
    subsidy_btc: float = Field(gt=0)
    halving_interval_blocks: int = Field(gt=0)
    fees_share_of_subsidy: float = Field(ge=0, le=5)
