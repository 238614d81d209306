// Shared helpers for the browser layer: number formatting, theme colours read from CSS,
// message-label colours, and high-DPI canvas sizing. No simulator logic lives here.

export const nodeName = (id) => (typeof id === 'number' ? `n${id}` : String(id));

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** A clock reading or a simulated instant, e.g. "12.345 s", "4 min 02.5 s", "-0.250 s". */
export function fmtClock(ms) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${sign}${s.toFixed(3)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min ${pad((s - m * 60).toFixed(1), 4)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h} h ${pad(m % 60)} min ${pad(Math.floor(s % 60))} s`;
  return `${sign}${Math.floor(h / 24)} d ${pad(h % 24)} h ${pad(m % 60)} min`;
}

/** A duration with a unit that fits it: "250 µs", "12.5 ms", "1.25 s", "3 min". */
export function fmtDuration(ms, digits = 3) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  const num = (v) => String(Number(v.toPrecision(digits)));
  if (a === 0) return '0';
  if (a < 1) return `${sign}${num(a * 1000)} µs`;
  if (a < 1000) return `${sign}${num(a)} ms`;
  if (a < 60_000) return `${sign}${num(a / 1000)} s`;
  if (a < 3_600_000) return `${sign}${num(a / 60_000)} min`;
  if (a < 172_800_000) return `${sign}${num(a / 3_600_000)} h`;
  return `${sign}${num(a / 86_400_000)} d`;
}

/** An axis tick: "500 ms", "1.5 s" under a minute, then "4:19.5" / "1:02:03" clock style. */
export function fmtTick(ms, stepMs) {
  if (ms < 60_000 && stepMs < 60_000) return ms === 0 ? '0' : fmtDuration(ms, 6);
  const dec = stepMs >= 1000 ? 0 : Math.min(3, Math.ceil(-Math.log10(stepMs / 1000) - 1e-9));
  const totalS = ms / 1000;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = (totalS % 60).toFixed(dec).padStart(dec ? dec + 3 : 2, '0');
  return h ? `${h}:${pad(m)}:${sec}` : `${m}:${sec}`;
}

export function fmtSigned(ms) {
  return (ms >= 0 ? '+' : '') + fmtDuration(ms);
}

export function fmtSpeed(x) {
  if (x >= 10) return `${x.toFixed(0)}×`;
  if (x >= 1) return `${Number(x.toFixed(2))}×`;
  return `${Number(x.toPrecision(2))}×`;
}

/** 1234567.25 → "1,234,567.25" (at most three decimals), as toLocaleString('en-US') writes it but
 *  without waking the locale machinery, whose first call cost ~15 ms of the page's start-up. */
export function groupDigits(v) {
  const n = Number(v);
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.round(Math.abs(n) * 1000) / 1000;
  const [int, frac] = String(abs).split('.');
  if (int.includes('e')) return String(n);
  const sign = n < 0 && abs !== 0 ? '-' : '';
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}

export const fmtInt = (n) => (n == null ? '—' : groupDigits(n));

/** Any field value as short text for tooltips and the inspector. */
export function fmtValue(v) {
  if (v == null) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------- theme

const THEME_VARS = [
  'bg', 'panel', 'fg', 'muted', 'faint', 'border', 'accent', 'grid', 'row', 'node-fill', 'node-stroke',
  'node-crashed', 'link', 'crash', 'cut', 'pause', 'recover', 'byz', 'clock', 'select',
  'msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4', 'msg-5', 'msg-6', 'msg-7', 'ack', 'corrupt', 'retry', 'gst',
  'configured', 'group-0', 'group-1', 'group-2', 'group-3', 'group-4', 'group-5', 'font', 'mono',
];
export const MSG_COLOURS = 8;
/** Colour slot of the transport's acknowledgements: a quiet grey, so they don't drown the protocol. */
export const ACK_INDEX = MSG_COLOURS;
export const GROUP_COLOURS = 6;

let themeCache = null;
const listeners = new Set();
const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
media?.addEventListener?.('change', () => {
  themeCache = null;
  for (const f of listeners) f();
});

export function onThemeChange(f) {
  listeners.add(f);
}

/** The page's look changed (presentation mode, a forced light theme): read the colours again. */
export function invalidateTheme() {
  themeCache = null;
  for (const f of listeners) f();
}

/** Runs `fn` with classes added to <html> (e.g. "light" for a slide export) and the theme read
 *  from them; the page's own look is back before anything is painted. */
export function withRootClasses(add, remove, fn) {
  const root = document.documentElement;
  const added = add.filter((c) => !root.classList.contains(c));
  const removed = remove.filter((c) => root.classList.contains(c));
  const saved = themeCache;
  root.classList.add(...added);
  root.classList.remove(...removed);
  themeCache = null;
  try {
    return fn();
  } finally {
    root.classList.remove(...added);
    root.classList.add(...removed);
    themeCache = saved;
  }
}

/** The page's CSS variables as canvas colours; re-read when the colour scheme flips. */
export function theme() {
  if (themeCache) return themeCache;
  const cs = getComputedStyle(document.documentElement);
  const t = {};
  for (const v of THEME_VARS) t[v.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = cs.getPropertyValue(`--${v}`).trim();
  t.msg = Array.from({ length: MSG_COLOURS }, (_, i) => t[`msg${i}`]);
  t.msg.push(t.ack); // ACK_INDEX
  t.group = Array.from({ length: GROUP_COLOURS }, (_, i) => t[`group${i}`]);
  t.fontSize = parseFloat(getComputedStyle(document.body).fontSize) || 14;
  themeCache = t;
  return t;
}

// ---------------------------------------------------------------- message colours

// Labels like "req#3" or "AppendEntries(term 4)" share a colour with their kind, so the legend
// stays short: the key is the label's leading word.
export function labelKey(label) {
  const s = String(label ?? '');
  const m = s.match(/^[\p{L}_][\p{L}\p{N}_-]*/u);
  return m ? m[0] : s.slice(0, 16) || '?';
}

export class LabelColours {
  constructor() {
    this.keys = new Map();
    this.byLabel = new Map(); // label -> index: labelKey's regex is too slow for every message of every frame
    this.onNewKey = null;
  }
  reset() {
    this.keys.clear();
    this.byLabel.clear();
    this.onNewKey?.();
  }
  index(label) {
    const known = this.byLabel.get(label);
    if (known !== undefined) return known;
    if (this.byLabel.size > 4096) this.byLabel.clear(); // labels like "req#123" need not pile up
    const i = this.indexOfKey(labelKey(label));
    this.byLabel.set(label, i);
    return i;
  }
  indexOfKey(key) {
    let i = this.keys.get(key);
    if (i === undefined && key === 'ack') {
      // The transport's acknowledgements (not the protocol's): always the same quiet colour.
      this.keys.set(key, (i = ACK_INDEX));
      this.onNewKey?.();
    }
    if (i === undefined) {
      // By hash, so "ping" keeps its colour from run to run whatever arrives first;
      // probing avoids two kinds sharing a colour while there are free ones.
      const used = new Set(this.keys.values());
      used.delete(ACK_INDEX);
      i = hash(key) % MSG_COLOURS;
      for (let k = 0; k < MSG_COLOURS && used.has(i); k++) i = (i + 1) % MSG_COLOURS;
      this.keys.set(key, i);
      this.onNewKey?.();
    }
    return i;
  }
  colour(label, t = theme()) {
    return t.msg[this.index(label)];
  }
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------- canvas

/** How much bigger than CSS pixels a canvas draws (presentation mode sets data-zoom on the views). */
export const canvasZoom = (canvas) => Number(canvas?.dataset?.zoom) || 1;

const sizes = new WeakMap();
let resizeObserver = null;

/** An element's clientWidth/clientHeight, kept up to date by a ResizeObserver: reading them
 *  every frame, after the frame's DOM writes, would force a style and layout pass each time. */
export function cssSize(el) {
  let s = sizes.get(el);
  if (s) return s;
  s = { w: el.clientWidth, h: el.clientHeight };
  if (typeof ResizeObserver !== 'function' || !el.isConnected) return s;
  sizes.set(el, s);
  resizeObserver ??= new ResizeObserver((entries) => {
    for (const e of entries) {
      const known = sizes.get(e.target);
      if (!known) continue;
      known.w = e.target.clientWidth;
      known.h = e.target.clientHeight;
    }
  });
  resizeObserver.observe(el);
  return s;
}

/** Size the canvas backing store to its CSS box × devicePixelRatio; returns the size drawn in
 *  (CSS pixels, divided by the canvas's zoom). A canvas with `fixedSize = { w, h, dpr }` (an
 *  off-screen one, for export) keeps that size. */
export function fitCanvas(canvas) {
  const fixed = canvas.fixedSize;
  const zoom = fixed ? 1 : canvasZoom(canvas);
  const dpr = (fixed?.dpr ?? (window.devicePixelRatio || 1)) * zoom;
  const size = fixed ? null : cssSize(canvas);
  const w = Math.max(1, Math.round(fixed?.w ?? size.w / zoom));
  const h = Math.max(1, Math.round(fixed?.h ?? size.h / zoom));
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw || canvas.height !== bh) {
    canvas.width = bw;
    canvas.height = bh;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h, dpr };
}

export function drawCross(ctx, x, y, s) {
  ctx.moveTo(x - s, y - s);
  ctx.lineTo(x + s, y + s);
  ctx.moveTo(x + s, y - s);
  ctx.lineTo(x - s, y + s);
}

export function drawArrowHead(ctx, x1, y1, x2, y2, size) {
  const a = Math.atan2(y2 - y1, x2 - x1);
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(a - 0.45), y2 - size * Math.sin(a - 0.45));
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(a + 0.45), y2 - size * Math.sin(a + 0.45));
}

export function distToSegment(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  let t = len2 ? ((px - x1) * dx + (py - y1) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

export function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(hi, x));
}

/** Colour of partition group g (cycles after GROUP_COLOURS; the tool caps groups well before that). */
export const groupColour = (g, t = theme()) => t.group[((g % GROUP_COLOURS) + GROUP_COLOURS) % GROUP_COLOURS];

/** Letters for partition groups: "A", "B", … (a student says "group B", not "group 1"). */
export const groupName = (g) => String.fromCharCode(65 + (g % 26));

/** "n0, n1, n4" or "n0 … n99 (100 nodes)" when long. */
export function nodeList(ids, max = 8) {
  if (ids.length <= max) return ids.map(nodeName).join(', ');
  return `${ids.slice(0, max - 1).map(nodeName).join(', ')} … ${nodeName(ids[ids.length - 1])} (${ids.length} nodes)`;
}

/** Convex hull (monotone chain) of points {x, y}; for shading a partition group in the graph. */
export function convexHull(points) {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  upper.pop();
  lower.pop();
  return lower.concat(upper);
}

/** Whether (x, y) lies inside the convex polygon `hull`, at least `inset` px from every edge. */
export function insideConvex(hull, x, y, inset = 0) {
  if (hull.length < 3) return false;
  let area = 0;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    area += a.x * b.y - b.x * a.y;
  }
  const orient = Math.sign(area) || 1;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const d = (orient * ((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x))) / len;
    if (d <= inset) return false;
  }
  return true;
}

/** "512 B", "12.3 kB", "1.05 MB" (decimal units, as link bandwidths are quoted). */
export function fmtBytes(n) {
  if (n == null || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return `${n} B`;
  if (a < 1e6) return `${Number((n / 1e3).toPrecision(3))} kB`;
  if (a < 1e9) return `${Number((n / 1e6).toPrecision(3))} MB`;
  return `${Number((n / 1e9).toPrecision(3))} GB`;
}

/** `a` blended over `b` with weight f (0..1), both "#rrggbb"; an opaque tint that can overlap
 *  itself without darkening (translucent fills add up where a stroke and a fill meet). */
export function mixHex(a, b, f) {
  const p = (c) => {
    const m = /^#([0-9a-f]{6})$/i.exec(String(c).trim());
    return m ? [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16)) : null;
  };
  const x = p(a);
  const y = p(b);
  if (!x || !y) return null;
  return `rgb(${x.map((v, i) => Math.round(v * f + y[i] * (1 - f))).join(',')})`;
}
