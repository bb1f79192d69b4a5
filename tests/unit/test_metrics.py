"""/metrics: the pipeline view through prometheus-client, read back with its own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from agents.web.cost import COST
from agents.web.metrics import registry, render

VIEW = {
    "agents": {
        "normalise": {"events_in": 12, "events_out": 10, "errors": 2, "latency_p50": 0.004, "latency_p99": 0.02},
        "enrich": {"events_in": 10, "events_out": 10, "errors": 0, "latency_p50": None, "latency_p99": None},
    },
    "dead_letters": {"total": 2, "by_reason": {"invalid_json": 1, 'odd"reason\\x': 1}, "by_stage": {}},
    "lag": {"topics": {}, "partitions": [
        {"topic": "news.raw", "partition": 0, "lag": 5, "in_flight": 2},
        {"topic": "news.raw", "partition": 1, "lag": 0, "in_flight": 0},
    ]},
    "workers": [{"state": "running"}, {"state": "silent"}, {"state": "stalled"}],
}


def samples(view: dict) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = render(registry(lambda: view)).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_every_metric_carries_the_view_values():
    got = samples(VIEW)
    assert got[("newswire_events_in_total", (("agent", "normalise"),))] == 12
    assert got[("newswire_events_out_total", (("agent", "enrich"),))] == 10
    assert got[("newswire_errors_total", (("agent", "normalise"),))] == 2
    assert got[("newswire_latency_seconds", (("agent", "normalise"), ("quantile", "0.99")))] == 0.02
    assert got[("newswire_dead_letters_total", (("reason", "invalid_json"),))] == 1
    assert got[("newswire_dead_letters_total", (("reason", 'odd"reason\\x'),))] == 1  # escaped and read back
    assert got[("newswire_consumer_lag", (("partition", "0"), ("topic", "news.raw")))] == 5
    assert got[("newswire_in_flight", (("partition", "0"), ("topic", "news.raw")))] == 2
    assert got[("newswire_workers", ())] == 2  # silent workers are not counted
    assert got[("newswire_dashboard_cpu_seconds_total", ())] == COST.seconds


def test_no_latency_sample_for_an_agent_without_figures():
    got = samples(VIEW)
    assert not [k for k in got if k[0] == "newswire_latency_seconds" and ("agent", "enrich") in k[1]]
    assert len([k for k in got if k[0] == "newswire_latency_seconds"]) == 2


def test_types_and_names_are_those_scrapers_already_use():
    text = render(registry(lambda: VIEW)).decode()
    types = {f.name: f.type for f in text_string_to_metric_families(text)}
    assert types == {
        "newswire_events_in": "counter", "newswire_events_out": "counter", "newswire_errors": "counter",
        "newswire_latency_seconds": "gauge", "newswire_dead_letters": "counter", "newswire_consumer_lag": "gauge",
        "newswire_in_flight": "gauge", "newswire_dashboard_cpu_seconds": "counter", "newswire_workers": "gauge",
    }


def test_the_view_is_read_at_each_scrape():
    calls = []

    def view() -> dict:
        calls.append(1)
        return {**VIEW, "workers": [{"state": "running"}] * len(calls)}

    reg = registry(view)
    assert calls == []  # nothing read at registration (the app is not running yet)
    first, second = samples_of(reg), samples_of(reg)
    assert (first, second) == (1, 2)


def samples_of(reg) -> float:
    text = render(reg).decode()
    return next(s.value for f in text_string_to_metric_families(text) for s in f.samples if s.name == "newswire_workers")
