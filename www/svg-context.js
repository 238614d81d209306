// An SVG back-end for the part of the canvas 2D API the timeline draws with, so the same drawing
// code writes the timeline to a canvas (on screen, PNG) or to an SVG file. Paths come from
// ctx.createPath() (a Path2D on a canvas, an SvgPath here); the pause hatching from
// ctx.createHatch() when the context has it. Text is measured with a real canvas.

const num = (v) => {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const TAU = Math.PI * 2;

/** A CSS colour as an SVG paint and an opacity: rgba() is split, since not every SVG reader takes it. */
function paint(colour) {
  if (colour && typeof colour === 'object') return { paint: colour.svgPaint ?? 'none', alpha: 1 };
  const s = String(colour ?? 'none').trim();
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(s);
  if (m) {
    let a = m[4] === undefined ? 1 : parseFloat(m[4]);
    if (m[4]?.endsWith('%')) a /= 100;
    return { paint: `rgb(${m.slice(1, 4).map((v) => Math.round(Number(v))).join(',')})`, alpha: a };
  }
  if (s === 'transparent') return { paint: 'none', alpha: 0 };
  return { paint: s || 'none', alpha: 1 };
}

/** "600 12px system-ui, sans-serif" → SVG font attributes. */
function fontAttrs(font) {
  const m = /^\s*(?:(normal|bold|\d{3})\s+)?([\d.]+)px\s+(.+)$/.exec(String(font));
  if (!m) return 'font-size="10" font-family="sans-serif"';
  const weight = m[1] && m[1] !== 'normal' ? ` font-weight="${m[1]}"` : '';
  return `font-size="${num(Number(m[2]))}" font-family="${esc(m[3])}"${weight}`;
}

const ANCHOR = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
const BASELINE = { top: 'text-before-edge', hanging: 'hanging', middle: 'central', bottom: 'text-after-edge', ideographic: 'ideographic' };

/** Path2D's drawing methods, recorded as SVG path data. */
export class SvgPath {
  constructor() {
    this.d = [];
    this.cur = null;
    this.start = null;
  }

  moveTo(x, y) {
    this.d.push(`M${num(x)} ${num(y)}`);
    this.cur = this.start = [x, y];
  }

  lineTo(x, y) {
    if (!this.cur) return this.moveTo(x, y);
    this.d.push(`L${num(x)} ${num(y)}`);
    this.cur = [x, y];
  }

  bezierCurveTo(a, b, c, d, x, y) {
    if (!this.cur) this.moveTo(a, b);
    this.d.push(`C${num(a)} ${num(b)} ${num(c)} ${num(d)} ${num(x)} ${num(y)}`);
    this.cur = [x, y];
  }

  closePath() {
    if (!this.cur) return;
    this.d.push('Z');
    this.cur = this.start;
  }

  rect(x, y, w, h) {
    this.d.push(`M${num(x)} ${num(y)}h${num(w)}v${num(h)}h${num(-w)}Z`);
    this.cur = this.start = [x, y];
  }

  arc(cx, cy, r, a0, a1, ccw = false) {
    const sx = cx + r * Math.cos(a0);
    const sy = cy + r * Math.sin(a0);
    if (this.cur) this.lineTo(sx, sy);
    else this.moveTo(sx, sy);
    if (!(r > 0)) return;
    let sweep = ccw ? a0 - a1 : a1 - a0;
    const full = sweep >= TAU - 1e-9;
    if (!full) sweep = ((sweep % TAU) + TAU) % TAU;
    const dir = ccw ? 0 : 1;
    if (full) {
      // Two half circles: one SVG arc cannot start and end at the same point.
      const mx = cx - (sx - cx);
      const my = cy - (sy - cy);
      this.d.push(`A${num(r)} ${num(r)} 0 1 ${dir} ${num(mx)} ${num(my)}A${num(r)} ${num(r)} 0 1 ${dir} ${num(sx)} ${num(sy)}`);
      this.cur = [sx, sy];
      return;
    }
    if (sweep === 0) return;
    const a = ccw ? a0 - sweep : a0 + sweep;
    const ex = cx + r * Math.cos(a);
    const ey = cy + r * Math.sin(a);
    this.d.push(`A${num(r)} ${num(r)} 0 ${sweep > Math.PI ? 1 : 0} ${dir} ${num(ex)} ${num(ey)}`);
    this.cur = [ex, ey];
  }

  toString() {
    return this.d.join('');
  }
}

const STATE = ['fillStyle', 'strokeStyle', 'lineWidth', 'globalAlpha', 'font', 'textAlign', 'textBaseline', 'lineCap', 'lineJoin', 'dash'];

export class SvgContext {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.body = [];
    this.defs = [];
    this.stack = [];
    this.groups = 0; // open <g> elements (clips) not yet closed by restore()
    this.ids = 0;
    this.path = new SvgPath();
    this.fillStyle = '#000';
    this.strokeStyle = '#000';
    this.lineWidth = 1;
    this.globalAlpha = 1;
    this.font = '10px sans-serif';
    this.textAlign = 'start';
    this.textBaseline = 'alphabetic';
    this.lineCap = 'butt';
    this.lineJoin = 'miter';
    this.dash = [];
    this.hatches = new Map();
    this.measurer = document.createElement('canvas').getContext('2d');
  }

  createPath() {
    return new SvgPath();
  }

  /** Diagonal hatching (the timeline's paused stretches) as an SVG pattern. */
  createHatch(colour, size = 8) {
    let h = this.hatches.get(colour);
    if (h) return h;
    const id = `hatch${++this.ids}`;
    const p = paint(colour);
    this.defs.push(`<pattern id="${id}" patternUnits="userSpaceOnUse" width="${size}" height="${size}">`
      + `<path d="M-2 ${size + 2}L${size + 2} -2M-2 2L2 -2M${size - 2} ${size + 2}L${size + 2} ${size - 2}" stroke="${p.paint}" stroke-width="2" stroke-opacity="${num(0.55 * p.alpha)}"/></pattern>`);
    h = { svgPaint: `url(#${id})` };
    this.hatches.set(colour, h);
    return h;
  }

  createPattern() {
    return { svgPaint: 'none' };
  }

  save() {
    const s = { groups: this.groups };
    for (const k of STATE) s[k] = this[k];
    this.stack.push(s);
  }

  restore() {
    const s = this.stack.pop();
    if (!s) return;
    while (this.groups > s.groups) {
      this.body.push('</g>');
      this.groups--;
    }
    for (const k of STATE) this[k] = s[k];
  }

  setTransform() {}
  resetTransform() {}
  scale() {}

  setLineDash(d) {
    this.dash = Array.isArray(d) ? [...d] : [];
  }

  getLineDash() {
    return [...this.dash];
  }

  beginPath() {
    this.path = new SvgPath();
  }

  moveTo(x, y) { this.path.moveTo(x, y); }
  lineTo(x, y) { this.path.lineTo(x, y); }
  arc(...a) { this.path.arc(...a); }
  rect(...a) { this.path.rect(...a); }
  closePath() { this.path.closePath(); }
  bezierCurveTo(...a) { this.path.bezierCurveTo(...a); }

  clip(path) {
    const d = String(path ?? this.path);
    if (!d) return;
    const id = `clip${++this.ids}`;
    this.defs.push(`<clipPath id="${id}"><path d="${d}"/></clipPath>`);
    this.body.push(`<g clip-path="url(#${id})">`);
    this.groups++;
  }

  opacity(name, alpha) {
    const a = alpha * this.globalAlpha;
    return a < 1 ? ` ${name}="${num(Math.max(0, a))}"` : '';
  }

  fill(path) {
    const d = String(path instanceof SvgPath ? path : this.path);
    if (!d) return;
    const p = paint(this.fillStyle);
    if (p.paint === 'none') return;
    this.body.push(`<path d="${d}" fill="${p.paint}"${this.opacity('fill-opacity', p.alpha)}/>`);
  }

  strokeAttrs() {
    const p = paint(this.strokeStyle);
    let a = `fill="none" stroke="${p.paint}" stroke-width="${num(this.lineWidth)}"${this.opacity('stroke-opacity', p.alpha)}`;
    if (this.lineCap !== 'butt') a += ` stroke-linecap="${this.lineCap}"`;
    if (this.lineJoin !== 'miter') a += ` stroke-linejoin="${this.lineJoin}"`;
    if (this.dash.length) a += ` stroke-dasharray="${this.dash.map(num).join(' ')}"`;
    return p.paint === 'none' ? null : a;
  }

  stroke(path) {
    const d = String(path instanceof SvgPath ? path : this.path);
    const a = this.strokeAttrs();
    if (d && a) this.body.push(`<path d="${d}" ${a}/>`);
  }

  fillRect(x, y, w, h) {
    const p = paint(this.fillStyle);
    if (p.paint === 'none' || !(w > 0) || !(h > 0)) return;
    this.body.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${p.paint}"${this.opacity('fill-opacity', p.alpha)}/>`);
  }

  strokeRect(x, y, w, h) {
    const a = this.strokeAttrs();
    if (a) this.body.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" ${a}/>`);
  }

  clearRect() {}

  fillText(text, x, y) {
    const p = paint(this.fillStyle);
    if (p.paint === 'none') return;
    const anchor = ANCHOR[this.textAlign] ?? 'start';
    const base = BASELINE[this.textBaseline];
    this.body.push(`<text x="${num(x)}" y="${num(y)}" ${fontAttrs(this.font)} fill="${p.paint}"${this.opacity('fill-opacity', p.alpha)}`
      + `${anchor !== 'start' ? ` text-anchor="${anchor}"` : ''}${base ? ` dominant-baseline="${base}"` : ''}>${esc(text)}</text>`);
  }

  measureText(text) {
    this.measurer.font = this.font;
    return this.measurer.measureText(text);
  }

  /** The finished document. */
  toString() {
    while (this.groups > 0) {
      this.body.push('</g>');
      this.groups--;
    }
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${num(this.width)}" height="${num(this.height)}" viewBox="0 0 ${num(this.width)} ${num(this.height)}">\n`
      + `<defs>${this.defs.join('')}</defs>\n${this.body.join('\n')}\n</svg>\n`;
  }
}

/** A Path2D for a canvas context, or an SvgPath for an SvgContext. */
export const newPath = (ctx) => (ctx.createPath ? ctx.createPath() : new Path2D());
