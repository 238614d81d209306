// The live plots beside the graph: one card per metric the scenario declares (drawn from its
// `metric` trace events, one line per reporting node), and a message-rate card computed only
// from the trace (delivered, lost, retransmitted per second). Buffers are bounded and rebuilt
// when a frame says `reset` (after a seek or an undo its events are the history up to now).
import { el } from './controls.js';
import { theme, nodeName, fmtClock, fmtValue, MSG_COLOURS, cssSize } from './format.js';
import { Series, RateBins, drawPlot, fmtUnit } from './plot.js';

const RATE_WINDOW_MS = 60_000; // the rate card shows the last minute of simulated time
const MAX_SERIES = 8; // per metric; further reporting nodes share the last line's colour
const MAX_MARKERS = 60;

export class PlotsPanel {
  constructor(box, { showTooltip, hideTooltip } = {}) {
    this.box = box;
    this.showTooltip = showTooltip;
    this.hideTooltip = hideTooltip;
    this.cards = [];
    this.metrics = new Map(); // name -> { spec, byNode: Map(node -> Series) }
    this.rates = { delivered: new RateBins(), lost: new RateBins(), retransmitted: new RateBins() };
    this.markers = [];
    this.gst = null;
    this.drawKey = '';
  }

  /** One row per declared metric, then the message rates. A row is compact (label, sparkline,
   *  value: one line) or open (a full plot); the first rows start open, the student opens more
   *  with a click. Seven declared metrics stay readable that way in a 320 px high column. */
  configure(spec) {
    this.metrics.clear();
    this.cards = [];
    const metrics = spec?.metrics ?? [];
    metrics.forEach((m, i) => {
      this.metrics.set(m.name, { spec: m, byNode: new Map() });
      this.cards.push(this.card({ kind: 'metric', name: m.name, title: m.label || m.name, unit: m.unit ?? '' }, i < (metrics.length <= 2 ? 2 : 1)));
    });
    this.cards.push(this.card({ kind: 'rates', name: 'rates', title: 'Messages / s', unit: 'msg/s' }, metrics.length === 0));
    this.box.replaceChildren(...this.cards.map((c) => c.el));
    this.box.dataset.metrics = String(this.metrics.size);
    this.reset();
  }

  card(info, open) {
    const value = el('span', { class: 'plot-value' });
    const spark = el('canvas', { class: 'spark', 'aria-hidden': 'true' });
    const canvas = el('canvas', { role: 'img', 'aria-label': `Plot: ${info.title}` });
    const keys = el('div', { class: 'plot-keys' });
    const head = el('button', { type: 'button', class: 'plot-head', title: `${info.title} — click to ${open ? 'fold' : 'open'} the plot` },
      el('span', { class: 'plot-title', text: info.title }), spark, value);
    const section = el('section', { class: `plot-card${open ? ' open' : ''}` }, head,
      el('div', { class: 'plot-body' }, el('div', { class: 'plot-canvas' }, canvas), keys));
    section.dataset.metric = info.name;
    head.setAttribute('aria-expanded', String(open));
    const card = { ...info, el: section, canvas, spark, value, keys, keySig: '', valueText: '', geom: null, drawn: [], open };
    head.addEventListener('click', () => {
      card.open = !card.open;
      section.classList.toggle('open', card.open);
      head.setAttribute('aria-expanded', String(card.open));
      head.title = `${info.title} — click to ${card.open ? 'fold' : 'open'} the plot`;
      this.drawKey = '';
    });
    canvas.addEventListener('pointermove', (e) => this.hover(card, e));
    canvas.addEventListener('pointerleave', () => this.hideTooltip?.());
    return card;
  }

  reset() {
    for (const m of this.metrics.values()) m.byNode.clear();
    for (const r of Object.values(this.rates)) r.reset();
    this.markers = [];
    this.drawKey = '';
  }

  /** Feed one frame (its new events); a `reset` frame replaces everything we had. */
  ingest(frame) {
    if (frame.reset) this.reset();
    this.gst = frame.timing?.model === 'partially-synchronous' ? frame.timing.gst : null;
    const t = theme();
    for (const ev of frame.events ?? []) {
      switch (ev.kind) {
        case 'metric': {
          const m = this.metrics.get(ev.name);
          if (!m) break;
          let s = m.byNode.get(ev.node);
          if (!s) m.byNode.set(ev.node, (s = new Series()));
          s.push(ev.t, ev.value);
          break;
        }
        case 'deliver':
          this.rates.delivered.add(ev.t);
          break;
        case 'lost':
          this.rates.lost.add(ev.t);
          break;
        case 'send':
          if (ev.attempt > 0) this.rates.retransmitted.add(ev.t);
          break;
        case 'partition':
        case 'partition-heal':
          this.markers.push({ t: ev.t, colour: ev.kind === 'partition' ? t.cut : t.recover, label: ev.kind === 'partition' ? 'partition' : 'heal' });
          if (this.markers.length > MAX_MARKERS) this.markers.shift();
          break;
        default:
      }
    }
  }

