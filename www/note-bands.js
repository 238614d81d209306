// Bands on the timeline read from the protocol's own notes: the failure detector's suspect list
// (on each suspected node's row, amber while the node is in fact alive — a false suspicion — red
// when it really had crashed) and the outages a client of the availability scenario lived
// through. NOTE_BANDS maps note patterns to bands; the rest is generic.
import { nodeName, fmtClock, fmtDuration } from './format.js';

/**
 * Two kinds of rule, by scenario:
 * - `set`: the note states the whole set of nodes in that state now ("…; suspects: n2 n3",
 *   "…; suspects: none"); a band runs on each listed node's row while it stays listed.
 * - `open` / `close`: a band on the noting node's row opens at one note and closes at another;
 *   `close` may give the exact interval in seconds (groups 1 and 2).
 */
const NOTE_BANDS = {
  'failure-detector': [{ kind: 'suspected', set: /;\s*suspects:\s*(.*)$/ }],
  availability: [{
    kind: 'outage',
    open: /^request \d+ failed: no server answered/,
    close: /^answered again: the requests sent from ([\d.]+) s to ([\d.]+) s/,
  }],
};

const MAX_BANDS = 5000;

export class NoteBands {
  constructor(trace) {
    this.trace = trace;
    this.reset();
  }

  reset() {
    this.bands = []; // { kind, node, start, end|null }
    this.open = new Map(); // `${kind}|${node}` -> band
  }

  ingest(frame, scenarioId) {
    if (frame.reset) this.reset();
    const rules = NOTE_BANDS[scenarioId];
    if (!rules) return;
    for (const e of frame.events ?? []) {
      if (e.kind !== 'note') continue;
      for (const r of rules) this.apply(r, e);
    }
    if (this.bands.length > MAX_BANDS) {
      const oldest = this.trace.oldestT ?? 0;
      this.bands = this.bands.filter((b) => b.end === null || b.end >= oldest).slice(-MAX_BANDS);
    }
  }

  apply(rule, e) {
    const text = String(e.text ?? '');
    if (rule.set) {
      const m = rule.set.exec(text);
      if (!m) return;
      const now = new Set((m[1].match(/n\d+/g) ?? []).map((s) => Number(s.slice(1))));
      for (const [key, b] of this.open) {
        if (b.kind === rule.kind && !now.has(b.node)) {
          b.end = e.t;
          this.open.delete(key);
        }
      }
      for (const id of now) this.begin(rule.kind, id, e.t);
      return;
    }
    if (rule.open?.test(text)) this.begin(rule.kind, e.node, e.t);
    const c = rule.close?.exec(text);
    if (c) {
      const key = `${rule.kind}|${e.node}`;
      const b = this.open.get(key);
      if (!b) return;
      this.open.delete(key);
      if (c[1] !== undefined && c[2] !== undefined) {
        b.start = Number(c[1]) * 1000;
        b.end = Number(c[2]) * 1000;
      } else b.end = e.t;
    }
  }

  begin(kind, node, t) {
    const key = `${kind}|${node}`;
    if (this.open.has(key)) return;
    const b = { kind, node, start: t, end: null };
    this.open.set(key, b);
    this.bands.push(b);
  }

  /** [from, to, crashed] pieces of [a, b] by node `id`'s crash intervals in the trace. */
  pieces(id, a, b) {
    const out = [];
    let t = a;
    const ivs = (this.trace.crashed.get(id) ?? []).filter((iv) => iv.start < b && (iv.end === null || iv.end > a));
    for (const iv of ivs) {
      if (iv.start > t) out.push([t, iv.start, false]);
      const e = Math.min(b, iv.end ?? b);
      out.push([Math.max(t, iv.start), e, true]);
      t = e;
    }
    if (t < b || !out.length) out.push([t, b, false]);
    return out;
  }

  /** Drawn under the timeline's marks; pushes hover targets onto `hits`. */
  draw(ctx, g, t, frame, firstRow, lastRow, hits) {
    if (!this.bands.length) return;
    ctx.save();
    const at = g.at ?? ((id, time) => g.x(time));
    for (const b of this.bands) {
      const i = g.index.get(b.node);
      if (i === undefined || i < firstRow || i > lastRow) continue;
      const end = b.end ?? frame.now;
      // A suspicion is right while the node is down and false while it is up: colour each piece.
      const parts = b.kind === 'suspected' ? this.pieces(b.node, b.start, end) : [[b.start, end, true]];
      parts.forEach(([from, to, real], k) => {
        const x1 = Math.max(at(b.node, from), g.plotL);
        const x2 = Math.min(at(b.node, to), g.plotR + 14);
        if (x2 < g.plotL || x1 > g.plotR + 14 || x2 < x1) return;
        const y = g.yRow(i);
        const hh = Math.max(4, g.rowH * 0.42);
        let colour;
        let label;
        let tip;
        if (b.kind === 'suspected') {
          colour = real ? t.crash : t.pause;
          label = real ? 'suspected (crashed)' : 'falsely suspected';
          tip = [`${label} · ${nodeName(b.node)}`, [
            ['suspected from', fmtClock(b.start)], ['until', b.end === null ? 'still suspected' : fmtClock(b.end)],
            ['for', fmtDuration(end - b.start)],
            ['meanwhile', real ? 'the node was down: a correct suspicion' : 'the node was alive: the monitor could not tell it from a crashed one'],
          ]];
        } else {
          colour = t.crash;
          label = 'outage';
          tip = [`outage seen by ${nodeName(b.node)}`, [
            ['requests sent', `${fmtClock(b.start)} – ${b.end === null ? 'now' : fmtClock(b.end)}`],
            ['answered', b.end === null ? 'none yet' : 'none of them'],
          ]];
        }
        ctx.globalAlpha = 0.16;
        ctx.fillStyle = colour;
        ctx.fillRect(x1, y - hh, Math.max(2, x2 - x1), 2 * hh);
        ctx.globalAlpha = 0.9;
        ctx.fillRect(x1, y - hh, Math.max(2, x2 - x1), 2);
        if (k === 0) ctx.fillRect(x1, y - hh, 2, 2 * hh);
        if (x2 - x1 > 90 && g.rowH >= 18) {
          ctx.globalAlpha = 1;
          ctx.font = `600 ${t.fontSize * 0.7}px ${t.font}`;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          ctx.fillText(label, x1 + 5, y - hh + 3);
        }
        hits.push({ kind: 'band', x1, x2, y1: y - hh, y2: y + hh, info: { kind: b.kind, node: b.node, from, until: b.end }, tip });
      });
    }
    ctx.restore();
  }
}
