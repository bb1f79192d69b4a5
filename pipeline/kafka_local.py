"""Apache Kafka from its own jars: one node or a cluster of combined broker+controller nodes
(KRaft, no ZooKeeper) as plain ``java`` processes on loopback.

The jars come from Maven Central through ``kafka/pom.xml`` (``scripts/test.sh`` fetches them
into ``.kafka/lib``); nothing is downloaded here. Two uses:

* ``newswire run --broker kafka``: one durable node whose log lives under ``NEWSWIRE_DATA_DIR``,
  so stopping and starting ``newswire run`` loses nothing (Tansu keeps topics in memory);
* the Kafka tests: a three-node cluster with replication factor 3 and ``min.insync.replicas=2``,
  whose nodes can be killed and restarted one at a time.

Same shape as :class:`pipeline.broker.EmbeddedBroker`: ``start()``, ``stop()``, ``bootstrap``,
``url``, a context manager, and a log file per node.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.broker import BrokerError, EmbeddedBroker, free_port, port_open
from pipeline.supervise import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIB = ROOT / ".kafka" / "lib"
FETCH_HINT = "mvn -q -f kafka/pom.xml dependency:copy-dependencies (scripts/test.sh runs it)"
BROKER_MAIN = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
READY_LINE = "Kafka Server started"  # logged once the broker is registered and unfenced
# A broker's heap: Kafka needs little for a few topics; two cores and 24 GB are shared by every
# node, the workers and their spaCy children.
BROKER_JVM = ["-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true"]
# Command-line tools run for a second: the C1 compiler and a serial GC start fastest.
TOOL_JVM = ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true"]
LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = INFO
logger.lifecycle.name = org.apache.kafka.server.BrokerLifecycleManager
logger.lifecycle.level = INFO
logger.partition.name = kafka.cluster.Partition
logger.partition.level = INFO
"""


class KafkaError(BrokerError):
    pass


def kafka_lib(lib: Path | None = None) -> Path:
    """The folder of Kafka's jars, or a KafkaError saying how to fetch them."""
    lib = Path(lib or os.environ.get("NEWSWIRE_KAFKA_LIB") or DEFAULT_LIB)
    if not any(lib.glob("kafka_2.13-*.jar")):
        raise KafkaError(f"Apache Kafka's jars are not in {lib}; fetch them with: {FETCH_HINT}")
    return lib


def kafka_version(lib: Path | None = None) -> str:
    jar = next(kafka_lib(lib).glob("kafka_2.13-*.jar"))
    match = re.fullmatch(r"kafka_2\.13-(.+)\.jar", jar.name)
    return match.group(1) if match else "unknown"


def java_binary() -> str:
    home = os.environ.get("JAVA_HOME")
    found = shutil.which("java") or (home and shutil.which("java", path=str(Path(home) / "bin")))
    if not found:
        raise KafkaError("java is not installed (Kafka 4 needs Java 17 or later): apt-get install openjdk-17-jre-headless")
    return found


