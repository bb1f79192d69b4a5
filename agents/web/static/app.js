// newswire dashboard. All article text is untrusted: it is only ever set with textContent.
"use strict";
const $ = (sel) => document.querySelector(sel);
const token = new URLSearchParams(location.search).get("token");
const withToken = (url) => token ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : url;
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const fmtTime = (t) => t ? new Date(t * 1000).toLocaleTimeString() : "–";
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

function renderAgents(agents) {
  const body = $("#agents tbody");
  body.replaceChildren();
  for (const [name, a] of Object.entries(agents)) {
    const tr = el("tr");
    tr.dataset.agent = name;
    for (const v of [name, a.events_in, a.events_out, a.errors, a.rate_1m, a.latency_p50 ?? "–", a.latency_p99 ?? "–", fmtTime(a.last_event_at)]) tr.append(el("td", String(v)));
    body.append(tr);
  }
}

function renderChart(series, now) {
  const svg = $("#chart");
  svg.replaceChildren();
  const start = now - 900;
  let max = 1;
  for (const pts of Object.values(series)) for (const [, n] of pts) max = Math.max(max, n);
  Object.entries(series).forEach(([name, pts], i) => {
    const byT = new Map(pts.map(([t, n]) => [t, n]));
    const coords = [];
    for (let t = Math.floor(start); t <= now; t += 5) {
      let n = 0; for (let k = 0; k < 5; k++) n += byT.get(t + k) || 0;
      coords.push(`${((t - start) / 900 * 900).toFixed(1)},${(155 - (n / 5) / max * 150).toFixed(1)}`);
    }
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", coords.join(" "));
    line.setAttribute("stroke", COLORS[i % COLORS.length]);
    line.dataset.agent = name;
    svg.append(line);
  });
  svg.dataset.updated = String(now);
}

function renderDead(dead) {
  const reasons = $("#dead-reasons");
  reasons.replaceChildren();
  for (const [r, n] of Object.entries(dead.by_reason)) reasons.append(el("span", `${r}: ${n}`, "reason"));
  const list = $("#dead-recent");
  list.replaceChildren();
  for (const d of dead.recent) {
    const li = el("li");
    const a = el("a", `${d.failed_at} ${d.stage} ${d.reason}: ${d.message}`);
    a.href = "#";
    a.addEventListener("click", (ev) => { ev.preventDefault(); const pre = $("#dead-detail"); pre.hidden = false; pre.textContent = JSON.stringify(d, null, 2); });
    li.append(a);
    list.append(li);
  }
}

function renderArticles(articles) {
  const list = $("#articles");
  list.replaceChildren();
  for (const a of articles) {
    const li = el("li");
    const link = el("a", a.title || a.id);
    link.href = withToken("/dashboard?article=" + encodeURIComponent(a.id));
    li.append(link, el("span", ` — ${a.source}, ${a.entities} entities, ${a.quotes} quotes${a.duplicate_of ? ", duplicate of " + a.duplicate_of : ""}`));
    list.append(li);
  }
}

function renderLag(lag) {
  const body = $("#lag tbody");
  body.replaceChildren();
  for (const [tp, n] of Object.entries(lag)) { const tr = el("tr"); tr.append(el("td", tp), el("td", String(n))); body.append(tr); }
}

function renderRanking(selector, items) {
  const list = $(selector);
  list.replaceChildren();
  for (const it of items) list.append(el("li", `${it.name} (${it.label || ""}) — ${it.count}`));
}

function render(view) {
  $("#status").textContent = "live " + fmtTime(view.at);
  $("#workers").textContent = `${view.workers.length} worker(s)`;
  renderAgents(view.agents);
  renderChart(view.series, Math.floor(view.at));
  renderDead(view.dead_letters);
  renderLag(view.lag || {});
  renderRanking("#trending", view.trending_entities || []);
  renderRanking("#speakers", view.quoted_speakers || []);
  renderArticles(view.recent_articles);
}

function startStream() {
  const source = new EventSource(withToken("/api/stream"));
  source.onmessage = (ev) => render(JSON.parse(ev.data));
  source.onerror = () => { $("#status").textContent = "reconnecting…"; };
}

async function showArticle(id) {
  $("#view-pipeline").hidden = true;
  $("#status").textContent = "article " + id;
  $("#view-article").hidden = false;
  const res = await fetch(withToken("/api/articles/" + encodeURIComponent(id)));
  if (!res.ok) { $("#article-title").textContent = "article not found on this worker"; return; }
  const a = await res.json();
  $("#article-title").textContent = a.title || a.id;
  $("#article-meta").textContent = `${a.source} · ${a.published_at || ""} · ${a.dateline ? a.dateline.text : ""}`;
  const marks = [];
  for (const e of a.entities) for (const m of e.mentions) marks.push({ start: m.start, end: m.end, cls: "ent ent-" + e.label, title: `${e.label}: ${e.name}` });
  for (const q of a.quotes) for (const s of q.segments) marks.push({ start: s.start, end: s.end, cls: "quote", title: `${q.kind} quote — ${q.speaker ? (q.speaker.name || q.speaker.text) : "unknown speaker"}` });
  marks.sort((x, y) => x.start - y.start || y.end - x.end);
  const box = $("#article-text");
  box.replaceChildren();
  let pos = 0;
  const text = a.text;
  // quotes are drawn first; entity marks that fall inside are nested by splitting at boundaries
  const flat = marks.filter((m, i) => !marks.slice(0, i).some((o) => o.start < m.end && m.start < o.end && o.cls === m.cls));
  const layer = flat.filter((m) => m.cls === "quote");
  const ents = flat.filter((m) => m.cls !== "quote");
  const appendWithEntities = (parent, s, e) => {
    let p = s;
    for (const m of ents) {
      if (m.start < p || m.end > e) continue;
      parent.append(document.createTextNode(text.slice(p, m.start)));
      const mk = el("mark", text.slice(m.start, m.end), m.cls); mk.title = m.title; parent.append(mk);
      p = m.end;
    }
    parent.append(document.createTextNode(text.slice(p, e)));
  };
  for (const q of layer) {
    if (q.start < pos) continue;
    appendWithEntities(box, pos, q.start);
    const mk = el("mark", undefined, q.cls); mk.title = q.title;
    appendWithEntities(mk, q.start, q.end);
    box.append(mk);
    pos = q.end;
  }
  appendWithEntities(box, pos, text.length);
  const ql = $("#article-quotes");
  ql.replaceChildren();
  for (const q of a.quotes) {
    const li = el("li");
    li.append(el("span", q.speaker ? (q.speaker.name || q.speaker.text) : "unknown", "speaker"), el("span", ` (${q.kind}${q.cue ? ", " + q.cue.text : ""}): ${q.text}`));
    ql.append(li);
  }
}

const articleId = new URLSearchParams(location.search).get("article");
if (articleId) showArticle(articleId); else startStream();
