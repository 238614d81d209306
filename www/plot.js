// A compact canvas plot helper: bounded series, per-second rate bins, and one function that
// draws a small time plot (lines, or steps for counts; nice y ticks; vertical markers) or a sparkline.
// No library: the page is plain ES modules under a strict CSP, the plots are a few small
// live line charts redrawn every frame, and the theme colours already come from CSS.
import { fitCanvas, fmtTick, fmtDuration, fmtBytes } from './format.js';

/** Points (t ms, value) in arrival order, keeping at most `max` (the newest). */
export class Series {
  constructor(max = 2000) {
    this.max = max;
    this.reset();
  }

  reset() {
    this.t = [];
    this.v = [];
    this.dropped = 0;
    this.fractional = false;
  }

  get step() {
    return !this.fractional;
  }

  get length() {
    return this.t.length;
  }

  push(t, v) {
    if (!Number.isFinite(t) || !Number.isFinite(v)) return;
    // Whole numbers only (a count: suspected nodes, attempts) plot as steps: a line between two
    // counts would invent the values in between.
    if (!Number.isInteger(v)) this.fractional = true;
    this.t.push(t);
    this.v.push(v);
    // Trim in chunks: shifting a 2,000-long array on every sample would be wasteful.
    if (this.t.length > this.max + (this.max >> 2)) {
      const drop = this.t.length - this.max;
      this.t.splice(0, drop);
      this.v.splice(0, drop);
      this.dropped += drop;
    }
  }

  last() {
    const n = this.t.length;
    return n ? { t: this.t[n - 1], v: this.v[n - 1] } : null;
  }
}

/** Counts per fixed interval of simulated time, as rates per second; keeps the newest maxBins. */
export class RateBins {
  constructor(binMs = 1000, maxBins = 600) {
    this.binMs = binMs;
    this.maxBins = maxBins;
    this.reset();
  }

  reset() {
    this.first = 0; // index (t / binMs) of counts[0]
    this.counts = [];
  }

  add(t, n = 1) {
    const i = Math.floor(t / this.binMs);
    if (i < this.first) return; // older than what we keep
    while (this.first + this.counts.length <= i) this.counts.push(0);
    this.counts[i - this.first] += n;
    if (this.counts.length > this.maxBins) {
      const drop = this.counts.length - this.maxBins;
      this.counts.splice(0, drop);
      this.first += drop;
    }
  }

  /** {t, v} arrays: one point per bin at its middle, per second; the bin still filling is
   *  scaled by how much of it has passed (and left out while that is too little to mean much). */
  series(now, from = (Math.floor(now / this.binMs) - this.maxBins + 1) * this.binMs) {
    const t = [];
    const v = [];
    const per = 1000 / this.binMs;
    const last = Math.floor(now / this.binMs);
    for (let i = Math.max(this.first, Math.floor(from / this.binMs)); i <= last; i++) {
      const c = this.counts[i - this.first] ?? 0;
      const start = i * this.binMs;
      const span = Math.min(this.binMs, now - start);
      if (span < this.binMs * 0.25) break;
      t.push(start + span / 2);
      v.push((c * per * this.binMs) / span);
    }
    return { t, v };
  }
}

/** A value with its unit, short: "120 ms", "1.2 MB/s", "0.25", "3 msg/s". */
export function fmtUnit(v, unit = '') {
  if (v == null || !Number.isFinite(v)) return '—';
  if (unit === 'ms') return v === 0 ? '0 ms' : fmtDuration(v);
  if (unit === 'B/s') return `${fmtBytes(Math.round(v))}/s`;
  if (unit === 'B' || unit === 'bytes') return fmtBytes(Math.round(v));
  if (unit === '%') return `${Number(v.toPrecision(4))} %`;
  // "1 node", "3 nodes": a unit in words agrees with its number.
  if (Math.abs(v) === 1 && /[a-z]s$/.test(unit)) unit = unit.slice(0, -1);
  const a = Math.abs(v);
  const num = a >= 1e6 ? `${Number((v / 1e6).toPrecision(3))}M` : a >= 1e4 ? `${Number((v / 1e3).toPrecision(3))}k` : String(Number(v.toPrecision(3)));
  return unit ? `${num} ${unit}` : num;
}

