// Time-series charts on uPlot (vendored in static/vendor, MIT): axes with units, a legend
// that shows the values under the cursor, gaps where there is no sample.
"use strict";

const PALETTE = ["#1f5fa8", "#c4302b", "#2a7d2e", "#7b3fa0", "#8a5a00", "#b3246f", "#4d4d4d", "#00707a"];
const HEIGHT = 200;
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1e6];

export class TimeChart {
  constructor(container, { unit, format, bars = false, integer = false, emptyText }) {
    this.container = container;
    this.unit = unit;
    this.format = format || ((v) => v.toLocaleString("en", { maximumFractionDigits: 2 }));
    this.bars = bars;
    this.integer = integer;
    this.emptyText = emptyText;
    this.plot = null;
    this.names = "";
    new ResizeObserver(() => this.resize()).observe(container);
  }

  width() { return Math.max(240, this.container.clientWidth); }

  resize() { if (this.plot) this.plot.setSize({ width: this.width(), height: HEIGHT }); }

  // ts: seconds; series: {name: [values or null]}
  update(ts, series) {
    const names = Object.keys(series).sort();
    const empty = !names.length || names.every((n) => series[n].every((v) => v === null || v === 0));
    this.container.dataset.points = String(ts.length);
    this.container.dataset.series = names.join(",");
    this.container.dataset.empty = empty ? "true" : "false";
    // each series' newest value, as the legend shows it with no cursor: for tests and scripts
    const last = {};
    for (const n of names) last[n] = [...series[n]].reverse().find((v) => v !== null && v !== undefined) ?? null;
    this.container.dataset.last = JSON.stringify(last);
    if (!names.length) {
      if (this.plot) { this.plot.destroy(); this.plot = null; this.names = ""; }
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = this.emptyText;
      this.container.replaceChildren(p);
      return;
    }
    const data = [ts, ...names.map((n) => series[n])];
    if (this.plot && this.names === names.join("\n")) { this.plot.setData(data); return; }
    if (this.plot) this.plot.destroy();
    this.container.replaceChildren();
    this.names = names.join("\n");
    const fmt = (u, v) => v === null || v === undefined ? "–" : this.format(v) + " " + this.unit;
    const paths = this.bars && window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
    this.plot = new window.uPlot({
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: "#333", grid: { stroke: "#e6e6e6" } },
        { stroke: "#333", grid: { stroke: "#e6e6e6" }, label: this.unit, size: 60,
          values: (u, vals) => vals.map((v) => this.format(v)),
          ...(this.integer ? { incrs: INTEGER_STEPS } : {}) },
      ],
      series: [
        { label: "time", value: (u, v) => v ? new Date(v * 1000).toLocaleTimeString() : "–" },
        ...names.map((name, i) => ({
          label: name, stroke: PALETTE[i % PALETTE.length], width: 2, value: fmt, spanGaps: false,
          ...(this.bars ? { fill: PALETTE[i % PALETTE.length] + "99", paths, points: { show: false } } : {}),
        })),
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }, data, this.container);
  }
}
