"""newswire: turn raw wire copy into structured, enriched news records on Kafka."""

__version__ = "0.1.0"
