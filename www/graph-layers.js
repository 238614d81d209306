// The graph's cached layers and its message dots. What changes rarely (the links and partition
// under the messages; the nodes over them) is drawn into an offscreen canvas only when what it
// shows changes, and copied onto the screen every frame; messages are drawn in one path per
// colour, or, when the dots are 2 px or less, as squares written straight into pixels (filling
// 10,000 tiny paths costs the software rasteriser ~20 ms; the pixels cost under 1 ms).
import { clamp, ACK_INDEX } from './format.js';

/** An offscreen canvas the size of the target's backing store, redrawn when its key changes. */
export class Layer {
  constructor() {
    this.canvas = null;
    this.key = null;
  }

  /** Draws the layer onto `ctx` (whose transform is dpr × CSS pixels), redrawing it first with
   *  `paint(layerCtx)` when `key` differs from the last one. */
  blit(ctx, bw, bh, dpr, key, paint) {
    if (!this.canvas) this.canvas = document.createElement('canvas');
    const c = this.canvas;
    if (c.width !== bw || c.height !== bh) {
      c.width = bw;
      c.height = bh;
      this.key = null;
    }
    if (key !== this.key) {
      const lctx = c.getContext('2d');
      lctx.setTransform(1, 0, 0, 1, 0, 0);
      lctx.clearRect(0, 0, bw, bh);
      lctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      paint(lctx);
      this.key = key;
    }
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(c, 0, 0);
    ctx.restore();
  }
}

/** Solid squares written into an ImageData and copied onto the screen in one drawImage. */
export class PixelDots {
  constructor() {
    this.canvas = null;
    this.img = null;
    this.u32 = null;
    this.w = 0;
    this.h = 0;
    this.colours = new Map(); // CSS colour -> 0xAABBGGRR
  }

  begin(bw, bh) {
    if (!this.canvas) this.canvas = document.createElement('canvas');
    if (this.w !== bw || this.h !== bh) {
      this.canvas.width = this.w = bw;
      this.canvas.height = this.h = bh;
      this.img = this.canvas.getContext('2d').createImageData(bw, bh);
      this.u32 = new Uint32Array(this.img.data.buffer);
    } else this.u32.fill(0);
    this.x0 = bw;
    this.y0 = bh;
    this.x1 = -1;
    this.y1 = -1;
  }

  /** The colour as a little-endian RGBA word (read through a 1-pixel canvas, so any CSS colour works). */
  word(css) {
    let v = this.colours.get(css);
    if (v === undefined) {
      const c = document.createElement('canvas');
      c.width = c.height = 1;
      const x = c.getContext('2d', { willReadFrequently: true });
      x.fillStyle = css;
      x.fillRect(0, 0, 1, 1);
      const d = x.getImageData(0, 0, 1, 1).data;
      v = ((d[3] << 24) | (d[2] << 16) | (d[1] << 8) | d[0]) >>> 0;
      this.colours.set(css, v);
    }
    return v;
  }

  /** A size × size square (device pixels) centred on (x, y). */
  square(x, y, size, word) {
    const x0 = Math.max(0, Math.round(x - size / 2));
    const y0 = Math.max(0, Math.round(y - size / 2));
    const x1 = Math.min(this.w, x0 + size);
    const y1 = Math.min(this.h, y0 + size);
    if (x0 >= x1 || y0 >= y1) return;
    const u32 = this.u32;
    for (let yy = y0; yy < y1; yy++) u32.fill(word, yy * this.w + x0, yy * this.w + x1);
    if (x0 < this.x0) this.x0 = x0;
    if (y0 < this.y0) this.y0 = y0;
    if (x1 > this.x1) this.x1 = x1;
    if (y1 > this.y1) this.y1 = y1;
  }

  /** Copies what was written onto ctx (only the rectangle that holds any dots). */
  end(ctx) {
    if (this.x1 < 0) return;
    const w = this.x1 - this.x0;
    const h = this.y1 - this.y0;
    this.canvas.getContext('2d').putImageData(this.img, 0, 0, this.x0, this.y0, w, h);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.canvas, this.x0, this.y0, w, h, this.x0, this.y0, w, h);
    ctx.restore();
  }
}

/** A short signature of the links that draw something (cut, or with their own settings). */
export function linksKey(links) {
  let h = links.length;
  let cfg = '';
  for (const l of links) {
    h = (Math.imul(h, 31) + l.from * 7919 + l.to * 104729 + (l.up === false ? 1 : 2)) | 0;
    if (l.config) cfg += `${l.from}>${l.to}:${JSON.stringify(l.config)};`;
  }
  return `${h}|${cfg}`;
}

/** Status and kind of every node, as a string (what the node layer shows of them). */
export function nodesKey(nodes) {
  let s = '';
  for (const n of nodes) s += `${n.status?.[0] ?? '?'}${n.kind === 'byzantine' ? 'b' : ''}`;
  return s;
}

/** Messages in flight as dots riding on their link (in its right-hand lane on the ring). */
export function drawMessages(view, ctx, messages, t, dotR, colours, isRetry) {
  const pos = view.pos;
  const index = view.index;
  const r = view.r;
  const lane = view.ring ? clamp(r * 0.3, 2, 5) : 0;
  const w = view.w;
  const h = view.h;
  const fills = [];
  const rings = [];
  const square = dotR <= 2 && view.pixels; // at this size a square reads as a dot
  const dpr = view.dpr || 1;
  const words = square ? t.msg.map((c) => view.pixels.word(c)) : null;
  if (square) view.pixels.begin(view.canvas.width, view.canvas.height);
  for (let k = 0; k < messages.length; k++) {
    const m = messages[k];
    const ia = index.get(m.from);
    const ib = index.get(m.to);
    if (ia === undefined || ib === undefined) continue;
    const a = pos[ia];
    const b = pos[ib];
    const p = m.progress < 0 ? 0 : m.progress > 1 ? 1 : m.progress || 0;
    let x;
    let y;
    if (ia === ib) {
      const ang = -Math.PI / 2 + p * 2 * Math.PI;
      x = a.x + r * 1.6 * Math.cos(ang);
      y = a.y - r * 1.6 + r * 1.6 * Math.sin(ang);
    } else {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      x = a.x + dx * p;
      y = a.y + dy * p;
      if (lane) {
        const len = Math.sqrt(dx * dx + dy * dy) || 1;
        x -= (dy / len) * lane;
        y += (dx / len) * lane;
      }
    }
    if (x < -8 || y < -8 || x > w + 8 || y > h + 8) continue; // off screen (zoomed in)
    const ci = colours.index(m.label);
    const rr = m.packets > 1 || ci === ACK_INDEX ? Math.max(1.8, dotR * 0.6) : dotR;
    if (isRetry(m.from, m.id, m.sentAt)) {
      const path = rings[ci] ?? (rings[ci] = new Path2D());
      path.moveTo(x + rr, y);
      path.arc(x, y, rr, 0, Math.PI * 2);
      continue;
    }
    if (square) {
      view.pixels.square(x * dpr, y * dpr, Math.max(2, Math.round(2 * rr * dpr)), words[ci]);
      continue;
    }
    const path = fills[ci] ?? (fills[ci] = new Path2D());
    path.moveTo(x + rr, y);
    path.arc(x, y, rr, 0, Math.PI * 2);
  }
  if (square) view.pixels.end(ctx);
  fills.forEach((path, ci) => {
    ctx.fillStyle = t.msg[ci];
    ctx.fill(path);
  });
  ctx.lineWidth = 1.8;
  rings.forEach((path, ci) => {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(path);
  });
}
