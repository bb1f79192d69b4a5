// Reading the news from the archive: search, any archived article, entity and speaker pages.
"use strict";
import { TimeChart } from "./charts.js";
import {
  $, el, link, fill, getJSON, params, pageUrl, articleUrl, entityUrl, speakerUrl, showError, show, highlight,
} from "./util.js";

// The article view's highlight colours; the legend is built from this one list.
const LEGEND = [
  ["quote", "quotation"], ["ent-PERSON", "person"], ["ent-ORG", "organisation"],
  ["ent-GPE", "place (country, city)"], ["ent-other", "other entity (date, group, event…)"],
];
const KNOWN_LABELS = new Set(["PERSON", "ORG", "GPE"]);

function quoteItem(q, { withSpeaker = true } = {}) {
  const li = el("li", undefined, "quote-item");
  const text = el("blockquote", q.text);
  li.append(text);
  const by = el("p", undefined, "muted");
  if (withSpeaker) {
    const name = q.speaker && (q.speaker.name || q.speaker.entity_id);
    const ref = q.speaker && (q.speaker.entity_id || q.speaker.name);
    if (name) by.append("— ", link(speakerUrl(ref), name), " "); else by.append("— unknown speaker ");
  }
  by.append(`(${q.kind}) in `, link(articleUrl(q.article_id), q.title || q.article_id),
    `, ${q.source || ""}${q.published_at ? ", " + q.published_at : ""}`);
  li.append(by);
  return li;
}

function articleHit(a, query) {
  const li = el("li", undefined, "result");
  li.dataset.id = a.id;
  const h = el("h2");
  h.append(link(articleUrl(a.id), a.title || a.id));
  const snippet = el("p");
  snippet.append(highlight(a.snippet || "", query));
  const meta = [a.source, a.published_at || ("seen " + (a.seen_at || "")), `${a.entities} entities`, `${a.quotes} quotes`];
  li.append(h, el("p", meta.filter(Boolean).join(" · "), "muted"), snippet);
  return li;
}

// --- search -------------------------------------------------------------------------------
let cursor = null;

async function runSearch(append) {
  const form = new FormData($("#search-form"));
  const query = new URLSearchParams();
  for (const [k, v] of form.entries()) if (v) query.set(k, v);
  if (append && cursor) query.set("cursor", cursor);
  query.set("limit", "20");
  const status = $("#search-status");
  if (!query.get("q") && !query.get("speaker")) {
    status.textContent = "Type words to search for (a phrase in quotes, or a speaker's name with Find: quotes).";
    fill($("#search-results"), [], () => null, "", "");
    $("#search-more").hidden = true;
    return;
  }
  status.textContent = "Searching…";
  const { ok, status: code, body } = await getJSON("/api/search?" + query);
  if (!ok) {
    status.textContent = code === 503 ? "The archive is not available: " + body.error : "Search refused: " + body.error;
    status.className = "bad-text";
    return;
  }
  status.className = "";
  const kind = body.kind || query.get("kind") || "articles";
  const render = kind === "quotes" ? (q) => quoteItem(q) : (a) => articleHit(a, query.get("q"));
  const list = $("#search-results");
  if (append) list.append(...body.results.map(render)); else list.replaceChildren(...body.results.map(render));
  const n = list.children.length;
  status.textContent = n ? `${n} ${kind} shown, newest first${body.next_cursor ? "; more below" : ""}.`
    : `No ${kind} in the archive match. Try fewer words, another kind, or a longer time.`;
  cursor = body.next_cursor;
  $("#search-more").hidden = !cursor;
  document.body.dataset.updated = String(Date.now());
}

export function startSearch() {
  show("view-search");
  document.title = "Search · newswire";
  for (const name of ["q", "kind", "speaker", "since"]) {
    const input = $("#search-" + name);
    if (params.get(name)) input.value = params.get(name);
  }
  $("#search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = new FormData($("#search-form"));
    const q = { view: "search" };
    for (const [k, v] of form.entries()) if (v) q[k] = v;
    if (params.get("token")) q.token = params.get("token");
    history.replaceState(null, "", pageUrl(q));
    cursor = null;
    runSearch(false);
  });
  $("#search-more").addEventListener("click", () => runSearch(true));
  if (params.get("q") || params.get("speaker")) runSearch(false); else $("#search-q").focus();
}

// --- article ------------------------------------------------------------------------------
function markClass(label) { return "ent ent-" + (KNOWN_LABELS.has(label) ? label : "other"); }

function renderText(a) {
  const text = a.text;
  const ents = [];
  for (const e of a.entities) for (const m of e.mentions) ents.push({ start: m.start, end: m.end, cls: markClass(e.label), title: `${e.label}: ${e.name}` });
  ents.sort((x, y) => x.start - y.start || y.end - x.end);
  const quotes = [];
  for (const q of a.quotes) for (const s of q.segments) quotes.push({ start: s.start, end: s.end, title: `${q.kind} quote — ${q.speaker ? (q.speaker.name || q.speaker.text) : "unknown speaker"}` });
  quotes.sort((x, y) => x.start - y.start);
  const box = $("#article-text");
  box.replaceChildren();
  const appendWithEntities = (parent, s, e) => {
    let p = s;
    for (const m of ents) {
      if (m.start < p || m.end > e) continue;
      parent.append(document.createTextNode(text.slice(p, m.start)));
      const mk = el("mark", text.slice(m.start, m.end), m.cls);
      mk.title = m.title;
      parent.append(mk);
      p = m.end;
    }
    parent.append(document.createTextNode(text.slice(p, e)));
  };
  let pos = 0;
  for (const q of quotes) {
    if (q.start < pos) continue;
    appendWithEntities(box, pos, q.start);
    const mk = el("mark", undefined, "quote");
    mk.title = q.title;
    appendWithEntities(mk, q.start, q.end);
    box.append(mk);
    pos = q.end;
  }
  appendWithEntities(box, pos, text.length);
}

