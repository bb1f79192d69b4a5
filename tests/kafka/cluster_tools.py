"""Looking at the cluster from outside: partition leaders and ISRs, topic configs, the group
as Kafka's own ``kafka-consumer-groups`` sees it, and a producer that records its failures."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from pipeline.kafka_local import CONSUMER_GROUPS, LocalKafka, run_tool
from tests.helpers import produce, run
from tests.reliability.harness import story


async def _partitions(bootstrap: str, topic: str) -> list[dict]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return sorted(described["partitions"], key=lambda p: p["partition"])
    finally:
        await admin.close()


def partitions(bootstrap: str, topic: str) -> list[dict]:
    """``[{"partition", "leader", "replicas", "isr", ...}]`` from the cluster's metadata."""
    return run(_partitions(bootstrap, topic))


async def _topic_config(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        (resource,) = response.resources
        return {entry[0]: entry[1] for entry in resource[4]}
    finally:
        await admin.close()


def topic_config(bootstrap: str, topic: str) -> dict[str, str]:
    return run(_topic_config(bootstrap, topic))


def busiest_leader(bootstrap: str, topic: str) -> int:
    """The node leading most of ``topic``'s partitions (ties: the lowest id)."""
    leaders = [p["leader"] for p in partitions(bootstrap, topic)]
    return min(set(leaders), key=lambda node: (-leaders.count(node), node))


def wait_full_isr(bootstrap: str, topic: str, size: int, timeout: float = 120.0) -> float:
    """Seconds until every partition of ``topic`` has ``size`` in-sync replicas again."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if all(len(p["isr"]) >= size for p in partitions(bootstrap, topic)):
                return time.monotonic() - t0
        except Exception:  # metadata while a node comes back: ask again
            pass
        time.sleep(1.0)
    raise TimeoutError(f"{topic}: ISR not back to {size} within {timeout:.0f}s")


TIMES = ("received_at",)  # when the article arrived: differs between any two runs


def comparable(record: dict) -> dict:
    """The record without its times (``received_at``, the pipeline's stage timings)."""
    out = {k: v for k, v in record.items() if k not in TIMES}
    if isinstance(out.get("pipeline"), dict):
        out["pipeline"] = {k: v for k, v in out["pipeline"].items() if k != "timings"}
    return out


LINE = re.compile(r"^(?P<group>\S+)\s+(?P<topic>\S+)\s+(?P<partition>\d+)\s+(?P<current>-|\d+)\s+(?P<end>-|\d+)\s+"
                  r"(?P<lag>-|\d+)\s")


def consumer_groups(cluster: LocalKafka, group: str) -> dict[tuple[str, int], dict[str, int | None]]:
    """``kafka-consumer-groups --describe``: current (committed) offset, log end offset and lag
    per partition, as Apache Kafka's own tool reports them."""
    out = run_tool(CONSUMER_GROUPS, "--bootstrap-server", cluster.bootstrap, "--describe", "--group", group).stdout
    rows: dict[tuple[str, int], dict[str, int | None]] = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m and m["group"] == group:
            rows[(m["topic"], int(m["partition"]))] = {
                k: (None if m[k] == "-" else int(m[k])) for k in ("current", "end", "lag")}
    return rows


@dataclass
class Sender:
    """Sends ``story(i)`` for ``ids`` to news.raw in a thread, acks=all, in chunks; a chunk that
    fails is retried (the producer's own retries gave up), and the failures are counted."""

    bootstrap: str
    ids: range
    chunk: int = 50
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    thread: threading.Thread | None = None

    def start(self) -> Sender:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        t0 = time.monotonic()
        for start in range(self.ids.start, self.ids.stop, self.chunk):
            batch: list[tuple[bytes | None, bytes]] = [
                (f"a{i:05d}".encode(), story(i)) for i in range(start, min(start + self.chunk, self.ids.stop))]
            for _attempt in range(5):
                try:
                    run(produce(self.bootstrap, "news.raw", batch))
                    break
                except Exception as exc:  # counted and reported
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                    time.sleep(2.0)
        self.seconds = time.monotonic() - t0

    def join(self, timeout: float = 600.0) -> None:
        assert self.thread is not None
        self.thread.join(timeout)
