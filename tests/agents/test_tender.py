"""How customers rank bids: time to power first, then effective price."""

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.deals.tender import Bid, Tender, effective_price, rank_bids


def tender() -> Tender:
    return Tender("t1", "microsoft", "gpu_cloud", 100.0, t_needed_by_days=300.0,
                  term_years=5.0, t_deadline_days=30.0, opened_event=0)


def bid(company: str, ready: float, price: float, event: int, rating: str = "B") -> Bid:
    return Bid("t1", company, "site", 100.0, ready, price, 38_000, "gb300", rating, event)


def test_equal_prices_earlier_ready_date_wins() -> None:
    t = tender()
    t.bids = [bid("late", 250.0, 3.0, 1), bid("early", 120.0, 3.0, 2)]
    assert [b.company for b in rank_bids(t, set(), 30.0, 0.05, 0.05)] == ["early", "late"]


def test_time_to_power_beats_price_outside_the_tolerance() -> None:
    t = tender()
    t.bids = [bid("cheap_late", 200.0, 2.0, 1), bid("dear_early", 100.0, 3.0, 2)]
    assert rank_bids(t, set(), 30.0, 0.0, 0.0)[0].company == "dear_early"


def test_within_the_tolerance_price_decides() -> None:
    t = tender()
    t.bids = [bid("dear", 100.0, 3.0, 1), bid("cheap", 120.0, 2.5, 2)]
    assert rank_bids(t, set(), 30.0, 0.0, 0.0)[0].company == "cheap"


def test_incumbency_and_credit_shave_the_compared_price() -> None:
    t = tender()
    a, b = bid("incumbent", 100.0, 3.0, 1, "B"), bid("newcomer", 100.0, 2.95, 2, "B")
    t.bids = [a, b]
    assert rank_bids(t, set(), 30.0, 0.0, 0.0)[0].company == "newcomer"
    assert rank_bids(t, {"incumbent"}, 30.0, 0.05, 0.0)[0].company == "incumbent"
    assert effective_price(bid("x", 0, 3.0, 3, "AAA"), t, set(), 0.0, 0.05) < effective_price(
        bid("y", 0, 3.0, 4, "B"), t, set(), 0.0, 0.05)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(0.5, 6.0)), min_size=1, max_size=12),
       st.floats(0, 90))
def test_ranking_is_a_permutation_led_by_the_earliest_group(
        offers: list[tuple[float, float]], tolerance: float) -> None:
    t = tender()
    t.bids = [bid(f"c{i}", ready, price, i) for i, (ready, price) in enumerate(offers)]
    ranked = rank_bids(t, set(), tolerance, 0.0, 0.0)
    assert sorted(b.event for b in ranked) == list(range(len(offers)))
    earliest = min(r for r, _ in offers)
    first = ranked[0]
    assert first.t_ready_days <= earliest + tolerance
    group = [b for b in t.bids if b.t_ready_days <= earliest + tolerance]
    assert first.price == min(b.price for b in group)
