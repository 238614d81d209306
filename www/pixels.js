// Drawing straight into pixels: for thousands of tiny marks (message dots, dense timeline
// arrows) the software rasteriser spends ~20 ms on what an ImageData write does in under 1 ms.

/** Solid squares and 1-pixel lines written into an ImageData and copied onto the screen in one
 *  drawImage. Coordinates are device pixels; later writes cover earlier ones. */
export class PixelLayer {
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
  word(css, alpha = 1) {
    const key = alpha === 1 ? css : `${css}@${alpha}`;
    let v = this.colours.get(key);
    if (v === undefined) {
      const c = document.createElement('canvas');
      c.width = c.height = 1;
      const x = c.getContext('2d', { willReadFrequently: true });
      x.fillStyle = css;
      x.fillRect(0, 0, 1, 1);
      const d = x.getImageData(0, 0, 1, 1).data;
      v = ((Math.round(d[3] * alpha) << 24) | (d[2] << 16) | (d[1] << 8) | d[0]) >>> 0;
      this.colours.set(key, v);
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
    // From 4 pixels on, the corners are left out: a dot rather than a square.
    const round = size >= 4;
    const top = y0 + size - 1;
    const first = Math.round(y - size / 2);
    for (let yy = y0; yy < y1; yy++) {
      const inset = round && (yy === first || yy === top) ? 1 : 0;
      const row = yy * this.w;
      for (let i = row + x0 + inset, end = row + x1 - inset; i < end; i++) u32[i] = word;
    }
    if (x0 < this.x0) this.x0 = x0;
    if (y0 < this.y0) this.y0 = y0;
    if (x1 > this.x1) this.x1 = x1;
    if (y1 > this.y1) this.y1 = y1;
  }

  /** A line one device pixel wide (`wide` pixels, when given), without antialiasing. */
  line(x0, y0, x1, y1, word, wide = 1) {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))));
    const sx = dx / n;
    const sy = dy / n;
    const u32 = this.u32;
    const w = this.w;
    const h = this.h;
    const o = wide > 1 ? Math.floor(wide / 2) : 0;
    // (v + 0.5) | 0 rounds; a pixel just off the left or top edge may land on it, and the
    // caller's clip takes care of that.
    let x = x0 + 0.5 - o;
    let y = y0 + 0.5 - o;
    if (wide === 1) {
      for (let i = 0; i <= n; i++, x += sx, y += sy) {
        const xi = x | 0;
        const yi = y | 0;
        if (xi >= 0 && yi >= 0 && xi < w && yi < h) u32[yi * w + xi] = word;
      }
    } else {
      for (let i = 0; i <= n; i++, x += sx, y += sy) {
        const xi = x | 0;
        const yi = y | 0;
        const from = Math.max(0, xi);
        const to = Math.min(w, xi + wide);
        if (from >= to) continue;
        for (let yy = Math.max(0, yi); yy < Math.min(h, yi + wide); yy++) {
          for (let k = yy * w + from, end = yy * w + to; k < end; k++) u32[k] = word;
        }
      }
    }
    const lx = Math.max(0, Math.floor(Math.min(x0, x1)) - o - 1);
    const ly = Math.max(0, Math.floor(Math.min(y0, y1)) - o - 1);
    const hx = Math.min(w, Math.ceil(Math.max(x0, x1)) + wide + 1);
    const hy = Math.min(h, Math.ceil(Math.max(y0, y1)) + wide + 1);
    if (lx < this.x0) this.x0 = lx;
    if (ly < this.y0) this.y0 = ly;
    if (hx > this.x1) this.x1 = hx;
    if (hy > this.y1) this.y1 = hy;
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
