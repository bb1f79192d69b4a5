"""The worker's spaCy child process: results match the in-process code, and a child that
dies mid-batch is replaced without losing or misattributing any article."""

import asyncio
import os
import signal

import orjson

from pipeline.enrich import enrich_batch
from pipeline.messages import encode
from pipeline.nlp_process import NlpProcess
from pipeline.normalise import normalise
from schemas.records import RawArticle
from tests.helpers import run

STORIES = [
    ("one", 'LISBON (Iberia Wire) - "We will not sign this plan," union leader Mira Castell said on Monday.'),
    ("two", "OSLO, May 2 (Reuters) - Norway's central bank held rates, governor Ida Wolden Bache told reporters."),
    ("three", 'NAIROBI (AP) - The minister said the road would reopen. "It is safe now," she added.'),
]


def articles():
    return [normalise(RawArticle(id=i, source="test", content_type="text/plain", body=b)) for i, b in STORIES]


def comparable(encoded: bytes) -> dict:
    record = orjson.loads(encoded)
    record["pipeline"]["timings"] = {}
    return record


def test_child_results_equal_in_process_results(nlp):
    batch = articles()
    expected = [comparable(encode(a)) for a in enrich_batch(batch, nlp)]

    async def go():
        proc = NlpProcess(None, batch_size=16)
        try:
            await proc.warm_up()
            return await proc.enrich(batch)
        finally:
            proc.close()

    outcomes = run(go())
    assert [o.error for o in outcomes] == [None, None, None]
    assert [comparable(o.encoded) for o in outcomes] == expected


# Copies of the three stories sent at once: enough work (seconds) that the kill lands mid-batch
# (60 articles once finished in under the 0.3 s the test waits, and no restart was needed).
BATCHES = 200


def test_a_killed_child_is_replaced_and_every_article_still_enriched():
    async def go():
        proc = NlpProcess(None, batch_size=16)
        try:
            await proc.warm_up()
            (child,) = proc._pool._processes  # the test needs the child's pid
            pending = asyncio.ensure_future(proc.enrich(articles() * BATCHES))
            await asyncio.sleep(0.3)  # mid-batch: the whole takes seconds
            os.kill(child, signal.SIGKILL)
            return await pending, proc.restarts
        finally:
            proc.close()

    outcomes, restarts = run(go())
    assert restarts == 1
    assert len(outcomes) == 3 * BATCHES and all(o.error is None for o in outcomes)
    ids = [orjson.loads(o.encoded)["id"] for o in outcomes]
    assert ids == [i for i, _ in STORIES] * BATCHES


def test_an_article_that_breaks_the_batch_fails_alone(monkeypatch, nlp):
    """The child's batch fallback, run in this process: one Outcome per article, in order."""
    from pipeline import enrich, nlp_process

    real = enrich.enrich_batch

    def fragile(batch, nlp, batch_size):
        if any(a.id == "two" for a in batch):
            raise ValueError("cannot parse two")
        return real(batch, nlp, batch_size)

    monkeypatch.setattr(enrich, "enrich_batch", fragile)  # the child imports it on first use
    monkeypatch.setattr(nlp_process, "_nlp", nlp)
    outcomes = nlp_process._enrich(articles(), 16)
    assert [o.error for o in outcomes] == [None, "ValueError: cannot parse two", None]
    assert [orjson.loads(o.encoded)["id"] for o in (outcomes[0], outcomes[2])] == ["one", "three"]
