"""`newswire subscribe`: print a topic as JSON lines or a readable view."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import aclosing

import orjson

from newswire.cli.common import EXIT_USAGE, broker_failed, quiet_kafka_logs
from newswire.cli.common import err as _err
from pipeline.settings import get_settings


def cmd_subscribe(args: argparse.Namespace) -> int:
    from aiokafka.errors import KafkaError

    from pipeline.client import UnknownTopic, subscribe_raw
    from pipeline.errors import BrokerUnavailable
    from pipeline.filters import Filters, parse_since
    from pipeline.subscribe_view import render

    quiet_kafka_logs()
    s = get_settings()
    topic = {"enriched": s.topic_enriched, "quotes": s.topic_quotes, "deadletter": s.topic_deadletter,
             "raw": s.topic_raw, "normalised": s.topic_normalised}.get(args.topic, args.topic)
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        _err(f"newswire subscribe: {exc}")
        return EXIT_USAGE
    filters = Filters(entity=args.entity, speaker=args.speaker, label=args.label, source=args.source, since=since)

    async def main() -> None:
        count = 0
        # closed here, while the consumer's connections still run: left to asyncio.run's clean-up,
        # the last offset commit went out after those tasks were cancelled and waited 40 s for
        # an answer that never came (`--limit 2` took 45 s to exit)
        async with aclosing(subscribe_raw(s, topic, filters, group=args.group, done_on_yield=True,
                                          from_beginning=args.from_beginning or since is not None,
                                          idle_timeout=args.timeout, keep_duplicates=args.keep_duplicates,
                                          report=lambda line: _err(f"newswire subscribe: {line}"))) as values:
            async for value in values:
                if args.format == "text":
                    render(orjson.loads(value))
                else:
                    sys.stdout.buffer.write(value + b"\n")
                    sys.stdout.buffer.flush()
                count += 1
                if args.limit and count >= args.limit:
                    return

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    except UnknownTopic as exc:
        _err(f"newswire subscribe: {exc}")
        return EXIT_USAGE
    except (BrokerUnavailable, KafkaError) as exc:
        return broker_failed("subscribe", exc, s.bootstrap_servers)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    sb = sub.add_parser("subscribe", help="print a topic as JSONL or a readable view, with filters",
                        description="Print a topic's records. Each record is printed once: a copy with an id "
                                    "already printed (at-least-once redelivery) is skipped unless "
                                    "--keep-duplicates. Exit status 2: no broker, or no such topic.")
    sb.add_argument("--topic", default="enriched", help="enriched, quotes, deadletter, or a topic name")
    sb.add_argument("--group", help="durable consumer group: resume where it left off")
    sb.add_argument("--from-beginning", action="store_true")
    sb.add_argument("--limit", type=int, default=0, help="stop after N records")
    sb.add_argument("--timeout", type=float, default=None, help="stop after N seconds without records")
    sb.add_argument("--entity", help="articles naming this entity (name substring or entity id); quotes by or about it")
    sb.add_argument("--speaker", help="quotes whose speaker name contains this (articles with such a quote)")
    sb.add_argument("--label", help="articles with an entity of this label (PERSON, ORG, GPE...); quotes by one")
    sb.add_argument("--source", help="records whose source contains this")
    sb.add_argument("--since", help="records published to the topic since: ISO date/time or 30m, 6h, 2d")
    sb.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="JSON lines, or a readable view")
    sb.add_argument("--keep-duplicates", action="store_true",
                    help="print every copy of a record, also ones whose id was already printed")
    sb.set_defaults(fn=cmd_subscribe)
