"""Test helpers for talking to a real broker (in the spirit of bytewax's testing.py)."""

from __future__ import annotations

import asyncio
import subprocess
import time
import urllib.request

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from agents.tail import at_end  # the one "read to the fetch high watermark" check


async def produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


async def collect(bootstrap: str, topic: str, until, timeout: float = 60.0, headers: bool = False) -> list:
    """Read ``topic`` from the beginning until ``until(records)`` is true or the timeout passes.

    Records are (key, decoded JSON value) pairs; with ``headers``, (key, value, headers dict).
    """
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for msgs in batch.values():
                for m in msgs:
                    records.append((m.key, _decode(m.value), dict(m.headers)) if headers else (m.key, _decode(m.value)))
            if until(records):
                return records
        return records
    finally:
        await consumer.stop()


async def collect_all(bootstrap: str, topic: str, timeout: float = 60.0, headers: bool = False) -> list:
    """Every record on ``topic`` now: read from the beginning until each partition's position
    reaches the high watermark of the latest fetch.

    The fetch high watermark, not ListOffsets: the embedded broker under-reports the latter
    (tests/integration/test_tansu_end_offsets.py). This replaces waiting a fixed few seconds
    for "everything there is", which cost the suite seconds on every call.
    """
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for msgs in batch.values():
                for m in msgs:
                    records.append((m.key, _decode(m.value), dict(m.headers)) if headers else (m.key, _decode(m.value)))
            assigned = consumer.assignment()
            if assigned and not batch and await at_end(consumer, list(assigned)):
                return records
        raise TimeoutError(f"{topic}: not read to its end in {timeout}s ({len(records)} records)")
    finally:
        await consumer.stop()


def _decode(value: bytes | None) -> dict:
    """JSON records as dicts; anything else (the malformed inputs tests send) kept raw."""
    try:
        decoded = orjson.loads(value) if value is not None else None
    except orjson.JSONDecodeError:
        decoded = None
    return decoded if isinstance(decoded, dict) else {"_raw": value}


def run(coro):
    """asyncio.run, in a thread of its own so it also works beside Playwright's event loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


PIPELINE_TOPICS = ("raw", "normalised", "enriched", "quotes", "deadletter")


def own_topics(prefix: str) -> dict[str, str]:
    """Settings that give a pipeline topics of its own (``<prefix>.raw`` ...): no other test's
    articles in them, and no other group's records to mistake for its own."""
    return {f"NEWSWIRE_TOPIC_{t.upper()}": f"{prefix}.{t}" for t in PIPELINE_TOPICS}


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    """Until ``url`` answers 200 (a worker's ``/readyz``), failing at once if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:  # not up yet: refused, reset, a half-written answer or an error status
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready in {timeout:.0f} s")
