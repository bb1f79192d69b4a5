"""Exact and near-duplicate detection over recent stories.

Syndicated copies of one wire story differ in headline, dateline and byline, so both the
content hash and the MinHash signature are taken over the story body alone, as a sequence of
lower-cased words. The index is plain Python; the normalise agent persists each entry in a
Faust table and rebuilds the index from it after a restart.

Why datasketch's ``MinHash`` is loaded without datasketch's package ``__init__``, and why the
LSH index is a banding table here rather than datasketch's ``MinHashLSH``: the package
``__init__`` imports all fourteen of its sketches, and ``datasketch.lsh`` imports
``scipy.integrate`` at module level for one numerical integral that picks the number of bands.
That cost every worker 42-54 MB of resident memory (SciPy's compiled modules and their
dependencies), about a tenth of the 450 MB a worker with its NLP child may use, for a
computation done once per process. So the worker imports only ``datasketch.minhash`` (and the
``hashfunc`` module it needs): signatures and Jaccard estimates stay datasketch's own, bit for
bit (the persisted fingerprints are unchanged). The banding table is the textbook LSH
structure ``MinHashLSH`` is (``b`` bands of ``r`` rows, a bucket per band value), with the
same ``(b, r)`` datasketch would choose: ``lsh_params`` minimises the same weighted error, with
the integrals of its polynomials computed exactly by Gauss-Legendre quadrature instead of
SciPy's ``quad``. tests/unit/test_dedupe_lsh.py checks both against datasketch itself: the
parameters for thresholds 0.05-0.95, and the candidates of every query on BBC stories. If
datasketch ever imports SciPy lazily, ``MinHashLSH`` can come back in a few lines.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # at run time through _minhash_class (see the module docstring)
    from datasketch import MinHash

_WORD = re.compile(r"\w+")
NUM_PERM = 64
SHINGLE = 5
SCHEME = "affine32"
# MinHashLSH's default weights of false positives and false negatives when it picks (b, r).
FALSE_POSITIVE_WEIGHT = 0.5
FALSE_NEGATIVE_WEIGHT = 0.5
# Gauss-Legendre with n nodes integrates polynomials of degree < 2n exactly; the integrands of
# lsh_params have degree b * r <= NUM_PERM.
QUADRATURE_NODES = NUM_PERM // 2 + 1


@cache
def _minhash_class() -> type[MinHash]:
    """datasketch's MinHash class, from ``datasketch.minhash`` without running the package's
    ``__init__`` (which imports SciPy: see the module docstring). Where datasketch is already
    imported whole (a test, a tool), that import is used."""
    if "datasketch" not in sys.modules:
        spec = importlib.util.find_spec("datasketch")
        if spec is None:
            raise ImportError("datasketch is not installed")
        # The package as a bare namespace while its minhash module (and hashfunc, which that
        # imports) load; then all three taken out of sys.modules again, so that a later
        # ``import datasketch`` elsewhere in the process loads the whole package as usual.
        before = set(sys.modules)
        sys.modules["datasketch"] = importlib.util.module_from_spec(spec)
        try:
            minhash = importlib.import_module("datasketch.minhash")
        finally:
            for name in set(sys.modules) - before:
                if name == "datasketch" or name.startswith("datasketch."):
                    del sys.modules[name]
        return minhash.MinHash
    from datasketch.minhash import MinHash

    return MinHash


def body_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_hash(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch draws the permutations from a seeded RNG in every MinHash it builds; drawing
    them once made the normalise stage about a third cheaper."""
    return _minhash_class()(num_perm=NUM_PERM, seed=7, scheme=SCHEME).permutations


def _new_minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    return _minhash_class()(num_perm=NUM_PERM, seed=7, scheme=SCHEME, hashvalues=hashvalues, permutations=_permutations())


