"""Apache Kafka for the tests: one three-node KRaft cluster for this package's tests, killed when
they are done so that its JVMs and its two idle workers do not slow the tests after it (combined broker and
controller nodes, started from the jars that ``kafka/pom.xml`` fetches), every topic with
replication factor 3 and ``min.insync.replicas=2``, every producer with ``acks=all``.

A test here never skips: without the jars or Java it fails and says how to get them.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.broker import free_port
from pipeline.kafka_local import KafkaError, LocalKafka, java_binary, kafka_lib, kafka_version

NODES = 3
REPLICATION = 3
MIN_INSYNC = 2  # one node of three may be lost without refusing a write
# A killed broker is fenced after 6 s instead of the default 9 s (heartbeats every second
# instead of two): the broker-kill tests wait that long per kill. Timing only; replication,
# min ISR and topic settings stay as in docker-compose.yml.
BROKER_SESSION_TIMEOUT_MS = 6000
FAST_FENCING = {"broker.session.timeout.ms": BROKER_SESSION_TIMEOUT_MS, "broker.heartbeat.interval.ms": 1000}
APP_ID = f"kafka-{uuid.uuid4().hex[:6]}"  # one consumer group for the session: each test goes on where the last stopped


def require_kafka() -> Path:
    try:
        java_binary()
        return kafka_lib()
    except KafkaError as exc:
        pytest.fail(f"the Apache Kafka tests cannot run: {exc}", pytrace=False)


@pytest.fixture(scope="package")
def kafka_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    require_kafka()
    cluster = LocalKafka(tmp_path_factory.mktemp("kafka"), nodes=NODES, min_insync_replicas=MIN_INSYNC,
                         overrides=FAST_FENCING)
    t0 = time.monotonic()
    cluster.start()
    print(f"\n[kafka] Apache Kafka {kafka_version()}: {NODES} nodes on {cluster.bootstrap} "
          f"started in {time.monotonic() - t0:.1f}s")
    try:
        yield cluster
    finally:
        # SIGKILL: the data is thrown away, and a controlled shutdown of all three nodes at once
        # waits ~10 s for a quorum that is leaving with them
        for node in cluster.nodes:
            cluster.kill(node.node_id)
        # CPU the session's processes used (brokers, workers, tools): on a shared machine the
        # wall clock says more about the neighbours than about these tests
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"\n[kafka] session: {time.monotonic() - t0:.0f}s wall, child processes "
              f"{used.ru_utime + used.ru_stime:.0f} CPU-seconds")


def cluster_env(cluster: LocalKafka, data_dir: Path) -> dict[str, str]:
    """What a newswire process needs to run on the cluster, as a user would set it."""
    return {**os.environ, "NEWSWIRE_BROKER": cluster.url, "NEWSWIRE_APP_ID": APP_ID,
            "NEWSWIRE_DATA_DIR": str(data_dir), **replication_env()}


@pytest.fixture(scope="package")
def kafka_env(kafka_cluster: LocalKafka, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cluster_env(kafka_cluster, tmp_path_factory.mktemp("newswire-kafka"))


def ready(port: int) -> bool:
    with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
        return r.status == 200
    return False


@contextlib.contextmanager
def newswire_run(env: dict[str, str], log: Path, *args: str, workers: int = 1,
                 timeout: float = 180.0) -> Iterator[subprocess.Popen[bytes]]:
    """``newswire run`` as the README starts it; yields once every worker answers /readyz."""
    port = int(env["NEWSWIRE_WEB_PORT"])
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "newswire", "run", "--workers", str(workers), "--no-archive",
                                 *args],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not all(ready(port + i) for i in range(workers)):
            if proc.poll() is not None:
                raise RuntimeError(f"newswire run exited with {proc.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"newswire run not ready in {timeout:.0f}s; see {log}")
            time.sleep(0.5)
        yield proc
    finally:
        stop_run(proc)


def stop_run(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (run stops its workers and broker); whatever is left of its group is killed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def web_env(env: dict[str, str], workers: int = 1) -> dict[str, str]:
    """``env`` with a web port whose next ``workers - 1`` ports are free too."""
    while True:
        port = free_port()
        if all(free_port_at(port + i) for i in range(workers)):
            return {**env, "NEWSWIRE_WEB_PORT": str(port)}


def free_port_at(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def replication_env() -> dict[str, str]:
    return {"NEWSWIRE_REPLICATION_FACTOR": str(REPLICATION), "NEWSWIRE_MIN_INSYNC_REPLICAS": str(MIN_INSYNC)}


@dataclass
class ClusterPipeline:
    """``newswire run --workers 2`` on the cluster, as a user points it with NEWSWIRE_BROKER."""

    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    workers: int

    @property
    def ports(self) -> list[int]:
        return [int(self.env["NEWSWIRE_WEB_PORT"]) + i for i in range(self.workers)]

    def processes(self, marker: str) -> list[int]:
        """Descendants of ``newswire run`` whose command line contains ``marker``."""
        found = []
        for pid in descendants(self.proc.pid):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read().replace(b"\0", b" "):
                    found.append(pid)
        return found

    def wait_ready(self, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(ready(port) for port in self.ports):
            if time.monotonic() > deadline:
                raise TimeoutError(f"workers on {self.ports} not ready in {timeout:.0f}s")
            time.sleep(0.5)


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
            parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
    found = {pid}
    grew = True
    while grew:
        new = {child for child, parent in parents.items() if parent in found} - found
        found |= new
        grew = bool(new)
    return sorted(found - {pid})


@pytest.fixture(scope="package")
def cluster_pipeline(kafka_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterPipeline]:
    """The pipeline the Kafka tests share: two workers, the archive left out (not under test)."""
    workers = 2
    env = web_env(kafka_env, workers)
    with newswire_run(env, tmp_path_factory.mktemp("run") / "run.log", workers=workers, timeout=300) as proc:
        yield ClusterPipeline(proc, env, workers)
