// The space-time (Lamport) diagram: one line per node, global simulated time to the right,
// messages as arrows from send to delivery, faults as marks on the node's line.
import { fitCanvas, theme, nodeName, fmtDuration, fmtTick, clamp, groupDigits } from './format.js';
import { drawMarks, pausePattern, hitKey } from './timeline-marks.js';
import { drawGstBackground, drawGstLine, drawPartitions } from './timeline-bands.js';

const MIN_ROW = 6; // px; below this rows scroll instead of shrinking
const MAX_ROW = 110;
const MIN_WINDOW = 1; // ms
const MAX_WINDOW = 7 * 24 * 3600 * 1000;

export class TimelineView {
  constructor(canvas, trace, colours) {
    this.canvas = canvas;
    this.trace = trace;
    this.colours = colours;
    this.windowMs = 3000;
    this.follow = true;
    this.viewEnd = 0; // right edge when not following
    this.rowScroll = 0; // first visible row (fractional)
    this.hits = [];
    this.hover = null;
    this.geom = null;
    this.onFollowChange = null;
    this.drag = null;
    this.bands = null; // NoteBands (note-bands.js): intervals read from the protocol's notes
    this.clocks = null; // ClockMap (clockmap.js): each node's clock as a function of true time
    this.localTime = false; // draw each event at its node's own clock reading, not at true time
    this.onTimeBaseChange = null;
  }

  /** True time (false) or each node's local clock (true) along the x axis. */
  setLocalTime(on) {
    on = Boolean(on && this.clocks);
    if (on === this.localTime) return;
    this.localTime = on;
    this.setFollow(true);
    this.onTimeBaseChange?.(on);
  }

  /** Where event `ev` (a trace event) is drawn now, in canvas CSS pixels along x, or null. */
  xOf(ev) {
    return this.geom ? this.geom.xe(ev) : null;
  }

  reset() {
    this.follow = true;
    this.rowScroll = 0;
    this.hits = [];
    this.hover = null;
    this.onFollowChange?.(true);
  }

  setFollow(on) {
    if (this.follow === on) return;
    this.follow = on;
    this.onFollowChange?.(on);
  }

  /** Geometry shared by drawing and hit testing. */
  computeGeom(frame, w, h) {
    const t = theme();
    const fs = t.fontSize;
    const n = frame.nodes.length;
    // Wide enough for "n12" and the longest role the protocol names (leader, client…).
    const roleW = this.roleWidth(frame, t);
    const gutter = Math.round(Math.max(fs * 5.2, Math.min(fs * 11, roleW + fs * 2.6)));
    const axisH = Math.round(fs * 1.9);
    const plotL = gutter;
    const plotR = w - 14;
    const top = axisH + 4;
    const avail = Math.max(10, h - top - 6);
    const rowH = n ? clamp(avail / n, MIN_ROW, MAX_ROW) : MAX_ROW;
    const visibleRows = avail / rowH;
    const maxScroll = Math.max(0, n - visibleRows);
    this.rowScroll = clamp(this.rowScroll, 0, maxScroll);
    // Few rows: centre them vertically rather than leaving a gap at the bottom.
    const y0 = n * rowH < avail ? top + (avail - n * rowH) / 2 : top;
    const local = this.localTime && this.clocks !== null;
    // Local time: the axis is clock readings, and "now" is the furthest any clock has got.
    const refNow = local ? this.clocks.maxNow(frame) : frame.now;
    this.refNow = refNow;
    const end = this.follow ? this.liveEnd(refNow) : this.viewEnd;
    const start = end - this.windowMs;
    const pxPerMs = (plotR - plotL) / this.windowMs;
    const index = new Map(frame.nodes.map((nd, i) => [nd.id, i]));
    // y of each node's row by id (ids are small integers): looked up for every event drawn.
    const yById = [];
    frame.nodes.forEach((nd, i) => {
      yById[nd.id] = y0 + (i - this.rowScroll) * rowH + rowH / 2;
    });
    const x = (time) => plotL + (time - start) * pxPerMs;
    const clocks = this.clocks;
    return {
      w, h, n, gutter, axisH, plotL, plotR, top, avail, rowH, visibleRows, maxScroll, y0, start, end, pxPerMs, index, local, refNow,
      x,
      /** x of node `id` at true time t: t itself, or the node's clock reading then. */
      at: local ? (id, time) => x(clocks.at(id, time)) : (id, time) => x(time),
      /** x of a trace event: its time, or its node's clock reading. */
      xe: local ? (e) => x(e.clock ?? clocks.at(e.node, e.t)) : (e) => x(e.t),
      /** First true instant whose events may show in the window. */
      scanFrom: local ? start - Math.max(0, clocks.maxAhead) : start,
      yRow: (i) => y0 + (i - this.rowScroll) * rowH + rowH / 2,
      y: (id) => yById[id] ?? null,
    };
  }

