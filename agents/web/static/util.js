// Helpers shared by the dashboard's views. Untrusted text only ever goes in with textContent.
"use strict";

export const $ = (sel, root = document) => root.querySelector(sel);
export const params = new URLSearchParams(location.search);
const token = params.get("token");

export const withToken = (url) => token ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : url;

export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

export function link(href, text, cls) {
  const a = el("a", text, cls);
  a.href = withToken(href);
  return a;
}

export const pageUrl = (query) => "/dashboard?" + new URLSearchParams(query).toString();
export const articleUrl = (id) => pageUrl({ article: id });
export const entityUrl = (id) => pageUrl({ entity: id });
export const speakerUrl = (id) => pageUrl({ speaker: id });

export async function getJSON(url, options) {
  let res;
  try {
    res = await fetch(withToken(url), options);
  } catch (err) {
    return { ok: false, status: 0, body: { error: "the dashboard server did not answer (" + err.message + ")" } };
  }
  let body;
  try { body = await res.json(); } catch { body = { error: res.status + " " + res.statusText }; }
  return { ok: res.ok, status: res.status, body };
}

// A list or table body that says what is empty and why instead of showing a blank bar.
export function fill(container, items, render, emptyId, emptyText) {
  container.replaceChildren(...items.map(render));
  const empty = document.getElementById(emptyId);
  if (empty) {
    empty.hidden = items.length > 0;
    empty.textContent = emptyText;
  }
  const table = container.closest("table");
  (table || container).hidden = items.length === 0;
}

// A table row whose cells carry their header as a label (the narrow-screen card layout).
export function row(cells, headers) {
  const tr = el("tr");
  cells.forEach((cell, i) => {
    const td = el("td");
    td.dataset.label = headers[i] || "";
    if (cell instanceof Node) td.append(cell); else td.textContent = cell === null || cell === undefined ? "–" : String(cell);
    tr.append(td);
  });
  return tr;
}

export const headersOf = (table) => [...table.querySelectorAll("thead th")].map((th) => th.textContent);

export const fmtTime = (t) => t ? new Date(t * 1000).toLocaleTimeString() : "–";
export const fmtDateTime = (t) => t ? new Date(t * 1000).toLocaleString() : "–";
export const fmtNum = (n) => n === null || n === undefined ? "–" : Number(n).toLocaleString("en");

export function fmtAge(s) {
  if (s === null || s === undefined) return "never";
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
}

export function fmtSeconds(s) {
  if (s === null || s === undefined) return "–";
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`;
}

export function show(viewId) {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== viewId;
  if (viewId !== "view-pipeline") document.getElementById("status").textContent = "";
  const nav = { "view-pipeline": "pipeline", "view-dead": "dead", "view-search": "search" }[viewId];
  for (const a of document.querySelectorAll("header nav a")) {
    if (a.dataset.nav === nav) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

export function showError(title, detail) {
  show("view-error");
  $("#error-title").textContent = title;
  $("#error-detail").textContent = detail || "";
  document.title = title + " · newswire";
}

// Wrap each occurrence of the query's words in <mark>, splitting text nodes (never innerHTML).
export function highlight(text, query) {
  const frag = document.createDocumentFragment();
  const words = (query || "").toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || [];
  if (!words.length) { frag.append(text); return frag; }
  const lower = text.toLowerCase();
  let pos = 0;
  while (pos < text.length) {
    let best = -1, len = 0;
    for (const w of words) {
      const stem = w.length > 5 ? w.slice(0, w.length - 2) : w;
      const at = lower.indexOf(stem, pos);
      if (at >= 0 && (best < 0 || at < best)) { best = at; len = stem.length; }
    }
    if (best < 0) break;
    let end = best + len;
    while (end < text.length && /[\p{L}\p{N}]/u.test(text[end])) end++;
    frag.append(text.slice(pos, best), el("mark", text.slice(best, end), "hit"));
    pos = end;
  }
  frag.append(text.slice(pos));
  return frag;
}
