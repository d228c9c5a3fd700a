"""The ledger: cash moves only through entries, and the books close every month.

An entry is (company, account, amount_usd, t_days, cause, month). Accounts are dotted
(``revenue.ai``, ``opex.power``, ``capex.gpu``, ``financing.debt``). Balances are kept
running as entries post; at each month close the running balance must equal the opening
balance plus the month's entries summed from the entry columns, company by company.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from mypy_extensions import mypyc_attr

if TYPE_CHECKING:  # pandas on first use: a worker's runs need none of it
    import pandas as pd


@mypyc_attr(native_class=False)  # an exception class: plain Python in the compiled build
class LedgerImbalanceError(AssertionError):
    """The books do not close: cash moved without a matching entry."""


@dataclass
class _Columns:
    company: list[str] = field(default_factory=list)
    account: list[str] = field(default_factory=list)
    amount_usd: list[float] = field(default_factory=list)
    t_days: list[float] = field(default_factory=list)
    cause: list[int] = field(default_factory=list)
    month: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Account:
    """One company's cash: running balance, the month's opening balance and its entries' sum."""

    balance_usd: float = 0.0
    opening_usd: float = 0.0
    entries_usd: float = 0.0


class Ledger:
    """Cash accounts of every company, changed only by :meth:`post`."""

    def __init__(self) -> None:
        self._cols = _Columns()
        self._accounts: dict[str, _Account] = {}
        self._closed_rows = 0
        self.month = 0
        self._month_flows: dict[str, dict[str, float]] = {}

    def open_account(self, company: str, cash_usd: float, t_days: float = 0.0) -> None:
        """Start a company's books with its opening cash (itself an entry)."""
        if company in self._accounts:
            raise ValueError(f"ledger: {company!r} already has an account")
        self._accounts[company] = _Account()
        self.post(company, "equity.opening_cash", cash_usd, t_days, None)

    def post(
        self,
        company: str,
        account: str,
        amount_usd: float,
        t_days: float,
        cause: int | None,
    ) -> None:
        """Move ``amount_usd`` (positive in, negative out) through ``account``."""
        books = self._accounts.get(company)
        if books is None:
            raise KeyError(f"ledger: no account for {company!r}")
        if not math.isfinite(amount_usd):
            raise ValueError(f"ledger: {company}.{account} amount is {amount_usd}")
        amount = float(amount_usd)
        cols = self._cols
        cols.company.append(company)
        cols.account.append(account)
        cols.amount_usd.append(amount)
        cols.t_days.append(float(t_days))
        cols.cause.append(-1 if cause is None else cause)
        cols.month.append(self.month)
        books.balance_usd += amount

    def cash_usd(self, company: str) -> float:
        """The company's cash now."""
        return self._accounts[company].balance_usd

    def largest_outflow(self, company: str) -> tuple[float, int | None]:
        """The month's largest payment by ``company`` so far and its cause (for ``why``)."""
        cols, lo = self._cols, self._closed_rows
        best, cause = 0.0, None
        for i in range(lo, len(cols.amount_usd)):
            if cols.company[i] == company and cols.amount_usd[i] < best:
                best, cause = cols.amount_usd[i], cols.cause[i]
        return best, (None if cause is None or cause < 0 else cause)

    def has_account(self, company: str) -> bool:
        """Whether ``company`` keeps books here."""
        return company in self._accounts

    def month_flows(self, company: str) -> dict[str, float]:
        """The last closed month's entries of ``company`` summed by kind of account.

        The kind is an account's first word: ``revenue``, ``opex``, ``interest``, ``tax``,
        ``deferred`` (prepayments and their refunds), ``capex``, ``financing``, ``deposit``.
        """
        return self._month_flows.get(company, {})

    def close_month(self, tolerance_usd: float = 1e-3) -> dict[str, float]:
        """Check cash_end = cash_start + sum(month entries) per company; start a new month.

        Returns the month's net flow per company; :meth:`month_flows` has them by kind.
        """
        cols, accounts = self._cols, self._accounts
        companies, amounts, names = cols.company, cols.amount_usd, cols.account
        for books in accounts.values():
            books.entries_usd = 0.0
        kinds: dict[str, dict[str, float]] = {name: {} for name in accounts}
        for i in range(self._closed_rows, len(amounts)):
            books = accounts[companies[i]]
            books.entries_usd += amounts[i]  # in entry order, as posted
            by_kind = kinds[companies[i]]
            kind = names[i].split(".", 1)[0]
            by_kind[kind] = by_kind.get(kind, 0.0) + amounts[i]
        self._month_flows = kinds
        flows: dict[str, float] = {}
        for company, books in accounts.items():
            flow = flows[company] = books.entries_usd
            expected = books.opening_usd + flow
            actual = books.balance_usd
            if abs(actual - expected) > tolerance_usd + 1e-12 * abs(expected):
                raise LedgerImbalanceError(
                    f"ledger month {self.month}: {company} cash {actual:,.2f} != "
                    f"opening {books.opening_usd:,.2f} + entries {flow:,.2f}"
                )
            books.opening_usd = actual
        self._closed_rows = len(self._cols.amount_usd)
        self.month += 1
        return flows

    def to_frame(self) -> pd.DataFrame:
        """Every entry as a DataFrame (cause -1 where none)."""
        import pandas as pd

        cols = self._cols
        return pd.DataFrame(
            {
                "company": _categorical(cols.company),
                "account": _categorical(cols.account),
                "amount_usd": np.asarray(cols.amount_usd, dtype="float64"),
                "t_days": np.asarray(cols.t_days, dtype="float64"),
                "cause": np.asarray(cols.cause, dtype="int64"),
                "month": np.asarray(cols.month, dtype="int64"),
            }
        )


def _categorical(values: list[str]) -> pd.Categorical[str]:
    """``pd.Categorical(values)`` (sorted categories), coded with a dict: several times faster."""
    import pandas as pd

    if not values:
        return pd.Categorical(values)
    names = sorted(set(values))
    code = {name: i for i, name in enumerate(names)}
    codes = np.fromiter((code[v] for v in values), dtype="int32", count=len(values))
    return pd.Categorical.from_codes(codes, categories=pd.Index(names))
