// The pipeline view: workers, agents, charts, lag, trends, dead-letter counts, latest articles.
"use strict";
import { TimeChart } from "./charts.js";
import {
  $, el, link, fill, row, headersOf, getJSON, withToken, articleUrl, entityUrl, speakerUrl, pageUrl,
  fmtTime, fmtNum, fmtAge, fmtSeconds,
} from "./util.js";

const HISTORY_EVERY_MS = { "15m": 5000, "1h": 15000, "6h": 60000 };

function stateBadge(w) {
  const span = el("span", w.state, "badge state-" + w.state.replace(/[^a-z-]/g, ""));
  if (w.bad) span.classList.add("bad");
  return span;
}

function cpuCell(proc, dashboardSeconds) {
  const cell = el("div", proc.cpu_percent !== undefined && proc.cpu_percent !== null ? proc.cpu_percent + " %" : "–");
  if (dashboardSeconds !== null && dashboardSeconds !== undefined) {
    cell.append(el("div", `dashboard ${dashboardSeconds.toFixed(1)} s`, "muted"));
  }
  return cell;
}

function renderWorkers(workers) {
  const table = $("#workers");
  const headers = headersOf(table);
  fill(table.tBodies[0], workers, (w) => {
    const name = el("div");
    name.append(el("strong", w.worker), el("br"), el("span", w.web || "", "muted"));
    const state = el("div");
    state.append(stateBadge(w));
    if (w.reason) state.append(el("div", w.reason, w.bad ? "reason bad-text" : "reason muted"));
    const nlp = w.nlp || {};
    const nlpText = nlp.state ? `${nlp.state}${nlp.pid ? " (pid " + nlp.pid + ", " + nlp.rss_mb + " MB)" : ""}${nlp.restarts ? ", " + nlp.restarts + " restarts" : ""}` : "–";
    const proc = w.process || {};
    const restarts = el("div");
    restarts.append(el("span", String(w.restarts), "count"));
    const sup = w.supervisor;
    if (sup && sup.last_exit) restarts.append(el("div", `last exit: ${sup.last_exit}, ${fmtAge(sup.last_exit_age_s)}`, "muted"));
    const tr = row([name, state, w.inputs.join(" ") || "none", restarts, fmtAge(w.last_commit_age_s), nlpText,
      proc.rss_mb !== undefined ? proc.rss_mb + " MB" : "–",
      cpuCell(proc, w.dashboard_cpu_s), w.version || "–"], headers);
    tr.dataset.worker = w.worker;
    tr.dataset.state = w.state;
    if (w.bad) tr.classList.add("bad-row");
    return tr;
  }, "workers-empty", "No worker has published its figures yet: workers report every 2 s once they have joined the group.");
  const bad = workers.filter((w) => w.bad);
  const alert = $("#workers-alert");
  alert.hidden = !bad.length;
  alert.textContent = bad.map((w) => `${w.worker} is ${w.state}: ${w.reason}`).join(" · ");
}

function renderAgents(agents) {
  const table = $("#agents");
  const headers = headersOf(table);
  fill(table.tBodies[0], Object.entries(agents), ([name, a]) => {
    const tr = row([name, fmtNum(a.events_in), fmtNum(a.events_out), fmtNum(a.errors), a.rate_1m,
      fmtSeconds(a.latency_p50), fmtSeconds(a.latency_p99), fmtTime(a.last_event_at)], headers);
    tr.dataset.agent = name;
    return tr;
  }, "agents-empty", "No agent has processed anything yet: ingest articles (newswire ingest) to see figures.");
}

function renderLag(lag) {
  const table = $("#lag");
  const headers = headersOf(table);
  fill(table.tBodies[0], Object.entries(lag.topics || {}), ([topic, t]) => {
    const tr = row([topic, fmtNum(t.lag), fmtNum(t.in_flight), fmtNum(t.end), t.partitions], headers);
    tr.dataset.topic = topic;
    tr.dataset.lag = String(t.lag);
    return tr;
  }, "lag-empty", "No input partitions are assigned yet, so there is no lag to show.");
  const select = $("#lag-topic");
  const topics = Object.keys(lag.topics || {});
  if (select.options.length !== topics.length || topics.some((t, i) => select.options[i].value !== t)) {
    const chosen = select.value;
    select.replaceChildren(...topics.map((t) => { const o = el("option", t); o.value = t; return o; }));
    if (topics.includes(chosen)) select.value = chosen;
  }
  const parts = $("#lag-partitions");
  const pheaders = headersOf(parts);
  parts.tBodies[0].replaceChildren(...(lag.partitions || []).map((p) =>
    row([`${p.topic}[${p.partition}]`, p.worker, fmtNum(p.end), p.committed === null ? "none yet" : fmtNum(p.committed), fmtNum(p.lag), fmtNum(p.in_flight)], pheaders)));
}

