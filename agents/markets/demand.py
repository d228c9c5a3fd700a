"""The shared AI demand regime: boom, digestion or bust, month by month.

The regime path is a Markov chain drawn once, up front, from its own stream; scenario
dates can force a turn. Every customer's need grows at the regime's rate (scaled per
customer) with noise, and markets read the same regime as sentiment.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.markets.specs import REGIMES, DemandSpec, Regime

DAYS_PER_MONTH: Final = 365.0 / 12.0


def transition_matrix(spec: DemandSpec) -> np.ndarray:
    """Rows: from boom, digestion, bust; columns: to boom, digestion, bust."""
    b, d, s = spec.stay_boom_monthly, spec.stay_digestion_monthly, spec.stay_bust_monthly
    return np.array([
        [b, (1 - b) * (1 - spec.boom_to_bust_share), (1 - b) * spec.boom_to_bust_share],
        [(1 - d) * spec.digestion_to_boom_share, d, (1 - d) * (1 - spec.digestion_to_boom_share)],
        [(1 - s) * (1 - spec.bust_to_digestion_share), (1 - s) * spec.bust_to_digestion_share, s],
    ])


class Demand(Agent):
    """The regime path and the growth it implies."""

    def __init__(self, model: Model, spec: DemandSpec, horizon_days: int,
                 name: str = "demand") -> None:
        super().__init__(model, name)
        self.spec = spec
        n_months = int(np.ceil(horizon_days / DAYS_PER_MONTH)) + 1
        self.regime_index = self._draw(n_months)
        self.growth_annual = np.array([spec.growth_boom_annual, spec.growth_digestion_annual,
                                       spec.growth_bust_annual])
        # month by month as Python objects: read tens of thousands of times a run, a list
        # item is cheaper than a numpy scalar and its conversion
        self._regime_by_month: list[Regime] = [REGIMES[i] for i in self.regime_index.tolist()]
        self._growth_by_month: list[float] = self.growth_annual[self.regime_index].tolist()

    def _draw(self, n_months: int) -> np.ndarray:
        matrix = np.cumsum(transition_matrix(self.spec), axis=1)
        uniforms = self.stream("regime").random(n_months)
        forced = sorted((self.model.clock.t_of(f.date), REGIMES.index(f.regime))
                        for f in self.spec.forced)
        path = np.empty(n_months, dtype=np.int64)
        state = REGIMES.index(self.spec.start_regime)
        for k in range(n_months):
            t = k * DAYS_PER_MONTH
            for t_forced, regime in forced:
                if t_forced <= t < t_forced + DAYS_PER_MONTH:
                    state = regime
            path[k] = state
            state = int(np.searchsorted(matrix[state], uniforms[k], side="right"))
            state = min(state, len(REGIMES) - 1)
        return path

    def regime_at(self, t_days: float) -> Regime:
        """The regime in force on ``t_days``."""
        k = min(int(t_days / DAYS_PER_MONTH), len(self._regime_by_month) - 1)
        return self._regime_by_month[k]

    def growth_at(self, t_days: float) -> float:
        """Annual need growth under the regime on ``t_days``."""
        k = min(int(t_days / DAYS_PER_MONTH), len(self._growth_by_month) - 1)
        return self._growth_by_month[k]

    def start(self) -> None:
        """Log each change of regime when it happens."""
        self.process(self._turns())

    def _turns(self) -> ProcessBody:
        previous = int(self.regime_index[0])
        self.log("demand.regime", regime=REGIMES[previous])
        for k in np.flatnonzero(np.diff(self.regime_index) != 0) + 1:
            yield self.sleep(k * DAYS_PER_MONTH - self.now)
            self.log("demand.regime", regime=REGIMES[int(self.regime_index[k])],
                     previous=REGIMES[previous])
            previous = int(self.regime_index[k])

    def metric_names(self) -> tuple[str, ...]:
        """Month-end regime as a code (0 boom, 1 digestion, 2 bust)."""
        return ("regime_code",)

    def metrics(self) -> tuple[float, ...]:
        """The regime code now."""
        return (float(REGIMES.index(self.regime_at(self.now))),)