export async function startArticle(id) {
  show("view-article");
  const { ok, body } = await getJSON("/api/articles/" + encodeURIComponent(id));
  if (!ok) { showError("Article not found", body.error); return; }
  const a = body;
  document.title = (a.title || a.id) + " · newswire";
  $("#article-title").textContent = a.title || a.id;
  const meta = [a.source, a.published_at ? "published " + a.published_at : "no publication date", a.dateline && a.dateline.text, a.byline && a.byline.text, a.id];
  $("#article-meta").textContent = meta.filter(Boolean).join(" · ");
  $("#article-legend").replaceChildren(...LEGEND.map(([cls, label]) => {
    const li = el("li");
    li.append(el("mark", label, cls.startsWith("ent") ? "ent " + cls : cls));
    return li;
  }));
  renderText(a);
  fill($("#article-quotes"), a.quotes, (q) => {
    const li = el("li");
    const who = q.speaker ? (q.speaker.name || q.speaker.text) : "unknown speaker";
    const ref = q.speaker && (q.speaker.entity_id || q.speaker.name);
    li.append(ref ? link(speakerUrl(ref), who, "speaker") : el("span", who, "speaker"),
      el("span", ` (${q.kind}${q.cue ? ", " + q.cue.text : ""}): ${q.text}`));
    return li;
  }, "article-quotes-empty", "No quotations found in this article.");
  fill($("#article-entities"), a.entities, (e) => {
    const li = el("li");
    li.append(link(entityUrl(e.id), `${e.name} (${e.label}, ${e.mentions.length})`));
    return li;
  }, "article-entities-empty", "No named entities found in this article.");
  document.body.dataset.updated = String(Date.now());
}

// --- entity -------------------------------------------------------------------------------
export async function startEntity(id) {
  show("view-entity");
  const { ok, status, body } = await getJSON("/api/entities/" + encodeURIComponent(id));
  if (!ok) { showError(status === 404 ? "Entity not in the archive" : "Archive unavailable", body.error); return; }
  document.title = body.name + " · newswire";
  $("#entity-title").textContent = body.name;
  $("#entity-meta").textContent = `${body.label} · ${body.articles} articles · ${body.mentions} mentions · ${body.id}`;
  const chart = new TimeChart($("#chart-mentions"), { unit: "mentions", bars: true, integer: true, format: (v) => Math.round(v).toLocaleString("en"), emptyText: "No mentions recorded." });
  const days = body.per_day.map((d) => Date.parse(d.day + "T00:00:00Z") / 1000);
  chart.update(days, { mentions: body.per_day.map((d) => d.mentions), articles: body.per_day.map((d) => d.articles) });
  fill($("#entity-cooc"), body.co_occurring, (e) => {
    const li = el("li");
    li.append(link(entityUrl(e.id), e.name), el("span", ` ${e.label} — in ${e.articles} of the same articles`, "muted"));
    return li;
  }, "entity-cooc-empty", "Named alone: no other entity in its recent articles.");
  fill($("#entity-quotes-by"), body.quotes_by, (q) => quoteItem(q, { withSpeaker: false }), "entity-quotes-by-empty", "No quotes attributed to this entity.");
  fill($("#entity-quotes-about"), body.quotes_about, (q) => quoteItem(q), "entity-quotes-about-empty", "No quotes mention this entity.");
  document.body.dataset.updated = String(Date.now());
}

// --- speaker ------------------------------------------------------------------------------
let speakerCursor = null;

async function loadSpeaker(id, append) {
  const query = new URLSearchParams({ limit: "20" });
  if (append && speakerCursor) query.set("cursor", speakerCursor);
  const { ok, status, body } = await getJSON(`/api/speakers/${encodeURIComponent(id)}/quotes?` + query);
  if (!ok) { showError(status === 404 ? "No quotes by this speaker" : "Archive unavailable", body.error); return; }
  const name = body.speaker.name || id;
  document.title = name + " · newswire";
  $("#speaker-title").textContent = name;
  const meta = $("#speaker-meta");
  meta.replaceChildren("Quotes, newest first");
  if (body.speaker.entity_id) meta.append(" · ", link(entityUrl(body.speaker.entity_id), "entity page"));
  const list = $("#speaker-quotes");
  const items = body.results.map((q) => quoteItem(q, { withSpeaker: false }));
  if (append) list.append(...items); else fill(list, body.results, (q) => quoteItem(q, { withSpeaker: false }), "speaker-quotes-empty", "No quotes archived for this speaker.");
  speakerCursor = body.next_cursor;
  $("#speaker-more").hidden = !speakerCursor;
  document.body.dataset.updated = String(Date.now());
}

export function startSpeaker(id) {
  show("view-speaker");
  $("#speaker-more").addEventListener("click", () => loadSpeaker(id, true));
  return loadSpeaker(id, false);
}
