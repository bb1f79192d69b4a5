// Dead letters: filter by stage and reason, read the payload safely, replay to news.raw.
"use strict";
import { $, el, link, fill, row, headersOf, getJSON, params, pageUrl, articleUrl, fmtDateTime, fmtNum } from "./util.js";

const REFRESH_MS = 3000;
let shownIds = "";
let replayedAs = new Map();  // dead-letter id -> {who, state, reason} of its latest replay

function replayMarks(replays) {
  const marks = new Map();
  for (const r of [...replays].reverse()) {  // oldest first: the latest replay wins
    for (const a of r.articles || []) marks.set(a.dead_letter, { who: r.who, state: a.state, reason: a.reason });
  }
  return marks;
}

function replayText(mark) {
  const what = { enriched: "enriched", failed: "failed again" + (mark.reason ? " (" + mark.reason + ")" : ""),
    pending: "on its way", unknown: "not seen within 10 min" }[mark.state] || mark.state;
  return `replayed by ${mark.who}: ${what}`;
}

function filterValues() {
  return { stage: $("#dead-stage").value, reason: $("#dead-reason").value };
}

function setOptions(select, values, current, allLabel) {
  const keep = current || select.value;
  select.replaceChildren(el("option", allLabel));
  select.options[0].value = "";
  for (const [value, n] of Object.entries(values)) {
    const o = el("option", `${value} (${n})`);
    o.value = value;
    select.append(o);
  }
  if (keep && !Object.hasOwn(values, keep)) {
    const o = el("option", `${keep} (0)`);
    o.value = keep;
    select.append(o);
  }
  select.value = keep || "";
}

async function replay(request) {
  const operator = $("#replay-operator").value.trim();
  const token = $("#replay-token").value;
  const status = $("#replay-status");
  if (!operator || !token) {
    status.textContent = "Give your name and the ingest token first (both are needed to replay).";
    status.className = "bad-text";
    (operator ? $("#replay-token") : $("#replay-operator")).focus();
    return;
  }
  status.className = "";
  status.textContent = "Replaying…";
  const { ok, body } = await getJSON("/api/deadletters/replay", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
    body: JSON.stringify({ ...request, operator }),
  });
  if (!ok) {
    status.textContent = "Replay refused: " + body.error;
    status.className = "bad-text";
    return;
  }
  const skipped = body.skipped.length ? `, ${body.skipped.length} skipped (${body.skipped[0].why})` : "";
  status.textContent = `Replay ${body.id}: sent ${body.sent} to news.raw${skipped}. The outcome appears under Replays as the articles come through.`;
  refresh();
}

async function showAll(item, pre, button) {
  button.disabled = true;
  const { ok, body } = await getJSON("/api/deadletters/" + encodeURIComponent(item.id));
  button.disabled = false;
  if (!ok) { pre.textContent = "Could not read the whole record: " + body.error; return; }
  pre.textContent = body.payload;
  button.hidden = true;
}

function renderItem(item) {
  const li = el("li", undefined, "dead");
  li.dataset.id = item.id;
  li.dataset.reason = item.reason;
  const head = el("p", undefined, "dead-head");
  head.append(el("span", item.reason, "badge bad"), el("span", ` ${item.stage} · ${item.failed_at || ""} · ${item.id}`, "muted"));
  if (item.article_id) head.append(" · ", link(articleUrl(item.article_id), item.article_id));
  const mark = replayedAs.get(item.id);
  const status = el("span", mark ? " · " + replayText(mark) : "", "replayed");
  status.dataset.state = mark ? mark.state : "";
  head.append(status);
  li.append(head, el("p", item.message, "dead-message"));
  const details = el("details");
  details.append(el("summary", `Payload: ${fmtNum(item.payload_bytes)} bytes, ${item.payload_kind}${item.payload_kind === "binary" ? " (hex)" : ""}${item.payload_truncated_at_source ? ", cut at 256 kB in the record" : ""}`));
  const pre = el("pre", item.payload, "payload");
  details.append(pre);
  if (!item.payload_shown_all) {
    const more = el("button", "Show all");
    more.type = "button";
    more.addEventListener("click", () => showAll(item, pre, more));
    details.append(more);
  }
  const again = el("button", "Replay this one");
  again.type = "button";
  again.className = "replay-one";
  again.addEventListener("click", () => replay({ ids: [item.id] }));
  li.append(details, again);
  return li;
}

