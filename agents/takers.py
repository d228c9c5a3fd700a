"""What a utility needs from the companies on its grid: to take power and to shed load.

Runtime-checkable protocols, kept in a module of their own because the compiled build
(``NEOCLOUD_ABM_COMPILE=1``, see ``setup.py``) cannot compile them: this module stays
plain Python there.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Curtailable(Protocol):
    """A company that can be ordered to shed load at one of its sites."""

    def curtail(self, site: str, mw: float, hours: float, cause: int) -> tuple[float, float]:
        """Shed up to ``mw`` at ``site`` for ``hours``; returns (mining MW cut, AI MW cut)."""


@runtime_checkable
class PowerTaker(Curtailable, Protocol):
    """What a utility needs from a company it connects (``curtail`` comes from Curtailable)."""

    def receive_power(self, site: str, mw: float, cause: int) -> None:
        """Take ``mw`` of newly energized power at ``site``."""

    def add_site(self, site: str, utility: str, secured_mw: float, cause: int) -> None:
        """Secure ``secured_mw`` more at ``site`` on ``utility``, creating the site if new."""