  roleWidth(frame, t) {
    const key = frame.nodes.map((n) => n.role ?? '').join('|');
    if (key === this.roleKey) return this.roleW;
    this.roleKey = key;
    const ctx = this.canvas.getContext('2d');
    ctx.font = `${t.fontSize * 0.78}px ${t.font}`;
    this.roleW = Math.max(0, ...frame.nodes.map((n) => (n.role ? ctx.measureText(String(n.role)).width : 0)));
    return this.roleW;
  }

  draw(frame, opts) {
    const { ctx, w, h } = fitCanvas(this.canvas);
    this.paint(ctx, w, h, frame, opts);
  }

  /** Draws the view as it stands onto another context (a bigger canvas, or an SvgContext) of
   *  w × h CSS pixels, for export; what the screen's hit testing uses is left as it was. */
  exportTo(ctx, w, h, frame) {
    const keep = { geom: this.geom, hits: this.hits, hover: this.hover, rowScroll: this.rowScroll, roleKey: this.roleKey, roleW: this.roleW };
    this.hover = null;
    this.roleKey = null; // the export's type size may differ from the screen's
    try {
      this.paint(ctx, w, h, frame, { exporting: true });
    } finally {
      Object.assign(this, keep);
    }
  }

  paint(ctx, w, h, frame, { selected = null, exporting = false } = {}) {
    this.exporting = exporting;
    const t = theme();
    ctx.fillStyle = t.panel;
    ctx.fillRect(0, 0, w, h);
    if (!frame) return;
    const g = this.computeGeom(frame, w, h);
    this.geom = g;
    this.hits = [];
    const firstRow = Math.max(0, Math.floor(this.rowScroll));
    const lastRow = Math.min(g.n - 1, Math.ceil(this.rowScroll + g.visibleRows));

    ctx.save();
    ctx.beginPath();
    ctx.rect(g.plotL, g.top - 2, g.plotR - g.plotL + 14, h - g.top + 2);
    ctx.clip();
    // Row bands make it easy to follow one node's line across the screen.
    for (let i = firstRow; i <= lastRow; i++) {
      const sel = frame.nodes[i].id === selected;
      if (!sel && !(i % 2 === 1 && g.rowH >= 10)) continue;
      ctx.fillStyle = sel ? t.select : t.row;
      ctx.globalAlpha = sel ? 0.12 : 1;
      ctx.fillRect(g.plotL, g.yRow(i) - g.rowH / 2, g.plotR - g.plotL + 14, g.rowH);
      ctx.globalAlpha = 1;
    }
    this.drawGrid(ctx, g, t);
    if (!g.local) drawGstBackground(ctx, g, t, frame);
    if (!g.local && this.trace.dropped > 0 && g.start < this.trace.oldestT) {
      // Older than our buffer: say so instead of drawing a misleadingly empty past.
      const x1 = Math.min(g.x(this.trace.oldestT), g.plotR);
      ctx.fillStyle = t.grid;
      ctx.globalAlpha = 0.6;
      ctx.fillRect(g.plotL, g.top, x1 - g.plotL, h - g.top);
      ctx.globalAlpha = 1;
    }

    // Node lines, with crashed stretches broken and grey and paused stretches hatched.
    const lineW = g.rowH >= 14 ? 1.5 : 1;
    ctx.lineWidth = lineW;
    ctx.strokeStyle = t.faint;
    ctx.beginPath();
    for (let i = firstRow; i <= lastRow; i++) {
      const y = g.yRow(i);
      ctx.moveTo(g.plotL, y);
      ctx.lineTo(Math.min(g.at(frame.nodes[i].id, frame.now), g.plotR + 14), y);
    }
    ctx.stroke();
    const pat = pausePattern(ctx, t.pause);
    for (let i = firstRow; i <= lastRow; i++) {
      const id = frame.nodes[i].id;
      const y = g.yRow(i);
      for (const iv of this.trace.paused.get(id) ?? []) {
        const e = iv.end ?? Math.min(frame.now, iv.until ?? frame.now);
        const x1 = g.at(id, iv.start);
        const x2 = Math.max(g.at(id, e), x1 + 2);
        if (x2 < g.plotL || x1 > g.plotR + 14) continue;
        const bh = Math.max(3, g.rowH * 0.56);
        ctx.fillStyle = pat;
        ctx.fillRect(x1, y - bh / 2, x2 - x1, bh);
        this.hits.push({ kind: 'band', x1, x2, y1: y - bh / 2, y2: y + bh / 2, info: { kind: 'paused', node: id, from: iv.start, until: e } });
      }
      for (const iv of this.trace.crashed.get(id) ?? []) {
        const e = iv.end ?? frame.now;
        const x1 = g.at(id, iv.start);
        const x2 = g.at(id, e);
        if (x2 < g.plotL || x1 > g.plotR + 14) continue;
        ctx.strokeStyle = t.panel;
        ctx.lineWidth = lineW + 2;
        ctx.beginPath();
        ctx.moveTo(x1, y);
        ctx.lineTo(x2, y);
        ctx.stroke();
        ctx.strokeStyle = t.nodeCrashed;
        ctx.lineWidth = Math.max(lineW, g.rowH >= 14 ? 3 : 1.5);
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(x1, y);
        ctx.lineTo(x2, y);
        ctx.stroke();
        ctx.setLineDash([]);
        this.hits.push({ kind: 'band', x1, x2, y1: y - 4, y2: y + 4, info: { kind: 'crashed', node: id, from: iv.start, until: iv.end } });
      }
    }

    this.bands?.draw(ctx, g, t, frame, firstRow, lastRow, this.hits); // note-bands.js
    drawPartitions(ctx, g, t, frame, this.trace, this.hits, firstRow, lastRow);
    drawMarks(ctx, g, t, frame, this.trace, this.colours, this.hits, hitKey(this.hover?.ev));
    if (!g.local) drawGstLine(ctx, g, t, frame, this.hits);

    // "Now": where the live edge of the run is; on local clocks, each node's own reading.
    const xn = g.x(frame.now);
    if (g.local) {
      ctx.strokeStyle = t.accent;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = firstRow; i <= lastRow; i++) {
        const x = g.at(frame.nodes[i].id, frame.now);
        const y = g.yRow(i);
        ctx.moveTo(x, y - g.rowH * 0.4);
        ctx.lineTo(x, y + g.rowH * 0.4);
      }
      ctx.stroke();
    } else if (xn >= g.plotL && xn <= g.plotR + 14) {
      ctx.strokeStyle = t.accent;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(xn, g.top - 2);
      ctx.lineTo(xn, h);
      ctx.stroke();
    }
    ctx.restore();

