"""Background large-load requesters: the rest of a utility's queue, not agents.

ERCOT's large-load queue held ~226 GW in November 2025, nearly all of it from requesters
the model does not follow one by one. They are drawn as arrays from the utility's
``background`` stream, a year per block (arrival time, MW, grid node, whether it would
connect, when it withdraws, its study time), and one SimPy process walks them through the
same queue as the companies' requests: a study slot in filing order or, under SB 6 rules,
a batch. Most withdraw; the rest take grid headroom when decided, and their energized MW
competes with everyone else's. The queue at the start is seeded to the spec's
``initial_queue_mw``, with requests already in a study part-way through it.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from typing import Final

import numpy as np

from abm.agent import ProcessBody
from abm.rng import lognormal
from agents.grid.queue import InterconnectQueue
from agents.grid.specs import BackgroundSpec

DAYS_PER_YEAR: Final = 365.25
Row = tuple[float, float, int, bool, float, float]
"""One background request: t, MW, node index, connects, t_withdraw, study_days."""


def withdraw_days(rng: np.random.Generator, mean_days: float, shape: float,
                  n: int) -> np.ndarray:
    """Days from filing to withdrawal: Weibull of ``shape`` with mean ``mean_days``.

    Shape 1 is the exponential (a request as likely to leave in its first year as in its
    fifth); above 1 the chance of leaving grows with the time already waited.
    """
    if shape == 1.0:  # the exponential, drawn as before
        return rng.exponential(mean_days, n)
    scale = mean_days / math.gamma(1.0 + 1.0 / shape)
    return scale * rng.weibull(shape, n)


class BackgroundRequesters:
    """The background requesters of one utility and the process that walks them."""

    def __init__(self, utility: InterconnectQueue, spec: BackgroundSpec) -> None:
        self.u, self.spec = utility, spec
        self.rng = utility.stream("background")
        self._decisions: list[tuple[float, int, str | None, float]] = []
        self._nodes = list(spec.node_shares)

    def draw(self, n: int, t_from: float, t_to: float) -> list[Row]:
        """``n`` requests arriving in [t_from, t_to], drawn as arrays."""
        bg, rng, u = self.spec, self.rng, self.u
        t = np.sort(rng.uniform(t_from, t_to, n))
        mw = np.clip(lognormal(rng, bg.request_mw_median, bg.request_mw_sigma, n),
                     bg.request_mw_min, bg.request_mw_max)
        weights = np.array(list(bg.node_shares.values()))
        node = rng.choice(weights.size, size=n, p=weights / weights.sum())
        connects = rng.random(n) < bg.connect_share
        t_withdraw = t + withdraw_days(rng, bg.withdraw_days_mean, bg.withdraw_shape, n)
        study = lognormal(rng, u.spec.study_days_median * u.study_time_scale,
                          u.spec.study_days_sigma, n)
        return list(zip(t.tolist(), mw.tolist(), node.tolist(), connects.tolist(),
                        t_withdraw.tolist(), study.tolist(), strict=True))

    def seed(self) -> None:
        """The queue at the start; requests given a study slot at once are part-way through."""
        bg, u = self.spec, self.u
        target_mw = bg.initial_queue_mw - u.queue_mw
        if target_mw <= 0:
            return
        n = int(2 * target_mw / (bg.request_mw_median * math.exp(bg.request_mw_sigma ** 2 / 2)))
        rows = self.draw(n + 16, 0.0, 0.0)
        cum_mw = np.cumsum([r[1] for r in rows])
        k = min(int(np.searchsorted(cum_mw, target_mw)) + 1, len(rows))
        scale = target_mw / float(cum_mw[k - 1])
        progress = self.rng.random(k).tolist()
        for (t, mw, node, connects, t_w, study), done in zip(rows[:k], progress, strict=True):
            part = done if u.first_free_slot_days() <= 0.0 else 1.0
            self.arrive((t, mw * scale, node, connects, t_w, study * part))

    def run(self) -> ProcessBody:
        """One process walks the pre-drawn arrivals (a year per block) and the decisions."""
        bg, u = self.spec, self.u
        rows: list[Row] = []
        t_block, i = 0.0, 0
        while True:
            if i >= len(rows) and bg.arrivals_per_year > 0:
                n = int(self.rng.poisson(bg.arrivals_per_year))
                rows, i = self.draw(n, t_block, t_block + DAYS_PER_YEAR), 0
                t_block += DAYS_PER_YEAR
            t_arrival = (rows[i][0] if i < len(rows)
                         else t_block if bg.arrivals_per_year > 0 else math.inf)
            t_decide = self._decisions[0][0] if self._decisions else math.inf
            if math.isinf(t_arrival) and math.isinf(t_decide):
                return
            delay = max(0.0, min(t_arrival, t_decide) - u.now)
            yield u.sleep(delay)
            if t_decide <= t_arrival:
                _t, _seq, node, mw = heappop(self._decisions)
                self.granted(mw, u.fit([(node, mw, "datacenter")])[0][0])
            elif i < len(rows):
                u.requests_count += 1
                self.arrive(rows[i])
                i += 1

    def arrive(self, row: Row) -> None:
        """A request enters the queue: it joins a batch or a study slot."""
        t, mw, node_i, connects, t_withdraw, study_days = row
        u = self.u
        name = self._nodes[node_i]
        node = name if u.grid is not None and u.grid.has_node(name) else None
        u.add_to_queue(mw)
        if u.batched(mw):
            batch = u.batch_for(t)
            if connects:
                batch.background.append((node, mw))
            else:
                u.leave_queue(min(t_withdraw, batch.t_decide), mw, 0.0)
            return
        t_decide = u.slot_decision(t, study_days, math.inf if connects else t_withdraw)
        if t_decide is not None and connects:
            heappush(self._decisions, (t_decide, u.next_seq(), node, mw))
        else:
            u.leave_queue(t_withdraw if t_decide is None else t_decide, mw, 0.0)

    def granted(self, mw: float, ok_mw: float) -> None:
        """A decision granted ``ok_mw`` of ``mw``: the rest leaves the queue now."""
        u = self.u
        u.add_to_queue(ok_mw - mw)
        u.approved_mw += ok_mw
        if ok_mw > 0:
            u.leave_queue(u.now + u.spec.first_tranche_days * u.build_time_scale, ok_mw, ok_mw)
