"""Exact and near-duplicate detection over recent stories.

Syndicated copies of one wire story differ in headline, dateline and byline, so both the
content hash and the MinHash signature are taken over the story body alone, as a sequence of
lower-cased words. The index is plain Python; the normalise agent persists each entry in a
Faust table and rebuilds the index from it after a restart.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported on first use: datasketch pulls in SciPy (~40 MB), and the NLP
    # child, which decodes messages through this package but never deduplicates, must not pay it
    from datasketch import MinHash

_WORD = re.compile(r"\w+")
NUM_PERM = 64
SHINGLE = 5
SCHEME = "affine32"


def body_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_hash(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch draws the permutations from a seeded RNG in every MinHash it builds; drawing
    them once made the normalise stage about a third cheaper."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME).permutations


def _new_minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME, hashvalues=hashvalues, permutations=_permutations())


def signature(words: list[str]) -> list[int]:
    m = _new_minhash()
    if len(words) < SHINGLE:
        shingles = [" ".join(words)]
    else:
        shingles = [" ".join(words[i: i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    m.update_batch([s.encode() for s in shingles])
    return [int(x) for x in m.hashvalues]


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
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
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
        candidates = [c for c in self._lsh.query(mh) if c != fp.article_id]
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
        self._lsh.insert(fp.article_id, self._minhash(fp.signature))
        while len(self._entries) > self.window:
            old_id, old = self._entries.popitem(last=False)
            self._lsh.remove(old_id)
            if self._by_hash.get(old.content_hash) == old_id:
                del self._by_hash[old.content_hash]
