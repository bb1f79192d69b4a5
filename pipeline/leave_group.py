"""Leave a consumer group on close on the embedded broker too.

aiokafka sends LeaveGroup when a consumer closes only if its generation is above 0 (its own
"no generation" is -1). Apache Kafka numbers a group's first generation 1; Tansu numbers it
0. So on Tansu the first member of every group never left: the next worker, reader or
archive of that group waited for the departed member's session to expire (10 s by default)
before its own join could finish (a re-run of ``newswire subscribe --group`` took 18 s
instead of 5). ``install`` makes generation 0 send the same request; every other case is
aiokafka's own code. ``tests/unit/test_transport_shape.py`` fails if the method changes shape.
"""

from __future__ import annotations

import logging
from typing import Any

import aiokafka.errors as kafka_errors
from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.protocol.group import LeaveGroupRequest

TANSU_FIRST_GENERATION = 0
log = logging.getLogger("newswire.kafka")
_original = GroupCoordinator._maybe_leave_group


async def _maybe_leave_group(self: Any) -> None:
    if self.generation == TANSU_FIRST_GENERATION and self._group_instance_id is None:
        try:  # a best effort, as aiokafka's own: no retry
            await self._send_req(LeaveGroupRequest(self.group_id, self.member_id))
        except kafka_errors.KafkaError as err:
            log.warning("LeaveGroup request failed: %s", err)
    await _original(self)  # resets the generation (and sends nothing for generation 0)


def install() -> None:
    """Idempotent; every process that joins a group calls it before its consumer starts."""
    GroupCoordinator._maybe_leave_group = _maybe_leave_group
