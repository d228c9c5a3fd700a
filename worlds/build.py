"""Build a Model from a validated WorldSpec: every actor, wired to the others."""

from __future__ import annotations

import datetime as dt

from abm.model import Model
from agents.bitcoin import Bitcoin
from agents.customer import Customer
from agents.markets import Markets
from agents.neocloud import Neocloud
from agents.specs import WorldSpec
from agents.utility import Utility

HORIZON_MARGIN_DAYS = 31


def build_model(spec: WorldSpec, seed: int, until: dt.date, *, log_events: bool = True) -> Model:
    """A ready-to-run model of ``spec`` with its random streams rooted at ``seed``."""
    model = Model(spec.world.start_date, seed, log_events=log_events)
    horizon_days = int(model.clock.t_of(until)) + HORIZON_MARGIN_DAYS
    btc = Bitcoin(model, spec.bitcoin, horizon_days)
    markets = Markets(model, horizon_days)
    for name, u in spec.utilities.items():
        Utility(model, name, u)
    companies = {name: Neocloud(model, name, n, btc, markets)
                 for name, n in spec.neoclouds.items()}
    customers = {name: Customer(model, name, c) for name, c in spec.customers.items()}
    for contract_id, k in spec.contracts.items():
        companies[k.provider].take_contract(k, contract_id, customers[k.customer])
    return model
