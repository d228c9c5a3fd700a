"""Named random streams: a SeedSequence tree keyed by (run seed, agent name, purpose).

A stream depends only on the run seed and its own names, never on which other agents
exist or in which order they were built, so adding an agent leaves everyone else's draws
unchanged and scenarios share random numbers for free.

A stream is ``Generator(PCG64(SeedSequence(seed, spawn_key=words of the names)))``.
"""

from __future__ import annotations

import hashlib

import numpy as np

_WORDS: dict[str, tuple[int, int]] = {}
"""Digests already taken: a run asks for the same few hundred names again and again."""
_WORDS_MAX = 65_536
"""Past this many names the digests are dropped and taken afresh (a bound on memory)."""


def _words(name: str) -> tuple[int, int]:
    """A stable 64-bit digest of ``name`` as two 32-bit words (Python's hash() is salted)."""
    words = _WORDS.get(name)
    if words is None:
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
        words = int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")
        if len(_WORDS) >= _WORDS_MAX:
            _WORDS.clear()
        _WORDS[name] = words
    return words


class RngTree:
    """Derives independent generators from a run seed by name."""

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed

    def sequence(self, agent: str, purpose: str = "") -> np.random.SeedSequence:
        """The SeedSequence for one agent (and optionally one purpose of that agent)."""
        key = _words(agent) + (_words(purpose) if purpose else ())
        return np.random.SeedSequence(entropy=self.seed, spawn_key=key)

    def stream(self, agent: str, purpose: str = "") -> np.random.Generator:
        """A fresh generator for ``agent`` (and ``purpose``); same names, same draws."""
        return np.random.Generator(np.random.PCG64(self.sequence(agent, purpose)))


def lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """``n`` lognormal draws with the given median and log-sigma."""
    return np.asarray(median * np.exp(sigma * rng.standard_normal(n)))
