"""Faust's own view of a partition's offsets, which it keeps in private attributes.

The dashboard's lag and the watchdog's stall check need the offset Faust last committed and the
last one it read, per partition. ``faust.transport.consumer.Consumer`` keeps both, typed, as
``_committed_offset`` and ``_read_offset`` but offers no public accessor, and the ``ConsumerT``
interface ``app.consumer`` is typed as does not declare them. Reading them here, in one place,
keeps the private names out of the rest of the code; ``tests/unit/test_transport_shape.py``
fails if a Faust upgrade renames them.
"""

from __future__ import annotations

from collections.abc import Mapping

from faust.transport.consumer import Consumer
from faust.types import TP, ConsumerT

_NONE: Mapping[TP, int | None] = {}


def committed_offsets(consumer: ConsumerT) -> Mapping[TP, int | None]:
    """The next offset to read after the last commit, per partition (None: never committed here)."""
    if isinstance(consumer, Consumer):  # every Faust transport's consumer; not a bare ConsumerT
        return consumer._committed_offset  # no public accessor (see module doc)
    return _NONE


def read_offsets(consumer: ConsumerT) -> Mapping[TP, int | None]:
    """The last offset handed to a stream, per partition (None: nothing read yet)."""
    if isinstance(consumer, Consumer):
        return consumer._read_offset  # as above
    return _NONE
