"""numpy's ``SeedSequence`` for PCG64, written out in integer arithmetic that compiles.

:class:`abm.rng.RngTree` derives every stream as
``Generator(PCG64(SeedSequence(seed, spawn_key=words of the names)))``. Built by numpy, a
``SeedSequence`` is a few dozen small array operations, ~70k instructions a stream and
~120 streams a run. The same numbers are computed here from the algorithm (O'Neill's
``seed_seq_fe``, as numpy implements it):

* the entropy is the seed's 32-bit words (padded with zeros to the pool's 4 when a spawn
  key follows) then the spawn key's words; each is hashed (``hashmix``, with a multiplier
  that moves on at every call) and mixed into a pool of 4 words;
* the seed's part is the same for every stream of a run, so :func:`run_pool` is kept by
  the tree and only the names' words are mixed per stream (:func:`pcg64_words`);
* the pool is hashed out to PCG64's 4 64-bit seed words, handed to ``PCG64`` through
  numpy's ``ISeedSequence`` interface (:class:`StateWords`).

``tests/abm/test_clock_rng.py`` checks the generators' states against numpy's own
derivation for random seeds (one to several words) and names.

The words are ``i64``: compiled, machine integers; interpreted, plain ints. A product of
two 32-bit words is formed from 16-bit halves, so that no intermediate passes 2**49 and
machine integers never overflow: the same numbers either way.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from mypy_extensions import i64
from numpy.random.bit_generator import ISeedSequence

MASK32: Final = 0xFFFFFFFF
POOL_WORDS: Final = 4
INIT_A: Final = 0x43B0D7E5
MULT_A: Final = 0x931E8875
INIT_B: Final = 0x8B51F9DD
MULT_B: Final = 0x58F38DED
MIX_MULT_L: Final = 0xCA01F9DD
MIX_MULT_R: Final = 0x4973F715
PCG64_WORDS: Final = 4
"""PCG64 asks its seed sequence for four 64-bit words (state and increment)."""


def _mul32(a: i64, b: i64) -> i64:
    """``a * b`` modulo 2**32 for 32-bit ``a`` and ``b``, through ``b``'s 16-bit halves."""
    return (a * (b & 0xFFFF) + (((a * (b >> 16)) & 0xFFFF) << 16)) & MASK32


def _mix(x: i64, y: i64) -> i64:
    result = (_mul32(MIX_MULT_L, x) - _mul32(MIX_MULT_R, y)) & MASK32
    return result ^ (result >> 16)


def _absorb(pool: list[i64], hash_const: i64, words: list[i64]) -> i64:
    """Mix each of ``words`` into every pool word in place; returns the moved multiplier."""
    for word in words:
        for i in range(POOL_WORDS):
            value = (word ^ hash_const) & MASK32
            hash_const = _mul32(hash_const, MULT_A)
            value = _mul32(value, hash_const)
            pool[i] = _mix(pool[i], value ^ (value >> 16))
    return hash_const


def seed_words(seed: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (0 is ``[0]``)."""
    words = [seed & MASK32]
    seed >>= 32
    while seed > 0:
        words.append(seed & MASK32)
        seed >>= 32
    return words


def run_pool(seed: int) -> tuple[list[i64], i64]:
    """The pool and multiplier after the run seed's words, for spawn keys to follow."""
    entropy: list[i64] = [i64(word) for word in seed_words(seed)]
    entropy += [i64(0)] * (POOL_WORDS - len(entropy))  # padded: a spawn key follows
    hash_const: i64 = INIT_A
    pool: list[i64] = []
    for i in range(POOL_WORDS):
        value = (entropy[i] ^ hash_const) & MASK32
        hash_const = _mul32(hash_const, MULT_A)
        value = _mul32(value, hash_const)
        pool.append(value ^ (value >> 16))
    for src in range(POOL_WORDS):  # every word into every other
        for dst in range(POOL_WORDS):
            if src != dst:
                value = (pool[src] ^ hash_const) & MASK32
                hash_const = _mul32(hash_const, MULT_A)
                value = _mul32(value, hash_const)
                pool[dst] = _mix(pool[dst], value ^ (value >> 16))
    hash_const = _absorb(pool, hash_const, entropy[POOL_WORDS:])
    return pool, hash_const


def pcg64_words(run: tuple[list[i64], i64], spawn_key: tuple[int, ...]) -> list[int]:
    """PCG64's four 64-bit seed words for ``spawn_key`` (32-bit words) after a run pool."""
    pool = list(run[0])
    _absorb(pool, run[1], [i64(word) for word in spawn_key])
    hash_const: i64 = INIT_B
    halves: list[int] = []
    for i in range(2 * PCG64_WORDS):
        value = pool[i % POOL_WORDS] ^ hash_const
        hash_const = _mul32(hash_const, MULT_B)
        value = _mul32(value, hash_const)
        halves.append(value ^ (value >> 16))
    return [halves[2 * i] | (halves[2 * i + 1] << 32) for i in range(PCG64_WORDS)]


class StateWords:
    """Seed words handed to ``numpy.random.PCG64`` (numpy's ``ISeedSequence`` interface)."""

    def __init__(self, words: list[int]) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        """The words as PCG64 asks for them: four, as ``uint64``."""
        if n_words != PCG64_WORDS or np.dtype(dtype) != np.dtype(np.uint64):
            raise ValueError(f"seed words: only PCG64's {PCG64_WORDS} uint64 words are kept")
        return np.array(self.words, dtype=np.uint64)


ISeedSequence.register(StateWords)