/** An x-axis end: "4.6 s", "12 s", "4:19" — as many decimals as the span needs, no more. */
function fmtX(ms, span) {
  if (ms < 60_000) return ms === 0 ? '0' : `${(ms / 1000).toFixed(span < 2000 ? 2 : span < 20_000 ? 1 : 0)} s`;
  return fmtTick(ms, span < 60_000 ? 1000 : 60_000);
}

/** A y tick: units that read as part of a number (ms, B/s, %) stay; words ("nodes") are in the title. */
function yLabel(v, unit) {
  return ['ms', 'B/s', 'B', 'bytes', '%'].includes(unit) ? fmtUnit(v, unit) : fmtUnit(v);
}

/** Round tick values covering [lo, hi]: 1-2-5 steps, about `n` of them. */
export function niceTicks(lo, hi, n = 3) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  let v = Math.floor(lo / step + 1e-9) * step;
  for (; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  // One tick at or above the top, so the greatest value sits under a labelled line.
  if (out[out.length - 1] < hi - step * 1e-9) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Draws a time plot into `canvas` (sized by CSS). Returns the geometry for hover look-ups.
 * opts: { t0, t1, series: [{ t, v, colour, width, dash, step }], unit, theme, markers: [{ t, colour, label }],
 *         empty: text when there is nothing to draw, compact: a bare sparkline }
 */
export function drawPlot(canvas, opts) {
  const { ctx, w, h } = fitCanvas(canvas);
  const t = opts.theme;
  const fs = Math.max(10, t.fontSize * 0.72);
  ctx.fillStyle = t.panel;
  ctx.fillRect(0, 0, w, h);
  ctx.font = `${fs}px ${t.font}`;
  // The y range: from 0 (or the least value if negative) to a little above the greatest.
  let lo = 0;
  let hi = 0;
  let any = false;
  for (const s of opts.series) {
    for (let i = 0; i < s.t.length; i++) {
      if (s.t[i] < opts.t0 || s.t[i] > opts.t1) continue;
      lo = Math.min(lo, s.v[i]);
      hi = Math.max(hi, s.v[i]);
      any = true;
    }
  }
  if (hi <= lo) hi = lo + 1;
  const ticks = niceTicks(lo, hi, 3);
  const yMax = Math.max(hi, ticks[ticks.length - 1]);
  lo = Math.min(lo, ticks[0]);
  const span = Math.max(1e-9, opts.t1 - opts.t0);
  if (opts.compact) {
    // A sparkline: the shape only, no axes (the value is printed beside it).
    const g = { plotL: 1, plotR: w - 2, top: 2, bottom: h - 2, t0: opts.t0, t1: opts.t1 };
    g.x = (tt) => g.plotL + ((tt - opts.t0) / span) * (g.plotR - g.plotL);
    g.y = (v) => g.bottom - ((v - lo) / (yMax - lo || 1)) * (g.bottom - g.top);
    for (const s of opts.series) drawSeries(ctx, g, { ...s, width: 1.3 });
    return g;
  }
  const labelW = Math.max(...ticks.map((v) => ctx.measureText(yLabel(v, opts.unit)).width));
  const g = { plotL: Math.ceil(labelW) + 8, plotR: w - 6, top: 6, bottom: h - fs - 6, t0: opts.t0, t1: opts.t1 };
  g.x = (tt) => g.plotL + ((tt - opts.t0) / span) * (g.plotR - g.plotL);
  g.y = (v) => g.bottom - ((v - lo) / (yMax - lo)) * (g.bottom - g.top);

  // Grid and y labels.
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const v of ticks) {
    const y = Math.round(g.y(v)) + 0.5;
    ctx.moveTo(g.plotL, y);
    ctx.lineTo(g.plotR, y);
    ctx.fillText(yLabel(v, opts.unit), g.plotL - 4, y);
  }
  ctx.stroke();
  ctx.strokeStyle = t.border;
  ctx.beginPath();
  ctx.moveTo(g.plotL + 0.5, g.top);
  ctx.lineTo(g.plotL + 0.5, g.bottom + 0.5);
  ctx.lineTo(g.plotR, g.bottom + 0.5);
  ctx.stroke();
  // x labels at both ends: the plot spans the run so far (or its newest part).
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(fmtX(Math.max(0, opts.t0), span), g.plotL, g.bottom + 3);
  ctx.textAlign = 'right';
  ctx.fillText(fmtX(opts.t1, span), g.plotR, g.bottom + 3);

  ctx.save();
  ctx.beginPath();
  ctx.rect(g.plotL, g.top - 2, g.plotR - g.plotL + 2, g.bottom - g.top + 4);
  ctx.clip();
  for (const m of opts.markers ?? []) {
    if (m.t < opts.t0 || m.t > opts.t1) continue;
    const x = Math.round(g.x(m.t)) + 0.5;
    ctx.strokeStyle = m.colour;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, g.top);
    ctx.lineTo(x, g.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    if (m.label) {
      ctx.fillStyle = m.colour;
      ctx.textAlign = 'left';
      ctx.fillText(m.label, x + 3, g.top);
    }
  }
  for (const s of opts.series) drawSeries(ctx, g, s);
  ctx.restore();
  if (!any && opts.empty) {
    ctx.fillStyle = t.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(opts.empty, (g.plotL + g.plotR) / 2, (g.top + g.bottom) / 2);
  }
  return g;
}

