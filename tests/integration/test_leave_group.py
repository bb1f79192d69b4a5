"""A consumer that closes leaves its group on the embedded broker too (pipeline/leave_group.py):
Tansu numbers a group's first generation 0, for which aiokafka alone sends no LeaveGroup."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from pipeline import leave_group
from tests.helpers import produce, run


async def members_after_one_consumer(bootstrap: str, topic: str, group: str) -> tuple[int, int, int]:
    """(generation the consumer joined, members while it runs, members after it closed)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await consumer.start()
        while not consumer.assignment():
            await asyncio.sleep(0.1)
        generation = consumer._coordinator.generation
        running = await _members(admin, group)
        await consumer.stop()
        return generation, running, await _members(admin, group)
    finally:
        await admin.close()


async def _members(admin: AIOKafkaAdminClient, group: str) -> int:
    (response,) = await admin.describe_consumer_groups([group])
    return len(response.groups[0][5])  # (error, group, state, protocol type, protocol, members, ...)


def test_the_first_member_of_a_group_leaves_when_it_closes(broker):
    topic, group = f"leave-{uuid.uuid4().hex[:6]}", f"leave-{uuid.uuid4().hex[:6]}"
    run(produce(broker.bootstrap, topic, [(None, b"{}")]))
    leave_group.install()
    generation, running, after = run(members_after_one_consumer(broker.bootstrap, topic, group))
    assert (generation, running, after) == (0, 1, 0)
