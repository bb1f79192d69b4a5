"""The duplicate index without SciPy (pipeline/normalise/dedupe.py) against datasketch itself:
the same (bands, rows) as MinHashLSH, the same signatures as datasketch's MinHash loaded whole,
the same candidates for every query, and a worker process that never imports SciPy."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from datasketch.lsh import _optimal_param

from pipeline.normalise import dedupe
from pipeline.normalise.dedupe import NUM_PERM, SCHEME, BandIndex, body_words, lsh_params, signature
from tests.conftest import ROOT, all_own_stories


@pytest.mark.parametrize("threshold", [t / 100 for t in range(5, 96, 5)] + [0.7, 0.85, 0.33])
def test_bands_and_rows_are_datasketchs(threshold: float) -> None:
    assert lsh_params(threshold) == _optimal_param(threshold, NUM_PERM, 0.5, 0.5)


def test_default_threshold_gives_eight_bands_of_eight() -> None:
    assert lsh_params(0.7) == (8, 8)
    assert MinHashLSH(threshold=0.7, num_perm=NUM_PERM).b == 8


def _texts() -> list[list[str]]:
    """Our own stories, each with edited copies (words dropped at random) and, so that some
    buckets hold several ids, copies of copies."""
    rng = random.Random(20)
    out: list[list[str]] = []
    for path in all_own_stories():
        words = body_words(path.read_text(encoding="utf-8"))
        out.append(words)
        for rate in (0.02, 0.05, 0.1, 0.3):
            out.append([w for w in words if rng.random() > rate])
    return out


def test_signatures_and_candidates_are_datasketchs() -> None:
    texts = _texts()
    ours, theirs = BandIndex(0.7), MinHashLSH(threshold=0.7, num_perm=NUM_PERM)
    hashes: list[np.ndarray] = []
    for i, words in enumerate(texts):
        sig = signature(words)
        reference = MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME)
        shingles = [" ".join(words[k:k + dedupe.SHINGLE]) for k in range(len(words) - dedupe.SHINGLE + 1)]
        reference.update_batch([s.encode() for s in shingles])
        assert sig == [int(x) for x in reference.hashvalues]
        hashes.append(reference.hashvalues)
        ours.insert(str(i), reference.hashvalues)
        theirs.insert(str(i), reference)
    shared = 0
    for hv in hashes:
        found = ours.query(hv)
        assert found == set(theirs.query(MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME, hashvalues=hv)))
        shared += len(found) > 1
    assert shared > len(texts) // 3  # lightly edited copies are found: the comparison is not vacuous
    for i in range(0, len(hashes), 2):
        ours.remove(str(i), hashes[i])
        theirs.remove(str(i))
    for hv in hashes:
        assert ours.query(hv) == set(theirs.query(MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME, hashvalues=hv)))


def test_worker_side_never_imports_scipy() -> None:
    """In a fresh process (as in a worker): dedupe works without SciPy, and a later full
    ``import datasketch`` still loads the whole package."""
    code = (
        "import sys\n"
        "from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint, signature\n"
        "words = 'the port strike ended on wednesday after three days of talks in valmora'.split()\n"
        "index = DuplicateIndex(0.7)\n"
        "index.add(Fingerprint('a', 'h1', signature(words)))\n"
        "print(index.find(Fingerprint('b', 'h2', signature(words))), 'scipy' in sys.modules)\n"
        "import datasketch, datasketch.minhash\n"
        "print(datasketch.MinHash is datasketch.minhash.MinHash, hasattr(datasketch, 'MinHashLSH'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["a", "False", "True", "True"]
