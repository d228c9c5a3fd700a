"""Time-weighted accruals: integrate a level (MW, EH/s, GPUs) over time for billing.

A level that changes at events is integrated exactly (piecewise constant), so a month's
bill uses MW-days or GPU-days rather than the level at one instant.
"""

from __future__ import annotations


class Accrual:
    """A piecewise-constant level and its integral since the last :meth:`take`."""

    def __init__(self, level: float = 0.0, t_days: float = 0.0) -> None:
        self.level = float(level)
        self._t_last = float(t_days)
        self._integral = 0.0

    def set(self, level: float, t_days: float) -> None:
        """Change the level at ``t_days`` (accrues the old level up to then)."""
        self._advance(t_days)
        self.level = float(level)

    def add(self, delta: float, t_days: float) -> None:
        """Change the level by ``delta`` at ``t_days``."""
        self.set(self.level + delta, t_days)

    def take(self, t_days: float) -> float:
        """Return the level-days accrued up to ``t_days`` and start again from zero."""
        self._advance(t_days)
        out, self._integral = self._integral, 0.0
        return out

    def _advance(self, t_days: float) -> None:
        if t_days < self._t_last - 1e-9:
            raise ValueError(f"accrual: time went back from {self._t_last} to {t_days}")
        self._integral += self.level * (t_days - self._t_last)
        self._t_last = max(self._t_last, t_days)
