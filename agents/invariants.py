"""Physical and accounting invariants of a running world, checkable at any month end.

Used by the tests (and available to anyone debugging a world): every site keeps load <=
energized <= secured and AI IT load <= built halls; the IT load of a company's GPUs in
service equals what its sites carry; the mining and load it accrues are what its sites run
now; no count or price goes negative.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from mypy_extensions import mypyc_attr

from abm.model import Model
from agents.neoclouds.state import Company

EPS: Final = 1e-6


@mypyc_attr(native_class=False)  # an exception class: plain Python in the compiled build
class InvariantError(AssertionError):
    """A world broke one of its physical or accounting invariants."""


def check_world(model: Model) -> None:
    """Raise InvariantError naming the first broken invariant."""
    for company in model.of_type(Company):
        for site in company.sites.values():
            site.check()
            if site.idle_mw < -EPS:
                raise InvariantError(f"{company.name}.{site.name}: idle {site.idle_mw} MW < 0")
            gpu_mw = sum(b.it_mw for b in company.batches if b.in_service and b.site == site.name)
            if abs(gpu_mw - site.gpu_it_mw) > 1e-6 * max(1.0, gpu_mw):
                raise InvariantError(f"{company.name}.{site.name}: GPUs in service draw "
                                     f"{gpu_mw:.3f} MW IT but the site carries "
                                     f"{site.gpu_it_mw:.3f} MW")
        for accrual, level, what in ((company.mining, company.hashrate_ehs, "EH/s mining"),
                                     (company.load, company.own_load_mw, "MW of own load")):
            if abs(accrual.level - level) > EPS * max(1.0, abs(level)):
                raise InvariantError(f"{company.name}: accrues {accrual.level:.6f} {what} but "
                                     f"its sites run {level:.6f} (loads not re-levelled)")
        if company.shares_outstanding <= 0 or company.gpus < 0:
            raise InvariantError(f"{company.name}: shares {company.shares_outstanding}, "
                                 f"GPUs {company.gpus}")
        if company.listed and company.share_price_usd() <= 0:
            raise InvariantError(f"{company.name}: share price {company.share_price_usd()}")


def check_every_month(model: Model) -> None:
    """Check the invariants at every month close of ``model``'s run."""

    def hook(month_end: dt.date) -> None:
        del month_end
        check_world(model)

    model.on_month_end(hook)