def run_tool(main: str, *args: str, lib: Path | None = None, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run one of Kafka's command-line tools (a main class from the jars); raise on failure."""
    cmd = [java_binary(), *TOOL_JVM, "-cp", f"{kafka_lib(lib)}/*", main, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise KafkaError(f"{main} {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc


@dataclass
class Node:
    node_id: int
    port: int
    controller_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.directory / "kafka.log"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class LocalKafka:
    """``nodes`` combined broker+controller nodes on ``host``; the first listens on ``port``.

    ``directory`` holds each node's config, log file and data (``node-<id>/``). A formatted
    directory is reused as it is: that is what makes the single node durable.
    """

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int | None = None, nodes: int = 1,
                 partitions: int = 4, min_insync_replicas: int | None = None, lib: Path | None = None,
                 overrides: dict[str, object] | None = None) -> None:
        self.directory = Path(directory)
        self.overrides = dict(overrides or {})  # extra server.properties, e.g. a test's shorter timeouts
        self.host = host
        self.partitions = partitions
        self.lib = lib
        self.replication = nodes
        # A cluster survives one lost node with acks=all; one node can only require itself.
        self.min_insync_replicas = min_insync_replicas or max(1, nodes - 1)
        ports = [port or free_port(host)] + [free_port(host) for _ in range(nodes - 1)]
        self.nodes = [Node(i + 1, ports[i], free_port(host), self.directory / f"node-{i + 1}") for i in range(nodes)]

    # --- the EmbeddedBroker shape ------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.nodes[0].port

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{self.host}:{n.port}" for n in self.nodes)

    @property
    def url(self) -> str:
        return ";".join(f"kafka://{self.host}:{n.port}" for n in self.nodes)

    @property
    def log_path(self) -> Path:
        return self.nodes[0].log_path

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self.nodes[0].process

    def start(self, timeout: float = 120.0) -> LocalKafka:
        """Format what is new, start every node, and wait until each has joined the cluster.

        Start from a thread that outlives the cluster: the JVMs die with the thread that
        forked them (``PR_SET_PDEATHSIG``), so none is left behind if this process is killed.
        """
        java_binary()
        kafka_lib(self.lib)
        for node in self.nodes:
            if port_open(self.host, node.port):
                raise KafkaError(f"port {node.port} on {self.host} is already in use; set NEWSWIRE_BROKER_PORT "
                                 f"to another port, or NEWSWIRE_BROKER=kafka://{self.host}:{node.port} to use "
                                 "the broker already there")
        self._format()
        try:
            for node in self.nodes:
                self._launch(node)
            for node in self.nodes:
                self._wait_started(node, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM every node (a controlled shutdown: leadership moves, logs are flushed)."""
        for node in self.nodes:
            if node.alive and node.process is not None:
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            proc, node.process = node.process, None
            if proc is None:
                continue
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> LocalKafka:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- faults ------------------------------------------------------------------------------
    def node(self, node_id: int) -> Node:
        return self.nodes[node_id - 1]

    def kill(self, node_id: int, sig: int = signal.SIGKILL) -> None:
        node = self.node(node_id)
        if node.process is not None:
            node.process.send_signal(sig)
            node.process.wait(30)
            node.process = None

    def restart(self, node_id: int, timeout: float = 120.0) -> float:
        """Start a stopped node again on its old ports and data; seconds until it is back."""
        t0 = time.monotonic()
        node = self.node(node_id)
        self._launch(node)
        self._wait_started(node, timeout)
        return time.monotonic() - t0

    def pause(self) -> None:
        for node in self.nodes:
            if node.alive and node.process is not None:
                node.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        for node in self.nodes:
            if node.alive and node.process is not None:
                node.process.send_signal(signal.SIGCONT)

    # --- internals ---------------------------------------------------------------------------
    def _config(self, node: Node) -> str:
        voters = ",".join(f"{n.node_id}@{self.host}:{n.controller_port}" for n in self.nodes)
        rf, isr = self.replication, self.min_insync_replicas
        settings = {
            "process.roles": "broker,controller",
            "node.id": node.node_id,
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://{self.host}:{node.port},CONTROLLER://{self.host}:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{node.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": node.directory / "data",
            "num.partitions": self.partitions,
            "default.replication.factor": rf,
            "min.insync.replicas": isr,
            "offsets.topic.replication.factor": rf,
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": isr,
            "share.coordinator.state.topic.replication.factor": rf,
            "share.coordinator.state.topic.min.isr": isr,
            "unclean.leader.election.enable": "false",
            # The first consumer group must not wait 3 s for others that are not coming.
            "group.initial.rebalance.delay.ms": 0,
            **self.overrides,
        }
        return "".join(f"{k}={v}\n" for k, v in settings.items())

    def _format(self) -> None:
        """Write configs; format with Kafka's storage tool every node that has no data yet."""
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        for node in self.nodes:
            node.directory.mkdir(parents=True, exist_ok=True)
            (node.directory / "server.properties").write_text(self._config(node))
            (node.directory / "log4j2.properties").write_text(LOG4J2)
            existing = node.directory / "data" / "meta.properties"
            if existing.exists():
                found = re.search(r"^cluster\.id=(.+)$", existing.read_text(), re.M)
                cluster_id = found.group(1).strip() if found else cluster_id
        new = [n for n in self.nodes if not (n.directory / "data" / "meta.properties").exists()]
        with ThreadPoolExecutor(max(1, len(new))) as pool:  # one JVM each, side by side
            list(pool.map(lambda n: run_tool(STORAGE_TOOL, "format", "--cluster-id", cluster_id,
                                             "--ignore-formatted", "--config", str(n.directory / "server.properties"),
                                             lib=self.lib), new))

    def _launch(self, node: Node) -> None:
        log4j = node.directory / "log4j2.properties"
        cmd = [java_binary(), *BROKER_JVM, f"-Dlog4j2.configurationFile={log4j}", f"-Dkafka.logs.dir={node.directory}",
               "-cp", f"{kafka_lib(self.lib)}/*", BROKER_MAIN, str(node.directory / "server.properties")]
        self._log_offset = {**getattr(self, "_log_offset", {}),
                            node.node_id: node.log_path.stat().st_size if node.log_path.exists() else 0}
        with open(node.log_path, "ab") as out:
            node.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)  # only sets a prctl flag

    def _wait_started(self, node: Node, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        offset = self._log_offset.get(node.node_id, 0)
        while time.monotonic() < deadline:
            if node.process is None or node.process.poll() is not None:
                code = node.process.returncode if node.process else None
                raise KafkaError(f"Kafka node {node.node_id} exited with code {code}; see {node.log_path}:\n"
                                 + _tail(node.log_path, offset))
            with open(node.log_path, "rb") as f:
                f.seek(offset)
                if READY_LINE.encode() in f.read():
                    return
            time.sleep(0.2)
        raise KafkaError(f"Kafka node {node.node_id} did not start within {timeout:.0f}s; see {node.log_path}")


def _tail(path: Path, offset: int, lines: int = 15) -> str:
    with open(path, "rb") as f:
        f.seek(offset)
        return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])


def local_broker(kind: str, host: str, port: int, data_dir: Path, partitions: int = 4,
                 ) -> tuple[EmbeddedBroker | LocalKafka, str]:
    """The broker ``newswire run`` starts when NEWSWIRE_BROKER is unset, started, with a line
    saying what it is. ``kafka``: one durable Apache Kafka node under ``data_dir/kafka``;
    ``tansu``: the embedded memory-only broker."""
    if kind == "kafka":
        kafka = LocalKafka(data_dir / "kafka", host, port, nodes=1, partitions=partitions).start()
        return kafka, (f"Apache Kafka {kafka_version()} (KRaft, one node) on {kafka.bootstrap}; "
                       f"log under {kafka.directory} (durable), its output in {kafka.log_path}")
    tansu = EmbeddedBroker(host, port, log_path=data_dir / "broker.log").start()
    return tansu, f"embedded Kafka broker (Tansu, memory-only) on {tansu.bootstrap}"
