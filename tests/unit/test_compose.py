"""docker-compose.yml is well-formed Compose and speaks the settings the app reads."""

import sys
from pathlib import Path

import jsonschema
import yaml

from pipeline.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
# put there by scripts/test.sh, from the docker-compose 1.29.2 wheel
COMPOSE_SPEC = Path(sys.prefix) / "share" / "compose-spec" / "compose_spec.json"


def test_compose_file_validates_against_the_compose_specification():
    import json

    validator = jsonschema.Draft201909Validator(json.loads(COMPOSE_SPEC.read_text()))
    doc = yaml.safe_load(COMPOSE.read_text())
    assert [e.message for e in validator.iter_errors(doc)] == []
    with_typo = {**doc, "services": {**doc["services"], "worker": {**doc["services"]["worker"], "replica": 2}}}
    assert any("replica" in e.message for e in validator.iter_errors(with_typo)), "the schema must catch typos"


def test_compose_file_structure():
    doc = yaml.safe_load(COMPOSE.read_text())
    assert set(doc["services"]) >= {"kafka", "worker"}
    kafka = doc["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    worker = doc["services"]["worker"]
    assert worker["build"] == "." and worker["deploy"]["replicas"] >= 1
    for service in doc["services"].values():
        assert "image" in service or "build" in service
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), "expose nothing beyond loopback by default"


def test_compose_names_only_real_settings():
    doc = yaml.safe_load(COMPOSE.read_text())
    env = doc["services"]["worker"]["environment"]
    fields = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}
    unknown = {k for k in env if k.startswith("NEWSWIRE_")} - fields
    assert not unknown, f"compose sets settings the app does not read: {unknown}"
    assert "kafka://kafka:9092" in env["NEWSWIRE_BROKER"].split(";")


def test_compose_runs_what_the_kafka_tests_ran():
    """The Kafka version the tests fetched (kafka/pom.xml) and the cluster's settings that
    tests/kafka proved: three combined nodes, replication factor 3, min.insync.replicas 2."""
    import re

    from tests.kafka.conftest import MIN_INSYNC, NODES, REPLICATION

    doc = yaml.safe_load(COMPOSE.read_text())
    pom = (COMPOSE.parent / "kafka" / "pom.xml").read_text()
    version = re.search(r"<kafka.version>(.+)</kafka.version>", pom).group(1)
    nodes = [s for s in doc["services"].values() if str(s.get("image", "")).startswith("apache/kafka")]
    assert len(nodes) == NODES
    for node in nodes:
        env = node["environment"]
        assert node["image"] == f"apache/kafka:{version}"
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert len(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == NODES
        assert int(env["KAFKA_DEFAULT_REPLICATION_FACTOR"]) == int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == REPLICATION
        assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == int(env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]) == MIN_INSYNC
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
    assert len({n["environment"]["KAFKA_NODE_ID"] for n in nodes}) == NODES
    worker = doc["services"]["worker"]["environment"]
    assert int(worker["NEWSWIRE_REPLICATION_FACTOR"]) == REPLICATION
    assert int(worker["NEWSWIRE_MIN_INSYNC_REPLICAS"]) == MIN_INSYNC
    assert len(worker["NEWSWIRE_BROKER"].split(";")) == NODES
