"""Customers (first cut): buyers of capacity who prepay and pay their invoices.

A customer holds its contracts and pays through the provider's ledger: the prepayment of
each tranche when it ships, and the monthly invoice as capacity is in service. Demand,
tenders and awards arrive with the actors work.
"""

from __future__ import annotations

from abm.agent import Agent
from abm.model import Model
from agents.contracts import Contract, Tranche
from agents.specs import CustomerSpec


class Customer(Agent):
    """A hyperscaler or AI lab that buys GPU capacity."""

    def __init__(self, model: Model, name: str, spec: CustomerSpec) -> None:
        super().__init__(model, name)
        self.spec = spec
        self.contracts: list[Contract] = []

    def prepay(self, contract: Contract, tranche: Tranche, cause: int) -> int:
        """Pay the tranche's prepayment to the provider; returns the event id."""
        amount = contract.prepayment_usd(tranche)
        tranche.prepaid_usd = amount
        event = self.log("contract.prepaid", cause=cause, contract=contract.id,
                         tranche=tranche.index, amount_usd=amount)
        self.model.ledger.post(contract.provider, "financing.prepayment", amount, self.now, event)
        return event
