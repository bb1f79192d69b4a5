"""Poison batches: a record batch the consumer cannot read becomes dead letters, not a crash.

aiokafka decodes a fetched batch lazily, inside the fetch loop Faust drives. A batch it cannot
read (a codec it has no library for, a corrupt compressed payload, a bad CRC) raises there,
the worker crashes, restarts, fetches the same batch and crashes again: one bad producer stops
every partition of the worker. We read each batch up front instead; a batch that fails is
replaced by one placeholder record per offset it covers, carrying the reason in a header. The
agents turn placeholders into dead letters (partition, offset, reason) and the partition moves
on. Offsets stay contiguous, so the commit bookkeeping in ``agents/transport.py`` sees no gap.

Only aiokafka's ``PartitionRecords`` is touched (its constructor's ``_records`` attribute and
``_unpack_records`` generator); ``tests/unit/test_transport_shape.py`` checks both still exist.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from aiokafka.consumer.fetcher import PartitionRecords
from aiokafka.errors import CorruptRecordException, UnsupportedCodecError

from pipeline.errors import Reason
from pipeline.messages import POISON_DETAIL_HEADER, POISON_HEADER

_init_original = PartitionRecords.__init__


class _PoisonRecord:
    """Stands in for one unreadable record: what ``PartitionRecords._consumer_record`` reads."""

    __slots__ = ("checksum", "headers", "key", "offset", "timestamp", "timestamp_type", "value")

    def __init__(self, offset: int, timestamp: int, reason: Reason, detail: str) -> None:
        self.offset = offset
        self.timestamp = timestamp
        self.timestamp_type = 0
        self.key = None
        self.value = b""
        self.checksum = None
        self.headers = [(POISON_HEADER, str(reason).encode()), (POISON_DETAIL_HEADER, detail.encode()[:1000])]


class _ReadBatch:
    """A batch whose records were already read (or replaced by placeholders)."""

    def __init__(self, batch: Any, records: list[Any], poison: bool) -> None:
        self._batch = batch
        self._records: Iterator[Any] = iter(records)
        self.base_offset = batch.base_offset
        self.next_offset = batch.next_offset
        # A batch we could not read is treated as plain data whatever its header says.
        self.is_control_batch = False if poison else batch.is_control_batch
        self.is_transactional = False if poison else batch.is_transactional
        self.producer_id = None if poison else batch.producer_id

    def validate_crc(self) -> bool:
        return True  # checked when the batch was read

    def __iter__(self) -> Iterator[Any]:
        return self._records

    def __next__(self) -> Any:
        return next(self._records)


class _CheckedRecords:
    """Wraps aiokafka's MemoryRecords so that every batch is read, and checked, on the way out."""

    def __init__(self, records: Any, check_crcs: bool) -> None:
        self._records = records
        self._check_crcs = check_crcs

    def has_next(self) -> bool:
        return bool(self._records.has_next())

    def size_in_bytes(self) -> int:
        return int(self._records.size_in_bytes())

    def next_batch(self) -> _ReadBatch:
        batch = self._records.next_batch()
        try:
            if self._check_crcs and not batch.validate_crc():
                raise CorruptRecordException("invalid CRC")
            return _ReadBatch(batch, list(batch), poison=False)
        except Exception as exc:  # whatever cannot be read becomes a dead letter
            reason = Reason.UNSUPPORTED_CODEC if isinstance(exc, UnsupportedCodecError) else Reason.CORRUPT_BATCH
            return _ReadBatch(batch, poison_records(batch, reason, f"{type(exc).__name__}: {exc}"), poison=True)


def poison_records(batch: Any, reason: Reason, detail: str) -> list[_PoisonRecord]:
    """One placeholder per offset of the batch, so that each offset is accounted for."""
    now_ms = int(time.time() * 1000)
    return [_PoisonRecord(offset, now_ms, reason, detail) for offset in range(batch.base_offset, batch.next_offset)]


def _init(self: PartitionRecords, *args: Any, **kwargs: Any) -> None:
    _init_original(self, *args, **kwargs)
    self._records = _CheckedRecords(self._records, self._check_crcs)
    self._records_iterator = self._unpack_records()  # not started yet: restart it on the wrapper


def install() -> None:
    PartitionRecords.__init__ = _init  # aiokafka is untyped: no method-assign check to silence
