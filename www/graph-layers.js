// The graph's cached layers and its message dots. What changes rarely (the links and partition
// under the messages; the nodes over them) is drawn into an offscreen canvas only when what it
// shows changes, and copied onto the screen every frame; messages are drawn in one path per
// colour, or, when the dots are 2 px or less, as squares written straight into pixels (filling
// 10,000 tiny paths costs the software rasteriser ~20 ms; the pixels cost under 1 ms).
import { clamp, ACK_INDEX } from './format.js';
import { PixelLayer } from './pixels.js';

export { PixelLayer };

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

/** Messages in flight (the frame's columns, `frame.msgs`) as dots riding on their link (in its
 *  right-hand lane on the ring). */
export function drawMessages(view, ctx, cols, t, dotR, colours, isRetry) {
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
  const labelColour = cols.labels.map((l) => colours.index(l));
  const { from, to, progress, label, packets, id, sentAt } = cols;
  for (let k = 0; k < cols.count; k++) {
    const ia = index.get(from[k]);
    const ib = index.get(to[k]);
    if (ia === undefined || ib === undefined) continue;
    const a = pos[ia];
    const b = pos[ib];
    const p = progress[k] < 0 ? 0 : progress[k] > 1 ? 1 : progress[k] || 0;
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
    const ci = labelColour[label[k]];
    const rr = packets[k] > 1 || ci === ACK_INDEX ? Math.max(1.8, dotR * 0.6) : dotR;
    if (isRetry(from[k], id[k], sentAt[k])) {
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
