"""The consumer side of poison batches, without a broker: what a batch that raises becomes."""

from __future__ import annotations

from aiokafka.errors import UnsupportedCodecError

from agents.poison import _CheckedRecords
from pipeline.errors import Reason
from pipeline.messages import poison_of


class FakeBatch:
    base_offset = 40
    next_offset = 43
    is_control_batch = False
    is_transactional = False
    producer_id = None

    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def validate_crc(self) -> bool:
        return True

    def __iter__(self):
        if self.error:
            raise self.error
        return iter(["r40", "r41", "r42"])


class FakeRecords:
    def __init__(self, batch: FakeBatch) -> None:
        self.batch = batch

    def has_next(self) -> bool:
        return True

    def size_in_bytes(self) -> int:
        return 100

    def next_batch(self) -> FakeBatch:
        return self.batch


def test_an_unknown_codec_becomes_one_placeholder_per_offset():
    batch = _CheckedRecords(FakeRecords(FakeBatch(UnsupportedCodecError("Unknown compression codec 0x05"))),
                            check_crcs=True).next_batch()
    records = list(batch)
    assert [r.offset for r in records] == [40, 41, 42]
    error = poison_of(records[0].headers)
    assert error is not None and error.reason == Reason.UNSUPPORTED_CODEC
    assert "0x05" in str(error)
    assert (batch.base_offset, batch.next_offset, batch.is_control_batch) == (40, 43, False)


def test_a_readable_batch_passes_unchanged():
    batch = _CheckedRecords(FakeRecords(FakeBatch(None)), check_crcs=True).next_batch()
    assert list(batch) == ["r40", "r41", "r42"]


def test_a_bad_crc_is_a_corrupt_batch():
    fake = FakeBatch(None)
    fake.validate_crc = lambda: False  # type: ignore[method-assign]
    records = list(_CheckedRecords(FakeRecords(fake), check_crcs=True).next_batch())
    error = poison_of(records[2].headers)
    assert error is not None and error.reason == Reason.CORRUPT_BATCH and "CRC" in str(error)


def test_real_records_have_no_poison():
    assert poison_of(()) is None
    assert poison_of((("traceparent", b"x"),)) is None
