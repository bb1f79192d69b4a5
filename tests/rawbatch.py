"""Record batches no well-behaved client would send, written to the broker byte by byte.

Real producers compress with codecs and occasionally corrupt data; these helpers make the two
cases a consumer must survive (a codec it does not know, a payload that does not decompress)
without a patched client: aiokafka's batch builder, then the attribute bits and the CRC set by
hand, sent with a plain ProduceRequest.
"""

from __future__ import annotations

import struct
import time

from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.produce import ProduceRequest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.util import calc_crc32c
from aiokafka.structs import TopicPartition

ATTRIBUTES_AT = 21  # DefaultRecordBatch v2 layout: baseOffset 8, length 4, epoch 4, magic 1, crc 4
CRC_AT = 17
CODEC_BITS = 0x07
CODEC_ZSTD = 4
CODEC_UNKNOWN = 5  # not defined by Kafka: every client must refuse it


def batch_bytes(values: list[bytes], codec_bits: int) -> bytes:
    """A v2 batch whose records are stored uncompressed but whose header claims ``codec_bits``."""
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=0, producer_id=-1,
                                        producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    now = int(time.time() * 1000)
    for i, value in enumerate(values):
        builder.append(i, timestamp=now, key=None, value=value, headers=[])
    buf = bytearray(builder.build())
    (attrs,) = struct.unpack_from(">h", buf, ATTRIBUTES_AT)
    struct.pack_into(">h", buf, ATTRIBUTES_AT, (attrs & ~CODEC_BITS) | codec_bits)
    struct.pack_into(">I", buf, CRC_AT, calc_crc32c(bytes(buf[ATTRIBUTES_AT:])))
    return bytes(buf)


async def send_batch(bootstrap: str, topic: str, partition: int, batch: bytes) -> int:
    """Append ``batch`` to one partition; returns the broker's error code (0 = stored)."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    try:
        await client._wait_on_metadata(topic)  # creates the topic if auto-create is on
        leader = client.cluster.leader_for_partition(TopicPartition(topic, partition))
        request = ProduceRequest(transactional_id=None, required_acks=-1, timeout=10_000,
                                    topics=[(topic, [(partition, batch)])])
        response = await client.send(leader, request)
        return int(response.topics[0][1][0][1])
    finally:
        await client.close()
