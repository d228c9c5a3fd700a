"""The month-end invariants hold on the base world and on every scenario, for a few seeds,
and the path's revenue, EBITDA and capex reconcile with the ledger's entries every month."""

from __future__ import annotations

import numpy as np
import pytest

from agents.invariants import check_every_month
from worlds.build import build_model
from worlds.catalog import load_world, scenario_names
from worlds.run import package

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("scenario", [None, *scenario_names()])
def test_invariants_and_books_hold_every_month(scenario: str | None) -> None:
    spec, _path = load_world("iren", scenarios=[scenario] if scenario else [])
    end = spec.world.until.replace(year=2028)
    for seed in SEEDS:
        model = build_model(spec, seed, end)
        check_every_month(model)  # load <= energized <= secured, idle MW, GPUs, prices
        model.run(end)
        result = package(model, spec, {"world": "iren", "seed": seed})
        _books_reconcile(result.path, result.ledger, f"{scenario or 'base'} seed {seed}")


def _books_reconcile(path, ledger, where: str) -> None:  # type: ignore[no-untyped-def]
    companies = [c.removesuffix(".ebitda_usd") for c in path.columns if c.endswith(".ebitda_usd")]
    assert len(companies) >= 5
    for company in companies:
        own = ledger[ledger["company"] == company]
        by = (own.groupby(["month", "account"])["amount_usd"].sum().unstack(fill_value=0.0)
              .reindex(range(len(path)), fill_value=0.0))
        # revenue is what the ledger took as revenue plus prepayments earned: the deferred
        # balance fell by what was earned and rose by what was prepaid (deferred.*)
        deferred = path[f"{company}.deferred_revenue_usd"].to_numpy()
        earned = (by.filter(regex=r"^deferred\.").sum(axis=1).to_numpy()
                  - np.diff(deferred, prepend=0.0))
        revenue = by.filter(regex=r"^revenue\.").sum(axis=1).to_numpy() + earned
        opex = by.filter(regex=r"^opex\.").sum(axis=1).to_numpy()
        capex = -by.filter(regex=r"^capex\.").sum(axis=1).to_numpy()
        for name, books in (("revenue_usd", revenue), ("ebitda_usd", revenue + opex),
                            ("capex_usd", capex)):
            reported = path[f"{company}.{name}"].to_numpy()
            tolerance = 1e-9 * max(1.0, float(np.abs(reported).max())) + 1e-3
            worst = int(np.argmax(np.abs(reported - books)))
            assert abs(reported[worst] - books[worst]) <= tolerance, (
                f"{where}: {company}.{name} in month {worst}: path {reported[worst]:,.2f}, "
                f"ledger {books[worst]:,.2f}")
