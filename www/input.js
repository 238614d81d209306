// Mouse and touch on the two canvases: hover tooltips, clicks that open the node and link
// menus, and the timeline's wheel zoom, shift+wheel row scroll and drag to look back.
import { nodeName, fmtValue } from './format.js';
import { eventRows, nodeRows, messageRows } from './describe.js';

const $ = (id) => document.getElementById(id);

export function bindPointer(ctx) {
  bindGraph(ctx);
  bindTimeline(ctx);
}

function localXY(canvas, e) {
  const r = canvas.getBoundingClientRect();
  return { x: e.clientX - r.left, y: e.clientY - r.top };
}

function bindGraph({ app, graph, controls, menus }) {
  const c = graph.canvas;
  c.addEventListener('pointermove', (e) => {
    const { x, y } = localXY(c, e);
    const hit = graph.hitTest(x, y, app.frame);
    graph.hover = hit;
    c.style.cursor = hit && hit.kind !== 'msg' ? 'pointer' : 'default';
    if (hit?.kind === 'node') {
      const nd = app.frame.nodes.find((n) => n.id === hit.id);
      if (nd) controls.showTooltip(`${nodeName(nd.id)} — click for actions`, nodeRows(nd, app.frame.now), e.clientX, e.clientY);
    } else if (hit?.kind === 'msg') {
      controls.showTooltip(`message ${fmtValue(hit.msg.label)}`, messageRows(hit.msg), e.clientX, e.clientY);
    } else if (hit?.kind === 'link') {
      controls.showTooltip(`link ${nodeName(hit.a)} ↔ ${nodeName(hit.b)}`, [['click', 'cut or heal it']], e.clientX, e.clientY);
    } else controls.hideTooltip();
  });
  c.addEventListener('pointerleave', () => {
    graph.hover = null;
    controls.hideTooltip();
  });
  c.addEventListener('click', (e) => {
    const { x, y } = localXY(c, e);
    const hit = graph.hitTest(x, y, app.frame);
    controls.hideTooltip();
    if (hit?.kind === 'node') app.selectNode(hit.id, { x: e.clientX, y: e.clientY });
    else if (hit?.kind === 'link') app.selectLink(hit.a, hit.b, { x: e.clientX, y: e.clientY });
    else menus.close();
  });
}

function bindTimeline({ app, timeline, controls, menus }) {
  const c = timeline.canvas;
  let drag = null;
  c.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const p = localXY(c, e);
    drag = { x0: p.x, last: p.x, moved: false };
    c.setPointerCapture(e.pointerId);
  });
  c.addEventListener('pointermove', (e) => {
    const p = localXY(c, e);
    timeline.hover = null;
    if (drag) {
      if (Math.abs(p.x - drag.x0) > 3) drag.moved = true;
      if (drag.moved && !timeline.inGutter(drag.x0)) {
        timeline.pan(p.x - drag.last, app.frame?.now ?? 0);
        c.style.cursor = 'grabbing';
      }
      drag.last = p.x;
      if (drag.moved) return controls.hideTooltip();
    }
    if (timeline.inGutter(p.x)) {
      const i = timeline.rowAt(p.y);
      const nd = i === null ? null : app.frame?.nodes[i];
      c.style.cursor = nd ? 'pointer' : 'default';
      if (nd) controls.showTooltip(`${nodeName(nd.id)} — click for actions`, nodeRows(nd, app.frame.now), e.clientX, e.clientY);
      else controls.hideTooltip();
      return;
    }
    c.style.cursor = 'crosshair';
    const hit = timeline.hitTest(p.x, p.y);
    timeline.hover = hit;
    if (hit) {
      const [title, rows] = hit.ev ? eventRows(hit.ev) : eventRows(hit.info);
      controls.showTooltip(title, rows, e.clientX, e.clientY);
    } else controls.hideTooltip();
  });
  const end = (e) => {
    if (!drag) return;
    const p = localXY(c, e);
    const wasClick = !drag.moved;
    drag = null;
    c.style.cursor = 'default';
    if (!wasClick) return;
    const i = timeline.inGutter(p.x) ? timeline.rowAt(p.y) : null;
    const nd = i === null ? null : app.frame?.nodes[i];
    if (nd) app.selectNode(nd.id, { x: e.clientX, y: e.clientY });
    else menus.close();
  };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', () => (drag = null));
  c.addEventListener('pointerleave', () => {
    timeline.hover = null;
    if (!drag) controls.hideTooltip();
  });
  c.addEventListener('dblclick', () => timeline.setFollow(true));
  c.addEventListener('wheel', (e) => {
    e.preventDefault();
    const p = localXY(c, e);
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    if (e.shiftKey) timeline.scrollRows((dy || e.deltaX) / 40);
    else timeline.zoom(Math.exp(dy * 0.0015), p.x, app.frame?.now ?? 0);
  }, { passive: false });
  timeline.onFollowChange = (on) => ($('btn-follow').hidden = on);
  $('btn-follow').addEventListener('click', () => timeline.setFollow(true));
}
