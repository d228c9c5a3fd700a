"""Equity markets (first cut): one share-price path per listed company.

Each company's price is a daily path drawn up front from its own named stream (lognormal,
Student-t shocks at the company's volatility), so adding a company changes no one else's
prices. Fundamentals, a shared sentiment regime and news jumps arrive with the capital
markets work; this is the honest minimum the financing rule needs.
"""

from __future__ import annotations

from abm.agent import Agent
from abm.model import Model
from abm.paths import DailyPath, lognormal_level, student_t_log_returns

TAIL_DF = 4.0


class Markets(Agent):
    """Prices listed companies' shares."""

    def __init__(self, model: Model, horizon_days: int, name: str = "markets") -> None:
        super().__init__(model, name)
        self.horizon_days = horizon_days
        self._paths: dict[str, DailyPath] = {}

    def list_company(self, company: str, price_usd: float, vol_annual: float) -> None:
        """Start quoting ``company`` at ``price_usd`` with annual volatility ``vol_annual``."""
        rng = self.stream(f"equity.{company}")
        returns = student_t_log_returns(rng, self.horizon_days + 1, vol_annual, 0.0, TAIL_DF)
        self._paths[company] = DailyPath(lognormal_level(price_usd, returns))

    def share_price_usd(self, company: str, t_days: float) -> float:
        """The company's share price on the day containing ``t_days``."""
        return self._paths[company].at(t_days)
