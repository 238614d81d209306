// Zoom and pan of the node graph: a scale about the pointer (wheel, trackpad or touch pinch) and an offset
// (drag on empty space; with the partition tool on, whose drag draws a box, the middle button);
// `0` or the corner button fits the whole graph again. Positions are laid out for the fitted view
// ("world" = fitted CSS pixels) and the graph maps them to the screen: s = w * k + (x, y).
import { clamp, canvasZoom } from './format.js';

export const MAX_ZOOM = 24;

export class GraphZoom {
  constructor() {
    this.k = 1;
    this.x = 0;
    this.y = 0;
    this.onChange = null;
  }

  get zoomed() {
    return this.k > 1.0001;
  }

  /** Back to the fitted view. */
  fit() {
    const was = this.zoomed || this.x || this.y;
    this.k = 1;
    this.x = 0;
    this.y = 0;
    if (was) this.onChange?.();
  }

  /** Scales by `factor` keeping the point under (sx, sy) (canvas CSS pixels) where it is. */
  zoomAt(factor, sx, sy, w, h) {
    const k = clamp(this.k * factor, 1, MAX_ZOOM);
    const wx = (sx - this.x) / this.k;
    const wy = (sy - this.y) / this.k;
    this.k = k;
    this.x = sx - wx * k;
    this.y = sy - wy * k;
    this.clampTo(w, h);
    this.onChange?.();
  }

  panBy(dx, dy, w, h) {
    this.x += dx;
    this.y += dy;
    this.clampTo(w, h);
    this.onChange?.();
  }

  /** Keeps the fitted picture covering the canvas: no panning off into empty space. */
  clampTo(w, h) {
    this.x = clamp(this.x, w - w * this.k, 0);
    this.y = clamp(this.y, h - h * this.k, 0);
    if (!this.zoomed) this.x = this.y = 0;
  }

  key() {
    return `${this.k.toFixed(4)},${this.x.toFixed(2)},${this.y.toFixed(2)}`;
  }
}

const isTyping = (el) => el instanceof Element && Boolean(el.closest('input, textarea, select, [contenteditable="true"]'));

function localXY(canvas, e) {
  const r = canvas.getBoundingClientRect();
  const z = canvasZoom(canvas);
  return { x: (e.clientX - r.left) / z, y: (e.clientY - r.top) / z };
}

/** Wheel/pinch zoom, drag pan, the `0` key and the corner indicator with its Fit button.
 *  `isTool()` says the partition tool is on (a plain drag on empty space is its box then). */
export function bindGraphZoom(graph, { isTool, hideTooltip }) {
  const c = graph.canvas;
  const zoom = graph.zoom;
  // The corner indicator: "×4.0 · Fit", shown while zoomed in.
  const box = c.parentElement;
  const chip = document.createElement('div');
  chip.className = 'zoom-chip';
  chip.hidden = true;
  const level = document.createElement('span');
  level.className = 'zoom-level';
  const fit = document.createElement('button');
  fit.type = 'button';
  fit.id = 'btn-fit';
  fit.textContent = 'Fit';
  fit.title = 'Show the whole graph again (0)';
  chip.append(level, fit);
  box?.append(chip);
  fit.addEventListener('click', () => zoom.fit());
  let shown = '';
  const update = () => {
    const text = zoom.zoomed ? `×${zoom.k < 10 ? zoom.k.toFixed(1) : Math.round(zoom.k)}` : '';
    if (text === shown) return;
    shown = text;
    chip.hidden = !text;
    level.textContent = text;
  };
  zoom.onChange = () => {
    graph.refreshView();
    update();
  };

  c.addEventListener('wheel', (e) => {
    e.preventDefault();
    const p = localXY(c, e);
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    // A trackpad pinch arrives as a wheel with ctrlKey and small deltas: zoom it faster.
    const factor = Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0015));
    zoom.zoomAt(factor, p.x, p.y, graph.w, graph.h);
    hideTooltip();
  }, { passive: false });

  window.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    if (e.key === '0' && !document.querySelector('.overlay:not([hidden])')) {
      zoom.fit();
      e.preventDefault();
    }
  });

  // Two fingers on a touch screen: pinch to zoom about their midpoint, and move to pan.
  let drag = null;
  const touches = new Map(); // pointer id -> position, for touch pointers on the canvas
  let pinch = null;
  const spread = () => {
    const [a, b] = [...touches.values()];
    return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  };
  c.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    touches.set(e.pointerId, localXY(c, e));
    if (touches.size !== 2) return;
    drag = null; // a pinch, not a one-finger pan
    pinch = spread();
    for (const id of touches.keys()) {
      try {
        c.setPointerCapture(id);
      } catch {
        /* a finger already lifted */
      }
    }
    hideTooltip();
    e.stopImmediatePropagation();
  }, { capture: true });
  c.addEventListener('pointermove', (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, localXY(c, e));
    if (!pinch || touches.size !== 2) return;
    const now = spread();
    zoom.zoomAt(now.d / pinch.d, pinch.x, pinch.y, graph.w, graph.h);
    zoom.panBy(now.x - pinch.x, now.y - pinch.y, graph.w, graph.h);
    pinch = now;
    e.stopImmediatePropagation();
  }, { capture: true });
  const lift = (e) => {
    if (!touches.delete(e.pointerId)) return;
    if (pinch) e.stopImmediatePropagation();
    if (touches.size < 2) pinch = null;
  };
  c.addEventListener('pointerup', lift, { capture: true });
  c.addEventListener('pointercancel', lift, { capture: true });

  // Drag to pan: on empty space (not on a node, link or message), when zoomed in; with the
  // partition tool on, only with the middle button (a plain drag is its box).
  c.addEventListener('pointerdown', (e) => {
    if (!zoom.zoomed) return;
    const tool = isTool();
    const p = localXY(c, e);
    const middle = e.button === 1;
    if (!middle && e.button !== 0) return;
    if (!middle && tool) return;
    if (!middle && !tool && graph.hitTest(p.x, p.y, graph.lastFrame)) return;
    drag = { x: p.x, y: p.y, moved: false, id: e.pointerId };
    c.setPointerCapture(e.pointerId);
    e.stopImmediatePropagation();
    if (middle) e.preventDefault();
  }, { capture: true });
  c.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const p = localXY(c, e);
    if (!drag.moved && Math.hypot(p.x - drag.x, p.y - drag.y) < 3) return;
    drag.moved = true;
    zoom.panBy(p.x - drag.x, p.y - drag.y, graph.w, graph.h);
    drag.x = p.x;
    drag.y = p.y;
    c.style.cursor = 'grabbing';
    hideTooltip();
    e.stopImmediatePropagation();
  }, { capture: true });
  const end = (e) => {
    if (!drag) return;
    const moved = drag.moved;
    drag = null;
    c.style.cursor = 'default';
    if (moved) {
      // The click that follows a pan is not a click on the empty graph (closing menus).
      const swallow = (ev) => ev.stopImmediatePropagation();
      c.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => c.removeEventListener('click', swallow, { capture: true }), 0);
    }
    e.stopImmediatePropagation();
  };
  c.addEventListener('pointerup', end, { capture: true });
  c.addEventListener('pointercancel', end, { capture: true });
  c.addEventListener('auxclick', (e) => e.button === 1 && e.preventDefault());
  update();
}
