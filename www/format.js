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

export const fmtInt = (n) => (n == null ? '—' : Number(n).toLocaleString('en-US'));

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
  'msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4', 'msg-5', 'msg-6', 'msg-7', 'font', 'mono',
];
export const MSG_COLOURS = 8;

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

/** The page's CSS variables as canvas colours; re-read when the colour scheme flips. */
export function theme() {
  if (themeCache) return themeCache;
  const cs = getComputedStyle(document.documentElement);
  const t = {};
  for (const v of THEME_VARS) t[v.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = cs.getPropertyValue(`--${v}`).trim();
  t.msg = Array.from({ length: MSG_COLOURS }, (_, i) => t[`msg${i}`]);
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
    this.onNewKey = null;
  }
  reset() {
    this.keys.clear();
    this.onNewKey?.();
  }
  index(label) {
    const key = labelKey(label);
    let i = this.keys.get(key);
    if (i === undefined) {
      // By hash, so "ping" keeps its colour from run to run whatever arrives first;
      // probing avoids two kinds sharing a colour while there are free ones.
      const used = new Set(this.keys.values());
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

/** Size the canvas backing store to its CSS box × devicePixelRatio; returns the CSS size. */
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth));
  const h = Math.max(1, Math.round(canvas.clientHeight));
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