  draw(frame) {
    if (!frame || !this.cards.length) return;
    const t = theme();
    // Redraw only when something could have changed: time, size or colour scheme.
    const boxSize = cssSize(this.box);
    const key = `${frame.now}|${boxSize.w}x${boxSize.h}|${t.panel}|${this.metricCount()}|${this.markers.length}|${this.gst}`;
    if (key === this.drawKey) return;
    this.drawKey = key;
    const markers = [...this.markers];
    if (this.gst != null) markers.push({ t: this.gst, colour: t.gst, label: 'GST' });
    for (const card of this.cards) {
      if (card.kind === 'metric') this.drawMetric(card, frame, t, markers);
      else this.drawRates(card, frame, t, markers);
    }
  }

  metricCount() {
    let n = 0;
    for (const m of this.metrics.values()) for (const s of m.byNode.values()) n += s.length + s.dropped;
    return n;
  }

  drawMetric(card, frame, t, markers) {
    const m = this.metrics.get(card.name);
    const nodes = [...m.byNode.keys()].sort((a, b) => a - b);
    const series = nodes.map((id, i) => {
      const s = m.byNode.get(id);
      return { t: s.t, v: s.v, colour: t.msg[Math.min(i, MAX_SERIES - 1) % MSG_COLOURS], node: id, step: s.step };
    });
    let t0 = Infinity;
    let t1 = frame.now;
    let latest = null;
    for (const s of series) {
      if (s.t.length) {
        t0 = Math.min(t0, s.t[0]);
        t1 = Math.max(t1, s.t[s.t.length - 1]);
        const i = s.t.length - 1;
        if (!latest || s.t[i] > latest.t) latest = { t: s.t[i], v: s.v[i], node: s.node };
      }
    }
    if (!Number.isFinite(t0)) t0 = 0;
    if (t1 - t0 < 1000) t0 = Math.max(0, t1 - 1000);
    this.plot(card, { t0, t1, series, unit: card.unit, theme: t, markers, empty: 'no measurements yet' });
    // The newest measurement, whichever node made it (the open plot's keys tell the nodes apart).
    this.setValue(card, latest ? fmtUnit(latest.v, card.unit) : '—');
    card.value.title = latest && series.length > 1 ? `latest, from ${nodeName(latest.node)}` : '';
    this.setKeys(card, series.length > 1 ? series.map((s) => [nodeName(s.node), s.colour, false]) : []);
  }

  drawRates(card, frame, t, markers) {
    const now = frame.now;
    const t0 = Math.max(0, now - RATE_WINDOW_MS);
    const t1 = Math.max(now, 1000);
    const defs = [['delivered', t.recover, null], ['lost', t.crash, null], ['retransmitted', t.retry, [5, 3]]];
    const series = defs.map(([name, colour, dash]) => ({ name, colour, dash, ...this.rates[name].series(now, t0) }))
      // A series that has always been zero (no transport, no loss yet) stays out of the picture.
      .filter((s) => s.name === 'delivered' || this.rates[s.name].counts.some((c) => c > 0));
    this.plot(card, { t0, t1, series, unit: '', theme: t, markers, empty: now < 250 ? 'starting…' : '' });
    const last = series[0].v.length ? series[0].v[series[0].v.length - 1] : null;
    this.setValue(card, last == null ? '—' : `${fmtUnit(last)} delivered`);
    this.setKeys(card, series.map((s) => [s.name, s.colour, Boolean(s.dash)]));
  }

  /** Draw into the open plot, or into the sparkline of a folded row. */
  plot(card, opts) {
    card.drawn = opts.series;
    if (card.open) card.geom = drawPlot(card.canvas, opts);
    else {
      card.geom = null;
      drawPlot(card.spark, { ...opts, compact: true });
    }
  }

  setValue(card, text) {
    if (card.valueText !== text) card.value.textContent = card.valueText = text;
  }

  setKeys(card, keys) {
    const sig = keys.map((k) => k.join(':')).join('|');
    if (sig === card.keySig) return;
    card.keySig = sig;
    card.keys.replaceChildren(...keys.map(([name, colour, dashed]) => {
      const sw = el('span', { class: `swatch${dashed ? ' dashed' : ''}` });
      sw.style.setProperty('--c', colour);
      return el('span', { class: 'key' }, sw, name);
    }));
  }

  /** Tooltip for the point nearest the mouse (by time first, then by height). */
  hover(card, e) {
    const g = card.geom;
    if (!g || !this.showTooltip) return;
    const r = card.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let best = null;
    for (const s of card.drawn) {
      for (let i = 0; i < s.t.length; i++) {
        if (s.t[i] < g.t0 || s.t[i] > g.t1) continue;
        const d = Math.abs(g.x(s.t[i]) - x) * 3 + Math.abs(g.y(s.v[i]) - y);
        if (!best || d < best.d) best = { d, s, i };
      }
    }
    if (!best || best.d > 90) return this.hideTooltip?.();
    const { s, i } = best;
    const rows = [['time', fmtClock(s.t[i])], ['value', fmtUnit(s.v[i], card.unit === 'msg/s' ? '' : card.unit)]];
    if (s.node != null) rows.push(['reported by', nodeName(s.node)]);
    if (s.name) rows.unshift(['series', s.name]);
    this.showTooltip(card.title, rows.map(([k, v]) => [k, fmtValue(v)]), e.clientX, e.clientY);
  }
}
