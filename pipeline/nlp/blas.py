"""Matrix products through NumPy's BLAS instead of thinc's bundled BLIS.

thinc's CPU backend multiplies matrices with the ``blis`` package. On this project's reference
machine (x86-64 with AVX2/AVX-512) NumPy's OpenBLAS does the shapes spaCy's small models use
three to four times faster on one thread: a 3,000 x 288 by 288 x 288 product, the size of a
tok2vec maxout layer over a batch of stories, took 30.0 ms with BLIS and 8.3 ms with OpenBLAS
(``OPENBLAS_NUM_THREADS=1``). Those products are most of the CPU the NLP child spends (the
profile in the README, "Performance"), so every model layer is given these ops after loading.

The results are the same products in a different summation order: equal to float32 rounding,
which tests/unit/test_blas.py and the records of the fast-path tests check on real stories.
The transition parser's per-step C loop keeps its own BLIS pointer (not reachable from
Python); that is the small remainder.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.language import Language
from thinc.api import NumpyOps


class OpenBlasOps(NumpyOps):
    """NumpyOps whose ``gemm`` is ``numpy.matmul``."""

    name = "numpy"  # as NumpyOps: spaCy and thinc check this name to choose CPU code paths

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return np.matmul(a, b)
        np.matmul(a, b, out=out)
        return out


def use_openblas(nlp: Language) -> int:
    """Give every layer of every trainable component the OpenBLAS ops; the number of layers."""
    ops = OpenBlasOps()
    count = 0
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops
            count += 1
    return count