function renderRanking(selector, items, urlFor, emptyText) {
  fill($(selector), items, (it) => {
    const li = el("li");
    li.dataset.id = it.id;
    li.dataset.count = String(it.count);
    li.append(link(urlFor(it.id), it.name), el("span", ` ${it.label || ""} — ${it.count}`, "muted"));
    return li;
  }, selector.slice(1) + "-empty", emptyText);
}

function renderDeadSummary(dead) {
  fill($("#dead-reasons"), Object.entries(dead.by_reason || {}), ([reason, n]) => {
    const li = el("li");
    li.append(link(pageUrl({ view: "dead", reason }), `${reason}: ${n}`));
    return li;
  }, "dead-empty", "No dead letters: every article so far was processed.");
}

function renderArticles(articles) {
  fill($("#articles"), articles, (a) => {
    const li = el("li");
    li.append(link(articleUrl(a.id), a.title || a.id),
      el("span", ` — ${a.source}, ${a.entities} entities, ${a.quotes} quotes${a.duplicate_of ? ", duplicate of " + a.duplicate_of : ""}`, "muted"));
    return li;
  }, "articles-empty", "No articles enriched in this run yet.");
}

export function render(view) {
  $("#status").textContent = "live, updated " + fmtTime(view.at);
  // rows from a supervisor's status alone (no figures published: down or never up) are not workers reporting
  const published = view.workers.filter((w) => w.at !== null && w.at !== undefined);
  const live = published.filter((w) => w.state !== "silent").length;
  const down = view.workers.length - published.length;
  $("#workers-count").textContent = `${live} of ${published.length} worker(s) reporting` +
    (down ? `, ${down} supervised process(es) down` : "");
  renderWorkers(view.workers);
  renderAgents(view.agents);
  renderLag(view.lag || {});
  renderRanking("#trending", view.trending_entities || [], entityUrl,
    "No entities in the last 15 minutes: nothing was enriched in that time.");
  renderRanking("#speakers", view.quoted_speakers || [], speakerUrl,
    "No attributed quotes in the last 15 minutes.");
  renderDeadSummary(view.dead_letters);
  renderArticles(view.recent_articles || []);
  document.body.dataset.updated = String(view.at);
}

let charts = null;
let historyTimer = null;

function currentWindow() { return document.querySelector("input[name=window]:checked").value; }

async function loadHistory() {
  const win = currentWindow();
  const { ok, body } = await getJSON("/api/history?window=" + win);
  if (!ok) return;
  charts.throughput.update(body.t, body.rate);
  const latency = {};
  for (const [agent, values] of Object.entries(body.p50)) latency[agent + " p50"] = values;
  for (const [agent, values] of Object.entries(body.p99)) latency[agent + " p99"] = values;
  charts.latency.update(body.t, latency);
  charts.lag.update(body.t, body.lag);
  charts.dead.update(body.dead.t, body.dead.by_reason);
  loadPartitions();
  clearTimeout(historyTimer);
  historyTimer = setTimeout(loadHistory, HISTORY_EVERY_MS[win]);
}

// Per-partition lag, fetched only while the "Partitions" section is open (on demand).
async function loadPartitions() {
  const topic = $("#lag-topic").value;
  if (!$("#lag-details").open || !topic) return;
  const { ok, body } = await getJSON(`/api/history?window=${currentWindow()}&partitions=${encodeURIComponent(topic)}`);
  if (!ok || topic !== $("#lag-topic").value) return;
  charts.partitions.update(body.t, body.partitions);
  $("#chart-lag-partitions").dataset.topic = topic;
}

export function start() {
  document.title = "Pipeline · newswire";
  charts = {
    throughput: new TimeChart($("#chart-throughput"), { unit: "events/s", emptyText: "No events yet in this window." }),
    latency: new TimeChart($("#chart-latency"), { unit: "s", emptyText: "No latency measured yet." }),
    lag: new TimeChart($("#chart-lag"), { unit: "messages", integer: true, format: (v) => Math.round(v).toLocaleString("en"), emptyText: "No lag measured yet." }),
    dead: new TimeChart($("#chart-dead"), { unit: "letters", bars: true, integer: true, format: (v) => Math.round(v).toLocaleString("en"), emptyText: "No dead letters in this window." }),
    partitions: new TimeChart($("#chart-lag-partitions"), { unit: "messages", integer: true, format: (v) => Math.round(v).toLocaleString("en"), emptyText: "No lag measured yet for this topic's partitions." }),
  };
  $("#lag-details").addEventListener("toggle", loadPartitions);
  $("#lag-topic").addEventListener("change", loadPartitions);
  for (const radio of document.querySelectorAll("input[name=window]")) radio.addEventListener("change", loadHistory);
  loadHistory();
  const source = new EventSource(withToken("/api/stream"));
  source.onmessage = (ev) => render(JSON.parse(ev.data));
  source.onerror = () => { $("#status").textContent = "reconnecting…"; };
}
