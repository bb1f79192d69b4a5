"""Fails loudly when the private Faust/aiokafka parts agents/transport.py and agents/poison.py
replace or read change shape: an upgrade must break here, not silently lose articles.

What is pinned is checked too: the versions in pyproject.toml are the installed ones, so a
bump of the pin runs this file against the new code.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version

import pytest
from aiokafka.consumer.fetcher import PartitionRecords
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.memory_records import MemoryRecords
from aiokafka.structs import TopicPartition
from faust.transport import consumer as faust_consumer
from faust.transport.consumer import Consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import Message

from agents import poison, transport
from tests.conftest import ROOT

READ_UNCOMMITTED = 0  # aiokafka's isolation level constant


def _pins() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([0-9][^,;\s]*)", dep.strip())
        if m:
            pins[m.group(1)] = m.group(2)
    return pins


def test_faust_and_aiokafka_are_pinned_to_the_installed_versions():
    pins = _pins()
    assert pins["faust-streaming"] == "0.15.3"
    assert pins["aiokafka"] == "0.14.0"
    assert version("faust-streaming") == pins["faust-streaming"]
    assert version("aiokafka") == pins["aiokafka"]


@pytest.mark.parametrize(("cls", "name", "replacement"), transport.REPLACED,
                         ids=[f"{c.__name__}.{n}" for c, n, _ in transport.REPLACED])
def test_each_replaced_method_still_exists_with_the_parameters_ours_takes(cls, name, replacement):
    original = transport.ORIGINALS[(cls, name)]
    assert inspect.isfunction(original), f"{cls.__qualname__}.{name} is gone"
    assert list(inspect.signature(original).parameters) == list(inspect.signature(replacement).parameters)
    assert inspect.iscoroutinefunction(original) == inspect.iscoroutinefunction(replacement)
    assert transport.shape_problem(cls, name, replacement) is None


def test_the_five_replaced_methods_are_the_expected_ones():
    assert {(c.__name__, n) for c, n, _ in transport.REPLACED} == {
        ("Consumer", "_add_gap"), ("Consumer", "ack"), ("Consumer", "_new_offset"),
        ("AIOKafkaConsumerThread", "_create_worker_consumer"), ("AIOKafkaConsumerThread", "seek_to_committed"),
    }


def test_a_changed_signature_is_refused_by_install():
    def ack(self, message, extra):  # Faust growing a parameter
        return True

    problem = transport.shape_problem(Consumer, "ack", ack)
    assert problem is not None and "changed its parameters" in problem


@pytest.mark.parametrize("attribute", ["_committed_offset", "_read_offset", "_acked", "_gap", "_unacked_messages"])
def test_the_consumer_bookkeeping_our_code_reads_is_declared_and_set_by_faust(attribute):
    assert attribute in Consumer.__annotations__
    assert re.search(rf"self\.{attribute}\s*=", inspect.getsource(Consumer.__init__)), attribute


def test_what_ack_and_the_head_lookup_use_still_exists():
    assert hasattr(faust_consumer, "ack_lock")
    assert {"generation_id", "acked"} <= set(Message.__slots__)
    thread = faust_aiokafka.AIOKafkaConsumerThread
    assert callable(thread._ensure_consumer) and callable(thread.call_thread)
    assert "_thread" in faust_aiokafka.Consumer.__annotations__
    assert "earliest_offsets" in dir(Consumer) and "seek" in dir(Consumer)
    # the fetch wait our consumer factory sets is read by aiokafka under this name at start()
    from aiokafka import AIOKafkaConsumer

    assert "self._fetch_max_wait_ms = fetch_max_wait_ms" in inspect.getsource(AIOKafkaConsumer.__init__)


def _memory_records(values: list[bytes], base_offset: int = 7) -> MemoryRecords:
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=False, producer_id=-1,
                                        producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i, value in enumerate(values):
        builder.append(i, timestamp=1_700_000_000_000, key=None, value=value, headers=[])
    raw = bytearray(builder.build())
    raw[0:8] = base_offset.to_bytes(8, "big")  # the broker assigns the base offset
    return MemoryRecords(bytes(raw))


def test_partition_records_keeps_what_poison_wraps():
    params = list(inspect.signature(PartitionRecords.__init__).parameters)
    assert params[:3] == ["self", "tp", "records"] and "check_crcs" in params
    assert inspect.isgeneratorfunction(PartitionRecords._unpack_records)
    records = PartitionRecords(TopicPartition("t", 0), _memory_records([b"a"]), [], 0, None, None, True,
                               READ_UNCOMMITTED)
    assert {"_records", "_check_crcs", "_records_iterator"} <= set(vars(records))


def test_poison_wrapper_still_delivers_real_records_through_aiokafka():
    """The patched constructor around a real batch: every record comes out, offsets intact."""
    poison.install()
    records = PartitionRecords(TopicPartition("t", 0), _memory_records([b"one", b"two", b"three"]), [], 7,
                               None, None, True, READ_UNCOMMITTED)
    assert isinstance(records._records, poison._CheckedRecords)
    out = list(records)
    assert [(r.offset, r.value) for r in out] == [(7, b"one"), (8, b"two"), (9, b"three")]
    assert records.next_fetch_offset == 10


def test_aiokafka_still_leaves_a_group_only_above_generation_0():
    """pipeline/leave_group.py adds the generation-0 case (Tansu's first generation) and then
    calls aiokafka's own method: that method must still skip generation 0 and take only self."""
    from pipeline import leave_group

    source = inspect.getsource(leave_group._original)
    assert "if self.generation > 0 and self._group_instance_id is None:" in source
    assert "LeaveGroupRequest(self.group_id, self.member_id)" in source
    assert list(inspect.signature(leave_group._original).parameters) == ["self"]
