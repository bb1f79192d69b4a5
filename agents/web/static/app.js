// newswire dashboard: a router over the views. All untrusted text is set with textContent.
"use strict";
import { params, show } from "./util.js";
import * as pipeline from "./pipeline.js";
import * as dead from "./dead.js";
import * as news from "./news.js";

function route() {
  const view = params.get("view");
  // a named view first: a search filtered by speaker or entity carries those names too
  if (view === "dead") { show("view-dead"); return dead.start(); }
  if (view === "search") return news.startSearch();
  if (params.get("article")) return news.startArticle(params.get("article"));
  if (params.get("entity")) return news.startEntity(params.get("entity"));
  if (params.get("speaker")) return news.startSpeaker(params.get("speaker"));
  show("view-pipeline");
  return pipeline.start();
}

// uPlot is a classic deferred script; modules run after deferred scripts, so it is loaded.
route();
