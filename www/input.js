// Mouse and touch on the two canvases: hover tooltips, clicks that open the node and link
// menus (or, with the partition tool on, put nodes into groups, by click or by dragging a box),
// and the timeline's wheel zoom, shift+wheel row scroll and drag to look back.
import { nodeName, fmtValue, fmtDuration, canvasZoom } from './format.js';
import { nodesInBox } from './graph-overlays.js';
import { eventRows, nodeRows, messageRows } from './describe.js';

const $ = (id) => document.getElementById(id);
/** Timeline arrows that stand for one message: clicking one opens the message inspector. */
const MESSAGE_KINDS = new Set(['in flight', 'deliver', 'lost', 'discard']);

export function bindPointer(ctx) {
  bindGraph(ctx);
  bindTimeline(ctx);
}

function localXY(canvas, e) {
  const r = canvas.getBoundingClientRect();
  const z = canvasZoom(canvas);
  return { x: (e.clientX - r.left) / z, y: (e.clientY - r.top) / z };
}

function linkRows(app, a, b) {
  const ab = app.linkInfo(a, b);
  const ba = app.linkInfo(b, a);
  if (!ab || !ba) return [['click', 'cut, heal or change it']];
  const desc = (i) => `${i.up ? 'up' : 'cut'} · ${i.kind} · ${fmtDuration(i.latencyMs)}${i.spreadMs ? ` + ${i.latency} ${fmtDuration(i.spreadMs)}` : ''}`
    + `${i.loss ? ` · loss ${fmtValue(i.loss)}` : ''}${i.duplicate ? ` · dup ${fmtValue(i.duplicate)}` : ''}${i.corrupt ? ` · corrupt ${fmtValue(i.corrupt)}` : ''}`
    + `${i.bandwidthKbps ? ` · ${fmtValue(i.bandwidthKbps)} kB/s` : ''}${i.fifo ? ' · FIFO' : ''}`;
  return [[`${nodeName(a)} → ${nodeName(b)}`, desc(ab)], [`${nodeName(b)} → ${nodeName(a)}`, desc(ba)], ['click', 'cut, heal or change it']];
}

function bindGraph({ app, graph, controls, menus }) {
  const c = graph.canvas;
  let box = null; // the partition tool's drag box, in canvas pixels
  let linkTip = null; // the link whose tooltip is shown: linkInfo() only when the hover moves to another link
  c.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !app.partitionTool.active) return;
    const { x, y } = localXY(c, e);
    box = { x0: x, y0: y, x1: x, y1: y };
    c.setPointerCapture(e.pointerId);
  });
  c.addEventListener('pointermove', (e) => {
    const { x, y } = localXY(c, e);
    if (box) {
      box.x1 = x;
      box.y1 = y;
      graph.dragBox = Math.hypot(box.x1 - box.x0, box.y1 - box.y0) > 5 ? box : null;
      controls.hideTooltip();
      return;
    }
    const tool = app.partitionTool.active;
    const hit = graph.hitTest(x, y, app.frame);
    graph.hover = tool && hit?.kind !== 'node' ? null : hit;
    c.style.cursor = tool ? (hit?.kind === 'node' ? 'copy' : 'crosshair') : hit ? 'pointer' : 'default';
    if (hit?.kind !== 'link') linkTip = null;
    if (hit?.kind === 'node') {
      const nd = app.frame.nodes.find((n) => n.id === hit.id);
      const title = tool ? `${nodeName(hit.id)} — click to put it in the chosen group` : `${nodeName(hit.id)} — click for actions`;
      if (nd) controls.showTooltip(title, nodeRows(nd, app.frame.now), e.clientX, e.clientY);
    } else if (tool) {
      controls.hideTooltip();
    } else if (hit?.kind === 'msg') {
      controls.showTooltip(`message ${fmtValue(hit.msg.label)} — click to see what it carries`, messageRows(hit.msg), e.clientX, e.clientY);
    } else if (hit?.kind === 'link') {
      const key = `${hit.a}|${hit.b}|${app.frame.now}`;
      if (linkTip?.key !== key) linkTip = { key, rows: linkRows(app, hit.a, hit.b) };
      controls.showTooltip(`link ${nodeName(hit.a)} ↔ ${nodeName(hit.b)}`, linkTip.rows, e.clientX, e.clientY);
    } else controls.hideTooltip();
  });
  c.addEventListener('pointerleave', () => {
    graph.hover = null;
    linkTip = null;
    controls.hideTooltip();
  });
  c.addEventListener('pointerup', (e) => {
    if (!box) return;
    const b = box;
    box = null;
    graph.dragBox = null;
    if (Math.hypot(b.x1 - b.x0, b.y1 - b.y0) > 5) app.partitionTool.assign(nodesInBox(graph, app.frame, b));
    else {
      const hit = graph.hitTest(b.x0, b.y0, app.frame);
      if (hit?.kind === 'node') app.partitionTool.assign([hit.id]);
    }
  });
  c.addEventListener('pointercancel', () => {
    box = null;
    graph.dragBox = null;
  });
  c.addEventListener('click', (e) => {
    if (app.partitionTool.active) return; // handled on pointerup
    const { x, y } = localXY(c, e);
    const hit = graph.hitTest(x, y, app.frame);
    controls.hideTooltip();
    if (hit?.kind === 'node') app.selectNode(hit.id, { x: e.clientX, y: e.clientY });
    else if (hit?.kind === 'link') app.selectLink(hit.a, hit.b, { x: e.clientX, y: e.clientY });
    else if (hit?.kind === 'msg') app.openMessage(hit.msg, { x: e.clientX, y: e.clientY });
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
    if (hit?.kind === 'seg' && MESSAGE_KINDS.has(hit.ev?.kind)) c.style.cursor = 'pointer';
    if (hit) {
      const [title, rows] = hit.tip ?? (hit.ev ? eventRows(hit.ev) : eventRows(hit.info));
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
    const hit = nd ? null : timeline.hitTest(p.x, p.y);
    if (nd) app.selectNode(nd.id, { x: e.clientX, y: e.clientY });
    else if (hit?.kind === 'seg' && MESSAGE_KINDS.has(hit.ev?.kind)) app.openMessage(hit.ev, { x: e.clientX, y: e.clientY });
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
