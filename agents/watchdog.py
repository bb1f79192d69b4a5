"""Exit (to be restarted by the supervisor) when the worker is wedged.

Two wedges were seen on the embedded broker: after the broker was frozen for 20 s, the
producer kept asking for metadata in a loop and never delivered again; and, rarely after a
rebalance, table recovery waited forever for a changelog. In both the event loop is alive
and every health check passes, but no input offset moves. So the test is on progress: an
assigned input partition with messages beyond its committed offset, whose committed offset
has not moved for ``NEWSWIRE_STALL_TIMEOUT`` seconds, means wedged. Exiting is safe because
nothing uncommitted is lost: the next process reads it again (at-least-once).
"""

from __future__ import annotations

import logging
import os
import time

from agents.context import Context
from agents.offsets import committed_offsets
from pipeline.supervise import RESTART

log = logging.getLogger("newswire.watchdog")


def register(ctx: Context) -> None:
    app, timeout = ctx.app, ctx.settings.stall_timeout
    if timeout <= 0:
        return
    seen: dict = {}  # tp -> (committed offset, since when)
    rebalances = [app.rebalancing_count]

    @app.timer(interval=min(5.0, timeout / 4))
    async def watch() -> None:
        consumer = app.consumer
        try:
            assignment = consumer.assignment()
        except Exception:  # not started yet
            return
        now = time.monotonic()
        if app.rebalancing_count != rebalances[0]:
            # Nothing commits while the group rebalances (on a three-broker cluster it also waits
            # for a lost broker to be fenced): each rebalance starts the clocks afresh. A recovery
            # that never ends is still caught, ``timeout`` after its rebalance began.
            rebalances[0] = app.rebalancing_count
            seen.clear()
        for tp in assignment:
            if not app.topics.acks_enabled_for(tp.topic):
                continue
            try:
                high = consumer.highwater(tp)
            except Exception:
                continue
            committed = committed_offsets(consumer).get(tp)
            # high 0: nothing was ever written there (an empty partition, never committed, is
            # not stuck; this restarted idle workers on Tansu and on Kafka alike)
            if not high or (committed is not None and committed >= high):
                seen.pop(tp, None)
                continue
            last = seen.get(tp)
            if last is None or last[0] != committed:
                seen[tp] = (committed, now)
            elif now - last[1] > timeout:
                log.critical("%s[%s]: committed offset stuck at %s for %.0fs with messages up to %s; "
                             "exiting so the supervisor restarts this worker (nothing uncommitted is lost)",
                             tp.topic, tp.partition, committed, now - last[1], high)
                logging.shutdown()
                os._exit(RESTART)  # not a clean stop: a wedged producer would hang the shutdown