/** One series: steps for counts, else a line (with more points than pixels, each pixel
 *  column's min–max); its samples marked when they are few. */
function drawSeries(ctx, g, s) {
  const n = s.t.length;
  if (!n) return;
  ctx.strokeStyle = s.colour;
  ctx.fillStyle = s.colour;
  ctx.lineWidth = s.width ?? 1.6;
  ctx.setLineDash(s.dash ?? []);
  ctx.lineJoin = 'round';
  let i0 = 0;
  while (i0 < n && s.t[i0] < g.t0) i0++;
  i0 = Math.max(0, i0 - 1);
  if (s.step) {
    // Sample and hold: each value stays until the next one.
    ctx.beginPath();
    for (let i = i0; i < n; i++) {
      const x = g.x(s.t[i]);
      const y = g.y(s.v[i]);
      if (i === i0) ctx.moveTo(x, y);
      else {
        ctx.lineTo(x, g.y(s.v[i - 1]));
        ctx.lineTo(x, y);
      }
    }
    ctx.lineTo(g.plotR, g.y(s.v[n - 1]));
    ctx.stroke();
  } else drawLine(ctx, g, s, i0, n);
  // Few samples: mark each one, so a line between two far-apart samples isn't read as data.
  if (n - i0 <= (g.plotR - g.plotL) / 8) {
    const r = 1.8;
    ctx.beginPath();
    for (let i = i0; i < n; i++) {
      const x = g.x(s.t[i]);
      const y = g.y(s.v[i]);
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
    }
    ctx.fill();
  }
  ctx.setLineDash([]);
}

function drawLine(ctx, g, s, i0, n) {
  ctx.beginPath();
  let col = null;
  let cmin = 0;
  let cmax = 0;
  let started = false;
  const flush = () => {
    if (col === null) return;
    if (!started) {
      ctx.moveTo(col, cmin);
      started = true;
    } else ctx.lineTo(col, cmin);
    if (cmax !== cmin) ctx.lineTo(col, cmax);
  };
  for (let i = i0; i < n; i++) {
    const x = Math.round(g.x(s.t[i]));
    const y = g.y(s.v[i]);
    if (x === col) {
      cmin = Math.min(cmin, y);
      cmax = Math.max(cmax, y);
      continue;
    }
    flush();
    col = x;
    cmin = cmax = y;
  }
  flush();
  ctx.stroke();
}
