"""The agents' logic without a broker: the normalise step and the enrich finisher, run in this
process on Faust's own Event/Message objects, with the context's ``send`` replaced by a recorder
whose deliveries are acknowledged a little later, as a broker's would be.

The broker tests (tests/integration/test_pipeline.py, tests/reliability) still run the same
code through Kafka; these check the records and dead letters each input produces, and that no
source event is acked before every output it caused is acknowledged (at-least-once).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
import pytest
from faust.events import Event
from faust.types import Message

from agents.context import Context
from agents.enrich import finish, prepare
from agents.normalise import NormaliseStep
from agents.topics import declare
from pipeline import nlp_process
from pipeline.errors import Reason
from pipeline.messages import POISON_DETAIL_HEADER, POISON_HEADER, encode
from pipeline.normalise import normalise
from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint
from pipeline.settings import Settings
from pipeline.sources.files import FileSource
from schemas.records import DeadLetter, EnrichedArticle, NormalisedArticle, QuoteRecord, RawArticle
from tests.conftest import FIXTURES

DELIVERY_S = 0.01  # how long the fake broker takes to acknowledge a record
BODY = ("GENEVA (Wire) - Talks on the harbour strike ended on Monday without a deal, the union said. "
        "\"We will be back at the table on Thursday,\" said Maria Costa, who leads the dockers' union. "
        "Shipping companies said the strike had cost them millions.")


@dataclass
class Sent:
    topic: str
    key: str | None
    value: bytes
    headers: list[tuple[str, bytes]] | None
    delivered: asyncio.Future[Any]


@dataclass
class Recorder:
    """Stands in for the producer: records each send, acknowledges it ``DELIVERY_S`` later."""

    sent: list[Sent] = field(default_factory=list)

    async def send(self, topic: Any, key: str | None, value: bytes, partition: int | None = None,
                   headers: list[tuple[str, bytes]] | None = None) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        delivered: asyncio.Future[Any] = loop.create_future()
        loop.call_later(DELIVERY_S, delivered.set_result, None)
        self.sent.append(Sent(topic.get_topic_name(), key, value, headers, delivered))
        return delivered

    def on(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]


@pytest.fixture
def ctx(monkeypatch, tmp_path):
    settings = Settings(data_dir=tmp_path)
    app = faust.App("inprocess-test", broker="kafka://127.0.0.1:9", value_serializer="raw", key_serializer="raw",
                    datadir=str(tmp_path / "faust"), store="memory://")
    context = Context(app=app, settings=settings, topics=declare(app, settings))
    recorder = Recorder()
    monkeypatch.setattr(context, "send", recorder.send)
    context.recorder = recorder  # the tests read what was sent
    return context


_offsets = itertools.count(100)


def event(app: faust.App, value: bytes, topic: str, key: bytes | None = None,
          headers: list[tuple[str, bytes]] | None = None) -> Event:
    message = Message(topic=topic, partition=3, offset=next(_offsets), timestamp=0.0, timestamp_type=0,
                      headers=headers or [], key=key, value=value, checksum=None)
    return Event(app, key, value, headers or [], message)


def header(sent: Sent, name: str) -> str:
    return dict(sent.headers or [])[name].decode()


# --- normalise ------------------------------------------------------------------------------


async def test_normalise_step_publishes_records_marks_duplicates_and_dead_letters(ctx):
    rec, s = ctx.recorder, ctx.settings
    remembered: list[Fingerprint] = []

    async def remember(fp: Fingerprint) -> asyncio.Future:
        remembered.append(fp)
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    step = NormaliseStep(ctx, DuplicateIndex(s.dedupe_threshold, s.dedupe_window), remember)
    raw = s.topic_raw
    inputs = {
        "first": event(ctx.app, orjson.dumps({"id": "first", "source": "wire", "body": BODY}), raw),
        "copy": event(ctx.app, orjson.dumps({"id": "copy", "source": "other", "body": BODY}), raw),
        "not-json": event(ctx.app, b"{nope", raw, key=b"not-json"),
        "empty": event(ctx.app, orjson.dumps({"id": "empty", "source": "wire", "body": "   "}), raw),
        "poison": event(ctx.app, b"", raw, headers=[(POISON_HEADER, b"corrupt_batch"),
                                                    (POISON_DETAIL_HEADER, b"InvalidCRC")]),
    }
    for ev in inputs.values():
        before = len(rec.sent)
        await step.handle(ev)
        # handle returns only once its one output is acknowledged
        assert len(rec.sent) == before + 1 and rec.sent[-1].delivered.done()

    records = [NormalisedArticle.model_validate_json(x.value) for x in rec.on(s.topic_normalised)]
    assert [(a.id, a.duplicate_of) for a in records] == [("first", None), ("copy", "first")]
    expected = normalise(RawArticle(id="first", source="wire", body=BODY))
    assert (records[0].text, records[0].dateline, records[0].title) == (expected.text, expected.dateline, expected.title)
    assert [f.article_id for f in remembered] == ["first", "copy"]
    assert header(rec.on(s.topic_normalised)[1], "source_offset") == str(inputs["copy"].message.offset)

    dead = [DeadLetter.model_validate_json(x.value) for x in rec.on(s.topic_deadletter)]
    by_offset = {d.offset: d for d in dead}
    assert len(by_offset) == len(dead) == 3
    assert by_offset[inputs["not-json"].message.offset].reason == Reason.INVALID_JSON
    assert by_offset[inputs["empty"].message.offset].reason == Reason.EMPTY_BODY
    poison = by_offset[inputs["poison"].message.offset]
    assert (poison.reason, poison.stage, poison.partition) == (Reason.CORRUPT_BATCH, "normalise", 3)
    assert "InvalidCRC" in poison.message
    assert ctx.metrics.agent("normalise").events_in == 5
    assert ctx.metrics.agent("normalise").events_out == 2
    assert ctx.metrics.agent("normalise").errors == 3


# --- enrich ---------------------------------------------------------------------------------


def normalised_wire_story() -> NormalisedArticle:
    (raw,) = list(FileSource(str(FIXTURES / "wire_story.txt")).read())
    return normalise(raw.model_copy(update={"id": "wire"}))


async def test_enrich_finisher_publishes_records_quotes_and_dead_letters_before_acking(ctx, nlp, monkeypatch):
    rec, s = ctx.recorder, ctx.settings
    monkeypatch.setattr(nlp_process, "_nlp", nlp)
    ctx.topics_extra["trend_counts"] = ctx.app.topic("inprocess-test.trend-counts")
    topic = s.topic_normalised
    wire = normalised_wire_story()
    fails = normalise(RawArticle(id="breaks-nlp", source="wire", body=BODY))
    events = [
        event(ctx.app, encode(wire), topic, key=b"wire"),
        event(ctx.app, b"{\"id\": \"half\"}", topic, key=b"half"),  # JSON, but no NormalisedArticle
        event(ctx.app, b"", topic, headers=[(POISON_HEADER, b"unsupported_codec"), (POISON_DETAIL_HEADER, b"zstd")]),
        event(ctx.app, encode(fails), topic, key=b"breaks-nlp"),
    ]

    async def child(articles: list[NormalisedArticle]) -> list[nlp_process.Outcome]:
        """What the NLP child process does, in this process; one article fails in it."""
        outcomes = nlp_process._enrich(articles, 16)
        return [nlp_process.Outcome(error="ValueError: cannot parse") if a.id == "breaks-nlp" else o
                for a, o in zip(articles, outcomes, strict=True)]

    batch = prepare(events)
    assert [a.id for _, a in batch.parsed] == ["wire", "breaks-nlp"]
    assert [m.message.refcount for m in events] == [1, 1, 1, 1]  # held until the finisher acks
    batch.submit(child)

    acked: list[tuple[int, bool]] = []

    async def ack(ev: Event) -> None:
        acked.append((ev.message.offset, all(x.delivered.done() for x in rec.sent)))

    await finish(ctx, batch, ack)

    # every event acked once, in order, and only after every output was acknowledged
    assert acked == [(e.message.offset, True) for e in events]

    (enriched_sent,) = rec.on(s.topic_enriched)
    enriched = EnrichedArticle.model_validate_json(enriched_sent.value)
    direct = nlp_process._enrich([wire], 16)[0]
    expected = EnrichedArticle.model_validate_json(direct.encoded)
    assert enriched_sent.key == "wire"
    assert [(e.id, len(e.mentions)) for e in enriched.entities] == [(e.id, len(e.mentions)) for e in expected.entities]
    assert [q.text for q in enriched.quotes] == [q.text for q in expected.quotes] and enriched.quotes
    assert header(enriched_sent, "source_offset") == str(events[0].message.offset)

    quotes = [QuoteRecord.model_validate_json(x.value) for x in rec.on(s.topic_quotes)]
    assert [q.quote.id for q in quotes] == [q.id for q in expected.quotes]
    assert [x.key for x in rec.on(s.topic_quotes)] == [(q.speaker.entity_id if q.speaker else None) or ""
                                                       for q in expected.quotes]
    assert rec.on("inprocess-test.trend-counts")  # the trend counts of the published article

    dead = [DeadLetter.model_validate_json(x.value) for x in rec.on(s.topic_deadletter)]
    assert [(d.offset, d.reason, d.stage) for d in dead] == [
        (events[1].message.offset, Reason.INVALID_RECORD, "enrich"),
        (events[2].message.offset, Reason.UNSUPPORTED_CODEC, "enrich"),
        (events[3].message.offset, Reason.NLP_FAILED, "enrich"),
    ]
    assert dead[2].article_id == "breaks-nlp" and "cannot parse" in dead[2].message
    assert ctx.articles["wire"] == enriched_sent.value  # kept for the dashboard's article page
    assert ctx.metrics.agent("enrich").events_out == 1 and ctx.metrics.agent("enrich").errors == 3


async def test_enrich_finisher_acks_nothing_when_an_output_is_refused(ctx):
    """A delivery that fails (the broker refused the record) fails the finisher before any ack:
    the events stay uncommitted and are read again."""
    topic = ctx.settings.topic_normalised
    events = [event(ctx.app, b"{nope", topic)]

    async def refusing_send(*args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        failed.set_exception(RuntimeError("MessageSizeTooLarge"))
        return failed

    ctx.send = refusing_send
    acked: list[Event] = []

    async def ack(ev: Event) -> None:
        acked.append(ev)

    with pytest.raises(RuntimeError, match="MessageSizeTooLarge"):
        await finish(ctx, prepare(events), ack)
    assert acked == []
