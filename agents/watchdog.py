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
# The longest a batch may keep the NLP child busy before its partitions count as stalled again:
# a 312 kB article (near the 500 kB input limit in words) took 43 s on an idle core; ten times
# that covers a core shared with other work.
NLP_BUSY_LIMIT_S = 600.0


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
        # The NLP child busy on a batch is work, not a wedge: one long article can take minutes
        # on a loaded core, and restarting would only start it again (a crash loop). Its
        # partitions' clocks wait until it finishes, or until it has been busy implausibly long.
        nlp_busy = ctx.nlp.busy_for() if ctx.nlp is not None else 0.0
        nlp_working = 0.0 < nlp_busy < NLP_BUSY_LIMIT_S
        for tp in assignment:
            if not app.topics.acks_enabled_for(tp.topic):
                continue
            if nlp_working and tp.topic == ctx.settings.topic_normalised:
                seen.pop(tp, None)
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
