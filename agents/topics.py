"""The pipeline's topics. Values are raw bytes (orjson-encoded records) so that a malformed
message reaches our code, and the dead-letter topic, instead of failing in a deserializer."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from pipeline.settings import Settings


@dataclass
class Topics:
    raw: faust.TopicT
    normalised: faust.TopicT
    enriched: faust.TopicT
    quotes: faust.TopicT
    deadletter: faust.TopicT
    # min.insync.replicas for the topics newswire creates (None: the broker's default)
    config: dict[str, str] | None = None
    # Set once the output topics exist: /readyz waits for it, so that a consumer subscribing
    # the moment the pipeline is ready finds its topic.
    outputs_declared: bool = False


def declare(app: faust.App, settings: Settings) -> Topics:
    # Replication comes from the app (topic_replication_factor); min.insync.replicas is the
    # topic's own config, so that acks=all means "on at least this many brokers".
    config = {"min.insync.replicas": str(settings.min_insync_replicas)} if settings.min_insync_replicas else None

    def topic(name: str) -> faust.TopicT:
        # internal: Faust creates the topic (partitions, replication, config) before it subscribes.
        # Apache Kafka, unlike Tansu, does not create a topic a consumer asks for, and aiokafka
        # looks again only after metadata_max_age (5 min): a fresh cluster sat idle that long.
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                         value_serializer="raw", partitions=settings.partitions, config=config, internal=True)

    topics = Topics(
        raw=topic(settings.topic_raw),
        normalised=topic(settings.topic_normalised),
        enriched=topic(settings.topic_enriched),
        quotes=topic(settings.topic_quotes),
        deadletter=topic(settings.topic_deadletter),
        config=config,
    )

    @app.task
    async def create_output_topics() -> None:
        """Outputs exist as soon as a worker runs: subscribers of news.deadletter need not wait
        for the first dead letter, and no topic is left to the broker's auto-creation defaults."""
        for t in (topics.enriched, topics.quotes, topics.deadletter):
            await t.maybe_declare()
        topics.outputs_declared = True

    return topics
