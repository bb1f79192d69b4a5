"""One adjustment to Faust's Kafka consumer: a short fetch wait.

faust-streaming hard-codes ``fetch_max_wait_ms=1500`` for the worker's consumer. A broker that
holds an empty fetch for the full wait (Tansu does) then adds up to 1.5 s per pipeline hop to
an article that arrives while a partition is idle: two hops, three seconds. We set the wait on
the consumer object Faust builds, before it starts, and change nothing else.
"""

from __future__ import annotations

from faust.transport.drivers import aiokafka as faust_aiokafka

FETCH_MAX_WAIT_MS = 100
_original = faust_aiokafka.AIOKafkaConsumerThread._create_worker_consumer


def _create_worker_consumer(self, transport):  # noqa: ANN001, ANN202
    consumer = _original(self, transport)
    consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # noqa: SLF001 - read by aiokafka at start()
    return consumer


def install() -> None:
    faust_aiokafka.AIOKafkaConsumerThread._create_worker_consumer = _create_worker_consumer
