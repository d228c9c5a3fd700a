import datetime as dt
import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm import rng as rng_module
from abm.clock import Clock, parse_date
from abm.rng import RngTree

START = dt.date(2025, 11, 6)


@given(st.integers(min_value=0, max_value=20_000))
def test_date_and_t_round_trip(days: int) -> None:
    clock = Clock(START)
    day = START + dt.timedelta(days=days)
    assert clock.date_of(clock.t_of(day)) == day
    assert clock.date_of(clock.t_of(day) + 0.999) == day


def test_month_ends_are_last_days_in_order() -> None:
    ends = Clock(START).month_ends(dt.date(2026, 3, 15))
    assert ends == [dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 31),
                    dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    for end in ends:
        assert (end + dt.timedelta(days=1)).day == 1


def test_vectorized_dates_match_scalar() -> None:
    clock = Clock(START)
    t = np.array([0.0, 0.5, 30.99, 31.0, 1000.25])
    assert [d.date() for d in clock.dates_of(t)] == [clock.date_of(x) for x in t]


def test_parse_date_names_the_expectation() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("2026-13-01")


def test_same_names_same_draws_other_names_differ() -> None:
    a = RngTree(7).stream("iren", "price").random(5)
    b = RngTree(7).stream("iren", "price").random(5)
    c = RngTree(7).stream("iren", "hall").random(5)
    d = RngTree(8).stream("iren", "price").random(5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, d)


@settings(max_examples=25)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6, unique=True))
def test_a_stream_does_not_depend_on_other_streams(others: list[str]) -> None:
    alone = RngTree(3).stream("iren").random(4)
    tree = RngTree(3)
    for name in others:
        tree.stream(name).random(10)
    assert np.array_equal(tree.stream("iren").random(4), alone)


def test_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="seed"):
        RngTree(-1)


def _oracle_stream(seed: int, agent: str, purpose: str) -> np.random.Generator:
    """The documented derivation, written out: blake2b words of each name as spawn key."""
    key: tuple[int, ...] = ()
    for name in (agent, purpose) if purpose else (agent,):
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
        key += (int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


@settings(max_examples=60)
@given(st.one_of(st.integers(min_value=0, max_value=2**32),
                 st.integers(min_value=0, max_value=2**200)),  # seeds of one to seven words
       st.text(min_size=1, max_size=12), st.text(max_size=12))
def test_streams_follow_the_documented_derivation_first_time_and_after(
        seed: int, agent: str, purpose: str) -> None:
    """A stream is numpy's documented derivation from the seed and the names' digests:
    the generator's whole state, and draws, equal; ``sequence`` is that derivation."""
    oracle = _oracle_stream(seed, agent, purpose)
    state, expected = oracle.bit_generator.state, oracle.random(3)
    tree = RngTree(seed)
    for _ in range(2):  # the second time the names' digests are remembered
        stream = tree.stream(agent, purpose)
        assert stream.bit_generator.state == state
        assert np.array_equal(stream.random(3), expected)
    assert np.array_equal(np.random.Generator(np.random.PCG64(tree.sequence(agent, purpose)))
                          .random(3), expected)


def test_remembered_digests_are_bounded_and_streams_unchanged_past_the_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rng_module, "_WORDS_MAX", 4)
    names = [f"agent{i}" for i in range(10)]
    for name in names:
        assert np.array_equal(RngTree(1).stream(name).random(2),
                              _oracle_stream(1, name, "").random(2))
        assert len(rng_module._WORDS) <= 4