def signature(words: list[str]) -> list[int]:
    m = _new_minhash()
    if len(words) < SHINGLE:
        shingles = [" ".join(words)]
    else:
        shingles = [" ".join(words[i: i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    m.update_batch([s.encode() for s in shingles])
    return [int(x) for x in m.hashvalues]


@cache
def _quadrature() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(QUADRATURE_NODES)


def _integral(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float) -> float:
    nodes, weights = _quadrature()
    half = (hi - lo) / 2
    return float(half * np.dot(weights, f(half * nodes + (hi + lo) / 2)))


@cache
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) minimising the weighted probability of false positives (pairs
    under ``threshold`` that share a band) and false negatives (pairs over it that share none):
    what ``datasketch.MinHashLSH`` chooses for the same threshold and weights."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"the duplicate threshold must be in [0, 1], not {threshold}")
    best, best_error = (0, 0), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            def collide(s: np.ndarray, b: int = b, r: int = r) -> np.ndarray:
                """Probability that a pair of similarity s shares a band."""
                return 1 - (1 - s ** float(r)) ** float(b)

            def miss(s: np.ndarray, b: int = b, r: int = r) -> np.ndarray:
                return 1 - collide(s, b, r)

            fp = _integral(collide, 0.0, threshold)
            fn = _integral(miss, threshold, 1.0)
            error = fp * FALSE_POSITIVE_WEIGHT + fn * FALSE_NEGATIVE_WEIGHT
            if error < best_error:
                best, best_error = (b, r), error
    return best


class BandIndex:
    """LSH banding over MinHash signatures: ids whose signatures agree on all rows of at least
    one band are candidates (the structure of ``datasketch.MinHashLSH``; see the module
    docstring for why it is not that class)."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = lsh_params(threshold, num_perm)
        if self.bands < 2:  # as MinHashLSH: one band is an exact-match index, not LSH
            raise ValueError(f"the duplicate threshold {threshold} leaves fewer than 2 LSH bands")
        self._tables: list[dict[bytes, set[str]]] = [{} for _ in range(self.bands)]

    def _keys(self, hashvalues: np.ndarray) -> list[bytes]:
        return [hashvalues[i * self.rows:(i + 1) * self.rows].tobytes() for i in range(self.bands)]

    def insert(self, key: str, hashvalues: np.ndarray) -> None:
        for table, band in zip(self._tables, self._keys(hashvalues), strict=True):
            table.setdefault(band, set()).add(key)

    def remove(self, key: str, hashvalues: np.ndarray) -> None:
        for table, band in zip(self._tables, self._keys(hashvalues), strict=True):
            bucket = table.get(band)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del table[band]

    def query(self, hashvalues: np.ndarray) -> set[str]:
        found: set[str] = set()
        for table, band in zip(self._tables, self._keys(hashvalues), strict=True):
            found |= table.get(band, set())
        return found


@dataclass
class Fingerprint:
    article_id: str
    content_hash: str
    signature: list[int]

    def to_dict(self) -> dict:
        return {"id": self.article_id, "hash": self.content_hash, "sig": self.signature}

    @classmethod
    def from_dict(cls, d: dict) -> Fingerprint:
        return cls(d["id"], d["hash"], list(d["sig"]))


class DuplicateIndex:
    """Remembers the last ``window`` stories; answers "which earlier story is this a copy of?"."""

    def __init__(self, threshold: float = 0.7, window: int = 50_000) -> None:
        self.threshold = threshold
        self.window = window
        self._lsh = BandIndex(threshold, NUM_PERM)
        self._by_hash: dict[str, str] = {}
        self._entries: OrderedDict[str, Fingerprint] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def _minhash(self, sig: list[int]) -> MinHash:
        return _new_minhash(np.array(sig, dtype=np.uint64))

    def find(self, fp: Fingerprint) -> str | None:
        """The id of the first earlier story this one duplicates, or None."""
        first = self._by_hash.get(fp.content_hash)
        if first is not None and first != fp.article_id:
            return first
        if not self._entries:
            return None
        mh = self._minhash(fp.signature)
        candidates = [c for c in self._lsh.query(mh.hashvalues) if c != fp.article_id]
        best, best_score = None, self.threshold
        for cand in candidates:
            other = self._entries.get(cand)
            if other is None:
                continue
            score = mh.jaccard(self._minhash(other.signature))
            if score >= best_score:
                best, best_score = cand, score
        return best

    def add(self, fp: Fingerprint) -> None:
        if fp.article_id in self._entries:
            return
        self._entries[fp.article_id] = fp
        self._by_hash.setdefault(fp.content_hash, fp.article_id)
        self._lsh.insert(fp.article_id, self._minhash(fp.signature).hashvalues)
        while len(self._entries) > self.window:
            old_id, old = self._entries.popitem(last=False)
            self._lsh.remove(old_id, self._minhash(old.signature).hashvalues)
            if self._by_hash.get(old.content_hash) == old_id:
                del self._by_hash[old.content_hash]
