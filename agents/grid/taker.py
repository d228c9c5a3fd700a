"""What a utility needs from the companies on its grid: to take power and to shed load.

:class:`PowerTaker` is the base of every company that holds sites (a neocloud or miner): a
utility energizes its sites, the power pipeline hands it acquired ones and asks what it
would pay for a site on the market, and grid emergencies order it to shed load.
"""

from __future__ import annotations

from mypy_extensions import mypyc_attr

from abm.agent import Agent
from agents.grid.candidate import Candidate


@mypyc_attr(allow_interpreted_subclasses=True)  # tests subclass it
class PowerTaker(Agent):
    """A company a utility connects: it takes power and can be ordered to shed load."""

    def receive_power(self, site: str, mw: float, cause: int) -> None:
        """Take ``mw`` of newly energized power at ``site``."""
        raise NotImplementedError

    def add_site(self, site: str, utility: str, secured_mw: float, cause: int) -> None:
        """Secure ``secured_mw`` more at ``site`` on ``utility``, creating the site if new."""
        raise NotImplementedError

    def curtail(self, site: str, mw: float, hours: float, cause: int) -> tuple[float, float]:
        """Shed up to ``mw`` at ``site`` for ``hours``; returns (mining MW cut, AI MW cut)."""
        raise NotImplementedError

    def site_bid_usd(self, candidate: Candidate) -> float:
        """What it would pay for ``candidate`` now (0: it does not bid)."""
        del candidate
        return 0.0

    def take_site(self, candidate: Candidate, cause: int) -> None:
        """Take ``candidate``, awarded to it: buy it if powered, else file for it."""
        raise NotImplementedError