    this.drawGutter(ctx, g, t, frame, selected, firstRow, lastRow);
    this.drawAxis(ctx, g, t);
  }

  drawGrid(ctx, g, t) {
    const step = niceStep(this.windowMs, (g.plotR - g.plotL) / 110);
    this.tickStep = step;
    ctx.strokeStyle = t.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let tt = Math.ceil(g.start / step) * step; tt <= g.end; tt += step) {
      const x = Math.round(g.x(tt)) + 0.5;
      ctx.moveTo(x, g.top);
      ctx.lineTo(x, g.h);
    }
    ctx.stroke();
  }

  drawAxis(ctx, g, t) {
    const fs = t.fontSize;
    ctx.fillStyle = t.panel;
    ctx.fillRect(0, 0, g.w, g.axisH);
    ctx.strokeStyle = t.border;
    ctx.beginPath();
    ctx.moveTo(0, g.axisH + 0.5);
    ctx.lineTo(g.w, g.axisH + 0.5);
    ctx.stroke();
    const step = this.tickStep;
    const note = `${g.local ? 'local clocks · ' : ''}window ${fmtDuration(this.windowMs)}${this.follow ? '' : ' · looking back'}`;
    ctx.font = `${fs * 0.8}px ${t.font}`;
    const nw = ctx.measureText(note).width;
    ctx.font = `600 ${fs * 0.8}px ${t.font}`;
    const leftW = ctx.measureText(g.local ? 'local clock →' : 'time →').width; // the axis's own label, left
    ctx.font = `${fs * 0.8}px ${t.font}`;
    ctx.fillStyle = t.muted;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (let tt = Math.ceil(g.start / step) * step; tt <= g.end; tt += step) {
      const x = g.x(tt);
      if (x < Math.max(g.plotL + 20, leftW + 8 + fs * 2.2) || x > g.plotR - nw - 50) continue;
      ctx.fillText(fmtTick(tt, step), x, g.axisH / 2);
    }
    ctx.textAlign = 'left';
    ctx.fillStyle = t.fg;
    ctx.font = `600 ${fs * 0.8}px ${t.font}`;
    ctx.fillStyle = g.local ? t.clock : t.fg;
    ctx.fillText(g.local ? 'local clock →' : 'time →', 8, g.axisH / 2);
    // Window size, top right over the axis.
    ctx.font = `${fs * 0.8}px ${t.font}`;
    ctx.fillStyle = this.follow ? t.muted : t.accent;
    ctx.textAlign = 'right';
    ctx.fillText(note, g.plotR, g.axisH / 2);
    // While the simulator is producing more events than a frame carries, say so.
    if (!this.exporting && performance.now() - this.trace.lastSkipAt < 2000) {
      this.banner(ctx, g, t, `too many events to draw them all: ${groupDigits(this.trace.skipped)} skipped so far — slow down to see every message`, g.h - 6, t.pause);
    }
    if (this.trace.dropped > 0 && g.start < this.trace.oldestT && g.x(this.trace.oldestT) - g.plotL > 200) {
      this.banner(ctx, g, t, '← older events no longer kept', g.top + 16, t.muted);
    }
  }

  banner(ctx, g, t, text, y, colour) {
    ctx.font = `${t.fontSize * 0.8}px ${t.font}`;
    const w = ctx.measureText(text).width;
    ctx.fillStyle = t.panel;
    ctx.globalAlpha = 0.9;
    ctx.fillRect(g.plotL + 4, y - t.fontSize, w + 10, t.fontSize * 1.2);
    ctx.globalAlpha = 1;
    ctx.fillStyle = colour;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(text, g.plotL + 9, y);
  }

  drawGutter(ctx, g, t, frame, selected, firstRow, lastRow) {
    const fs = t.fontSize;
    ctx.fillStyle = t.panel;
    ctx.fillRect(0, g.top - 2, g.gutter, g.h);
    ctx.strokeStyle = t.border;
    ctx.beginPath();
    ctx.moveTo(g.gutter - 0.5, g.top - 2);
    ctx.lineTo(g.gutter - 0.5, g.h);
    ctx.stroke();
    // Labels only when rows are tall enough to read them; otherwise every k-th row.
    const labelFs = clamp(g.rowH * 0.75, 8, fs);
    const every = Math.max(1, Math.ceil((labelFs * 1.1) / g.rowH));
    ctx.font = `600 ${labelFs}px ${t.font}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let i = firstRow; i <= lastRow; i++) {
      const nd = frame.nodes[i];
      const y = g.yRow(i);
      if (y < g.top || y > g.h) continue;
      const sel = nd.id === selected;
      if (i % every !== 0 && !sel) continue;
      ctx.fillStyle = sel ? t.select : nd.status === 'crashed' ? t.crash : nd.status === 'paused' ? t.pause : t.fg;
      const name = nodeName(nd.id);
      // With a role and room for two lines: the name above, the role under it.
      const twoLines = nd.role && g.rowH >= labelFs * 2.3;
      ctx.font = `600 ${labelFs}px ${t.font}`;
      ctx.fillText(name, g.gutter - 10, twoLines ? y - labelFs * 0.5 : y);
      if (twoLines) {
        ctx.font = `${labelFs * 0.78}px ${t.font}`;
        ctx.fillStyle = t.muted;
        ctx.fillText(String(nd.role), g.gutter - 10, y + labelFs * 0.6);
        ctx.font = `600 ${labelFs}px ${t.font}`;
      }
      if (g.rowH >= 12) {
        // Status dot before the name: the same colours as the graph.
        const dx = g.gutter - 10 - ctx.measureText(name).width - 9;
        const dy = twoLines ? y - labelFs * 0.5 : y;
        ctx.fillStyle = nd.status === 'crashed' ? t.crash : nd.status === 'paused' ? t.pause : t.recover;
        ctx.beginPath();
        ctx.arc(Math.max(6, dx), dy, Math.min(3.5, g.rowH / 4), 0, Math.PI * 2);
        ctx.fill();
      }
    }
    if (g.maxScroll > 0) {
      // A scroll thumb so a long list of rows shows it can be scrolled (shift + wheel).
      const trackH = g.avail;
      const thumbH = Math.max(20, (trackH * g.visibleRows) / g.n);
      const ty = g.top + ((trackH - thumbH) * this.rowScroll) / g.maxScroll;
      ctx.fillStyle = t.border;
      ctx.fillRect(g.gutter - 4, ty, 3, thumbH);
    }
  }

  // ---------------------------------------------------------------- interaction

  rowAt(y) {
    const g = this.geom;
    if (!g || y < g.top) return null;
    const i = Math.floor((y - g.y0) / g.rowH + this.rowScroll);
    return i >= 0 && i < g.n ? i : null;
  }

  inGutter(x) {
    return this.geom && x < this.geom.gutter;
  }

  /** The drawn thing nearest to (x, y), within a few pixels. */
  hitTest(x, y) {
    let best = null;
    let bestD = 6;
    for (const hit of this.hits) {
      let d;
      if (hit.kind === 'pt') d = Math.hypot(hit.x - x, hit.y - y) - 1;
      else if (hit.kind === 'seg') d = distSeg(x, y, hit);
      else d = x >= hit.x1 && x <= hit.x2 && y >= hit.y1 && y <= hit.y2 ? 4 : Infinity; // bands rank last
      if (d < bestD) {
        bestD = d;
        best = hit;
      }
    }
    return best;
  }

  /** Right edge when following: a little past now, and never showing time before 0. */
  liveEnd(now) {
    return Math.max(now + this.windowMs * 0.03, this.windowMs);
  }

  zoom(factor, x, now) {
    const g = this.geom;
    if (this.localTime) now = this.refNow ?? now;
    const old = this.windowMs;
    this.windowMs = clamp(old * factor, MIN_WINDOW, MAX_WINDOW);
    if (!this.follow && g) {
      // Keep the instant under the cursor where it is.
      const frac = clamp((x - g.plotL) / (g.plotR - g.plotL), 0, 1);
      const at = g.start + frac * old;
      this.viewEnd = clamp(at + (1 - frac) * this.windowMs, this.windowMs, this.liveEnd(now));
    }
  }

  scrollRows(dy) {
    this.rowScroll += dy;
  }

  pan(dxPx, now) {
    const g = this.geom;
    if (!g) return;
    if (this.localTime) now = this.refNow ?? now;
    const end = this.follow ? g.end : this.viewEnd;
    const liveEnd = this.liveEnd(now);
    const next = Math.max(end - dxPx / g.pxPerMs, this.windowMs);
    if (next >= liveEnd) {
      this.setFollow(true);
    } else {
      this.viewEnd = next;
      this.setFollow(false);
    }
  }
}

function distSeg(px, py, s) {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const l2 = dx * dx + dy * dy;
  const u = l2 ? clamp(((px - s.x1) * dx + (py - s.y1) * dy) / l2, 0, 1) : 0;
  return Math.hypot(px - (s.x1 + u * dx), py - (s.y1 + u * dy));
}

/** 1-2-5 steps so that ticks are at least minPx apart. */
function niceStep(windowMs, maxTicks) {
  const raw = windowMs / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
