"""Matrix products through OpenBLAS: the same products as BLIS, and the same records."""

from __future__ import annotations

import numpy as np
import pytest
from thinc.api import NumpyOps

from pipeline.enrich import enrich_batch
from pipeline.nlp.blas import OpenBlasOps, use_openblas
from pipeline.normalise import normalise
from pipeline.sources import Rejected, read_all
from tests.conftest import all_own_stories


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True), (True, True)])
def test_gemm_equals_blis_to_float32_rounding(trans1, trans2):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 96) if not trans1 else (96, 40)).astype("float32")
    y = rng.standard_normal((96, 288) if not trans2 else (288, 96)).astype("float32")
    blis = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    ours = OpenBlasOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert ours.shape == blis.shape == (40, 288) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, blis, rtol=1e-5, atol=1e-4)
    out = np.zeros((40, 288), dtype="float32")
    assert OpenBlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    np.testing.assert_allclose(out, blis, rtol=1e-5, atol=1e-4)


def _set_ops(nlp, ops) -> None:
    for _, proc in nlp.pipeline:
        if hasattr(getattr(proc, "model", None), "walk"):
            for node in proc.model.walk():
                node.ops = ops


def test_records_are_the_same_with_either_blas(nlp):
    paths = all_own_stories()
    articles = [normalise(a) for a in read_all([str(p) for p in paths]) if not isinstance(a, Rejected)]
    assert len(articles) == len(paths)

    def records():
        out = []
        for r in enrich_batch(articles, nlp):
            d = r.model_dump()
            d.pop("pipeline")
            out.append(d)
        return out

    assert use_openblas(nlp) > 100  # every layer of every component
    with_openblas = records()
    try:
        _set_ops(nlp, NumpyOps())
        with_blis = records()
    finally:
        use_openblas(nlp)
    assert with_openblas == with_blis
    assert sum(len(r["quotes"]) for r in with_blis) > 20 and sum(len(r["entities"]) for r in with_blis) > 50


def test_the_loaded_model_uses_openblas_unless_switched_off(nlp, monkeypatch):
    layers = [node for _, proc in nlp.pipeline if hasattr(getattr(proc, "model", None), "walk")
              for node in proc.model.walk()]
    assert layers and all(isinstance(node.ops, OpenBlasOps) for node in layers)
    from pipeline.nlp import model as model_module
    from pipeline.settings import Settings

    monkeypatch.setattr(model_module, "get_settings", lambda: Settings(openblas=False))
    model_module.load_model.cache_clear()
    try:
        plain = model_module.load_model()
        assert not any(isinstance(node.ops, OpenBlasOps) for _, p in plain.pipeline
                       if hasattr(getattr(p, "model", None), "walk") for node in p.model.walk())
    finally:
        model_module.load_model.cache_clear()
