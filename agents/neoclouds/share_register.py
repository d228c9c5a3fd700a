"""The share register: the only way a company's share count changes, each change logged.

Every issuance (an ATM sale, a private round, a conversion net of capped-call offsets) and
every buyback goes through :meth:`ShareRegister.issue`, which logs the event with its
``shares_issued`` (negative for a buyback). Summing that column over a company's events
replays its share count: the test of the rule that shares change only by logged events.
"""

from __future__ import annotations

from abm.agent import Agent
from abm.events import Scalar


class ShareRegister:
    """Basic shares outstanding of one company, changed only by logged issuance."""

    def __init__(self, owner: Agent, shares: float) -> None:
        if shares <= 0:
            raise ValueError(f"{owner.name}: shares outstanding must be positive, got {shares}")
        self._owner = owner
        self._shares = float(shares)

    @property
    def outstanding(self) -> float:
        """Basic shares outstanding now."""
        return self._shares

    def issue(self, shares: float, kind: str, cause: int | None, **data: Scalar) -> int:
        """Add ``shares`` (negative: retire them) and log ``kind`` with the change."""
        if not self._shares + shares > 0:
            raise ValueError(f"{self._owner.name}: cannot retire {-shares:,.0f} of "
                             f"{self._shares:,.0f} shares")
        self._shares += shares
        return self._owner.log_dict(kind, cause, {"shares_issued": shares,
                                                  "shares_outstanding": self._shares, **data})
