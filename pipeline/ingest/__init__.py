"""Sending what sources read to ``news.raw``: the producer, the one ingest/follow loop, progress."""
