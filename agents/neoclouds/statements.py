"""A company's monthly statement: the flows of one month, closed at month end.

Revenue and opex are accrued (a contract's fee as it is earned, a prepayment credited
back as revenue); EBIT is EBITDA less depreciation (GPUs and halls); net income is EBIT
less interest and income tax. Cash from operations and capex are the ledger's, by kind
of account (:meth:`abm.finance.ledger.Ledger.month_flows`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class MonthFlows:
    """Flows of one month in USD (and BTC mined); reset at each close."""

    revenue_ai_usd: float = 0.0
    revenue_mining_usd: float = 0.0
    opex_power_usd: float = 0.0
    """Net of curtailment credits."""
    power_credits_usd: float = 0.0
    """Fixed-price power sold back in price spikes (within ``opex_power_usd``)."""
    opex_other_usd: float = 0.0
    depreciation_usd: float = 0.0
    interest_usd: float = 0.0
    tax_usd: float = 0.0
    btc_mined: float = 0.0

    @property
    def revenue_usd(self) -> float:
        """All revenue."""
        return self.revenue_ai_usd + self.revenue_mining_usd

    @property
    def opex_usd(self) -> float:
        """All operating cost (cash)."""
        return self.opex_power_usd + self.opex_other_usd

    @property
    def ebitda_usd(self) -> float:
        """Revenue less operating cost."""
        return self.revenue_usd - self.opex_usd

    @property
    def ebit_usd(self) -> float:
        """EBITDA less depreciation."""
        return self.ebitda_usd - self.depreciation_usd

    @property
    def pretax_usd(self) -> float:
        """EBIT less interest."""
        return self.ebit_usd - self.interest_usd

    @property
    def net_income_usd(self) -> float:
        """EBIT less interest and income tax."""
        return self.pretax_usd - self.tax_usd

    def reset(self) -> None:
        """Zero every flow for the next month."""
        self.revenue_ai_usd = self.revenue_mining_usd = 0.0
        self.opex_power_usd = self.opex_other_usd = self.power_credits_usd = 0.0
        self.depreciation_usd = self.interest_usd = self.tax_usd = 0.0
        self.btc_mined = 0.0
