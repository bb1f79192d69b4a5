"""``/metrics``: the pipeline view as Prometheus metrics, through prometheus-client.

The figures are not counted here: every worker publishes its own (``agents.web.peers``) and the
serving worker merges them (``agents.web.aggregate.pipeline_view``), so any worker answers for
the whole group. A custom ``Collector`` reads that view at scrape time and yields metric
families; ``generate_latest`` writes the exposition format (escaping, ``_total`` suffixes,
HELP/TYPE lines), so nothing here formats text by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from agents.web.cost import COST

View = dict[str, Any]  # the shape of agents.web.aggregate.pipeline_view
QUANTILES = (("0.5", "latency_p50"), ("0.99", "latency_p99"))


class PipelineCollector(Collector):
    """Yields the group's figures from the merged pipeline view, read at each scrape."""

    def __init__(self, view: Callable[[], View]) -> None:
        self.view = view

    def collect(self) -> Iterator[Metric]:
        view = self.view()
        agents: dict[str, dict[str, Any]] = view["agents"]
        for name, key, doc in (("newswire_events_in_total", "events_in", "Events taken in by an agent."),
                               ("newswire_events_out_total", "events_out", "Events an agent published."),
                               ("newswire_errors_total", "errors", "Events an agent dead-lettered.")):
            counter = CounterMetricFamily(name, doc, labels=["agent"])
            for agent, figures in agents.items():
                counter.add_metric([agent], figures[key])
            yield counter

        latency = GaugeMetricFamily("newswire_latency_seconds", "Processing latency percentiles.",
                                    labels=["agent", "quantile"])
        for agent, figures in agents.items():
            for quantile, key in QUANTILES:
                if figures[key] is not None:
                    latency.add_metric([agent, quantile], figures[key])
        yield latency

        dead = CounterMetricFamily("newswire_dead_letters_total", "Dead letters by reason.", labels=["reason"])
        for reason, n in view["dead_letters"]["by_reason"].items():
            dead.add_metric([reason], n)
        yield dead

        rows = view["lag"]["partitions"]
        for name, key, doc in (("newswire_consumer_lag", "lag", "Messages after the group's committed offset."),
                               ("newswire_in_flight", "in_flight", "Messages fetched but not yet committed.")):
            gauge = GaugeMetricFamily(name, doc, labels=["topic", "partition"])
            for row in rows:
                gauge.add_metric([row["topic"], str(row["partition"])], row[key])
            yield gauge

        yield CounterMetricFamily("newswire_dashboard_cpu_seconds_total",
                                  "CPU the dashboard's own work took on this worker.", value=COST.seconds)
        yield GaugeMetricFamily("newswire_workers", "Workers that published stats recently.",
                                value=sum(1 for w in view["workers"] if w["state"] != "silent"))


def registry(view: Callable[[], View]) -> CollectorRegistry:
    """A registry of its own (not the process-wide default): only the pipeline's metrics, and
    no describe() call at registration, which would read the view before the app runs."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(PipelineCollector(view))
    return reg


def render(reg: CollectorRegistry) -> bytes:
    return generate_latest(reg)