function outcomeText(r) {
  const o = r.outcome || {};
  const parts = [];
  if (o.enriched) parts.push(`${o.enriched} enriched`);
  if (o.failed) parts.push(`${o.failed} failed again (${Object.entries(o.failed_by_reason || {}).map(([k, v]) => k + " " + v).join(", ")})`);
  if (o.pending) parts.push(`${o.pending} pending`);
  if (o.unknown) parts.push(`${o.unknown} not seen within 10 min`);
  return parts.join(", ") || "nothing sent";
}

function renderReplays(replays) {
  const table = $("#replays");
  const headers = headersOf(table);
  fill(table.tBodies[0], replays, (r) => {
    const what = r.selector.reason ? `all ${r.selector.reason}${r.selector.stage ? " at " + r.selector.stage : ""}` : `${r.selector.ids.length} selected`;
    const tr = row([fmtDateTime(r.at), `${r.who} (${r.remote})`, what, r.sent, r.skipped.length, outcomeText(r)], headers);
    tr.dataset.replay = r.id;
    tr.dataset.enriched = String((r.outcome || {}).enriched || 0);
    return tr;
  }, "replays-empty", "No replays yet.");
}

async function refresh() {
  const f = filterValues();
  const query = new URLSearchParams({ limit: "100" });
  if (f.stage) query.set("stage", f.stage);
  if (f.reason) query.set("reason", f.reason);
  const { ok, body } = await getJSON("/api/deadletters?" + query);
  if (!ok) { $("#dead-count").textContent = "Could not load dead letters: " + body.error; return; }
  setOptions($("#dead-stage"), body.summary.by_stage, f.stage, "all stages");
  setOptions($("#dead-reason"), body.summary.by_reason, f.reason, "all reasons");
  const what = [f.stage && `stage ${f.stage}`, f.reason && `reason ${f.reason}`].filter(Boolean).join(", ");
  $("#dead-count").textContent = `${fmtNum(body.summary.total)} dead letters in all; showing the newest ${body.items.length}${what ? " with " + what : ""}.`;
  replayedAs = replayMarks(body.replays);
  for (const li of document.querySelectorAll("#dead-list li.dead")) {  // outcomes change in place
    const mark = replayedAs.get(li.dataset.id);
    const span = li.querySelector(".replayed");
    if (mark && span) { span.textContent = " · " + replayText(mark); span.dataset.state = mark.state; }
  }
  const ids = body.items.map((i) => i.id).join(",");
  if (ids !== shownIds) {
    shownIds = ids;
    const why = body.summary.total ? "No dead letters match this filter." : "No dead letters: every article so far was processed.";
    fill($("#dead-list"), body.items, renderItem, "dead-list-empty", why);
  }
  const all = $("#replay-all");
  all.hidden = !f.reason || !body.items.length;
  all.textContent = `Replay all ${f.reason} dead letters`;
  renderReplays(body.replays);
  document.body.dataset.updated = String(Date.now());
}

export function start() {
  document.title = "Dead letters · newswire";
  $("#dead-stage").value = params.get("stage") || "";
  setOptions($("#dead-reason"), {}, params.get("reason") || "", "all reasons");
  setOptions($("#dead-stage"), {}, params.get("stage") || "", "all stages");
  $("#dead-filter").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = filterValues();
    history.replaceState(null, "", pageUrl({ view: "dead", ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)), ...(params.get("token") ? { token: params.get("token") } : {}) }));
    shownIds = "";
    refresh();
  });
  $("#replay-all").addEventListener("click", () => {
    const f = filterValues();
    replay({ reason: f.reason, ...(f.stage ? { stage: f.stage } : {}) });
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
}
