"""How far each consumer is behind the end of its partitions."""

from __future__ import annotations

from agents.context import Context


def consumer_lag(ctx: Context) -> dict[str, int]:
    """Messages behind the end of each assigned pipeline partition (highwater - next offset)."""
    lag: dict[str, int] = {}
    consumer = ctx.app.consumer
    try:
        assignment = consumer.assignment()
    except Exception:  # noqa: BLE001
        return lag
    pipeline_topics = {ctx.settings.topic_raw, ctx.settings.topic_normalised, ctx.settings.topic_quotes}
    for tp in assignment:
        if tp.topic not in pipeline_topics and not tp.topic.endswith("trend-counts"):
            continue
        try:
            high = consumer.highwater(tp)
        except Exception:  # noqa: BLE001
            continue
        read = consumer._read_offset.get(tp)  # noqa: SLF001 - Faust keeps no public accessor
        position = (read + 1) if read is not None else 0
        lag[f"{tp.topic}[{tp.partition}]"] = max(0, (high or 0) - position)
    return lag
