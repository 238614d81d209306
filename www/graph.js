// The node-graph view: nodes on an ellipse (small n) or a sunflower spiral (hundreds of nodes),
// cut links, messages moving along their links by `progress`, and fading × where messages died.
import { fitCanvas, theme, drawCross, drawArrowHead, distToSegment, clamp, ACK_INDEX } from './format.js';
import { drawNode, drawLabel } from './graph-nodes.js';
import { drawPartition, drawDraft, drawConfiguredLinks, drawDragBox, drawQueues } from './graph-overlays.js';
import { Layer, PixelLayer, linksKey, nodesKey, drawMessages } from './graph-layers.js';
import { GraphZoom } from './graph-zoom.js';
import { messageAt } from './messages.js';

const CIRCLE_MAX = 32; // beyond this a ring gets too crowded: use the spiral, draw no idle links
const LOST_FADE_MS = 2500; // real (playing) time a lost-message × stays visible
const LOST_MAX = 400;
const GOLDEN = Math.PI * (3 - Math.sqrt(5));
const PARTITION_LINES_MAX = 200; // nodes up to which the partition's cut links are drawn

export class GraphView {
  constructor(canvas, colours) {
    this.canvas = canvas;
    this.colours = colours;
    this.pos = []; // [{x, y, a}] on the screen (canvas CSS pixels), by index into frame.nodes
    this.wpos = []; // the same laid out for the fitted view, before zoom and pan
    this.zoom = new GraphZoom();
    this.viewKey = '';
    this.under = new Layer(); // links and partition, under the messages
    this.over = new Layer(); // the nodes, over them
    this.pixels = new PixelLayer(); // tiny message dots, written as pixels
    this.lastFrame = null;
    this.index = new Map(); // node id -> index
    this.layoutKey = '';
    this.r = 10;
    this.labelMode = 'full';
    this.lost = []; // {from, to, progress, born}
    this.pauseStart = new Map(); // node id -> simulated ms when its current pause began
    this.animClock = 0; // advances only while playing, so × marks freeze when the run is paused
    this.hover = null; // {kind:'node'|'link'|'msg', ...}
    this.selected = null;
    this.w = 0;
    this.h = 0;
    this.tool = null; // the partition tool (partition.js), drawn while active
    this.dragBox = null; // {x0, y0, x1, y1} while the tool's box is being dragged
    this.isRetry = () => false; // (from, msg, sentAt) -> whether that send was a retransmission
  }

  reset() {
    this.lost = [];
    this.pauseStart.clear();
    this.layoutKey = '';
    this.dragBox = null;
  }

  /** A new scenario or run: the fitted view again. */
  resetZoom() {
    this.zoom.fit();
  }

  /** Feed the events of one frame (for lost marks and pause rings). */
  ingest(events, frame) {
    // After a seek or an undo the events are the whole history: no fading × for all of it.
    if (frame.reset) this.reset();
    for (const ev of events) {
      if (ev.kind === 'lost' && !frame.reset) {
        this.lost.push({ from: ev.from, to: ev.to ?? ev.node, progress: ev.progress ?? 0.5, born: this.animClock });
      } else if (ev.kind === 'pause') {
        this.pauseStart.set(ev.node, ev.t);
      }
    }
    if (this.lost.length > LOST_MAX) this.lost.splice(0, this.lost.length - LOST_MAX);
    for (const n of frame.nodes) {
      if (n.status === 'paused' && !this.pauseStart.has(n.id)) this.pauseStart.set(n.id, frame.now);
      else if (n.status !== 'paused') this.pauseStart.delete(n.id);
    }
  }

  tick(realMs) {
    this.animClock += realMs;
    const cutoff = this.animClock - LOST_FADE_MS;
    let i = 0;
    while (i < this.lost.length && this.lost[i].born < cutoff) i++;
    if (i) this.lost.splice(0, i);
  }

  layout(nodes, w, h, ctx) {
    const n = nodes.length;
    const roles = nodes.map((x) => x.role ?? '').join(',');
    const key = `${n}:${w}x${h}:${nodes.map((x) => x.id).join(',')}:${roles}`;
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    this.viewKey = '';
    this.index = new Map(nodes.map((nd, i) => [nd.id, i]));
    const fs = theme().fontSize;
    this.fs = fs;
    const cx = w / 2;
    const cy = h / 2;
    this.wpos = new Array(n);
    if (n <= CIRCLE_MAX) {
      // An ellipse uses the wide graph pane better than a circle; labels sit outside it.
      // Room for the labels: two lines above the top node and below the bottom one.
      const rMax = Math.min(22, fs * 1.5);
      // Room beside the side nodes for their label: "n1 (server) · 12.345 s".
      const longest = nodes.reduce((a, x) => (String(x.role ?? '').length > a.length ? String(x.role) : a), '');
      ctx.font = `600 ${fs}px ${theme().font}`;
      const labelW = Math.min(ctx.measureText(`n${n - 1}${longest ? ` (${longest})` : ''} · 88.888 s`).width + 8, w * 0.3);
      const ry = Math.max(20, h / 2 - rMax - 9 - 2 * 1.25 * fs - 8);
      const rx = Math.max(20, Math.min(w / 2 - rMax - labelW - 12, ry * 1.9));
      const start = n === 2 ? Math.PI : -Math.PI / 2; // two nodes: side by side
      for (let i = 0; i < n; i++) {
        const a = start + (2 * Math.PI * i) / Math.max(1, n);
        this.wpos[i] = n === 1 ? { x: cx, y: cy, a: Math.PI / 2 } : { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a), a };
      }
      this.gap0 = n > 1 ? 2 * Math.min(rx, ry) * Math.sin(Math.PI / n) : 2 * ry;
      this.ring = true;
    } else {
      // Phyllotaxis: even density for any n, stable positions as n grows.
      const margin = 10;
      const ry = h / 2 - margin;
      const rx = Math.min(w / 2 - margin, ry * 1.9);
      const c = ry / Math.sqrt(n);
      for (let i = 0; i < n; i++) {
        const rr = Math.sqrt(i + 0.5) / Math.sqrt(n);
        const a = i * GOLDEN;
        this.wpos[i] = { x: cx + rx * rr * Math.cos(a), y: cy + ry * rr * Math.sin(a), a };
      }
      this.gap0 = c * 1.6;
      this.ring = false;
    }
  }

  /** Screen positions, node size and label mode for the current zoom and pan. */
  applyView(w, h) {
    this.zoom.clampTo(w, h);
    const key = `${this.layoutKey}|${this.zoom.key()}`;
    if (key === this.viewKey) return;
    this.viewKey = key;
    const { k, x, y } = this.zoom;
    this.pos = this.wpos.map((p) => ({ x: p.x * k + x, y: p.y * k + y, a: p.a }));
    const fs = this.fs;
    const gap = this.gap0 * k;
    this.gap = gap;
    if (this.ring) {
      this.r = clamp(gap * 0.28, 7, Math.max(7, Math.min(22, fs * 1.5)));
      this.labelMode = gap >= 2.4 * fs * 1.25 ? 'full' : gap >= 1.3 * fs ? 'name' : 'none';
    } else {
      this.r = clamp((gap / 1.6) * 0.42, 1.5, 14);
      this.labelMode = gap >= 7 * fs ? 'full' : gap >= 2.6 * fs ? 'name' : 'none';
    }
  }

  /** After a zoom or pan: screen positions now, so hit tests and nodePosition() agree with the
   *  view before the next frame is drawn. */
  refreshView() {
    if (this.layoutKey && this.w && this.h) this.applyView(this.w, this.h);
  }

  /** Whether screen point p is on the canvas, with a margin. */
  onScreen(p, m = 0) {
    return p.x >= -m && p.y >= -m && p.x <= this.w + m && p.y <= this.h + m;
  }

  posOf(id) {
    const i = this.index.get(id);
    return i === undefined ? null : this.pos[i];
  }

  draw(frame, { selected = null, selectedLink = null } = {}) {
    const { ctx, w, h, dpr } = fitCanvas(this.canvas);
    this.w = w;
    this.h = h;
    this.dpr = dpr;
    this.lastFrame = frame;
    const t = theme();
    const fs = t.fontSize;
    if (!frame) {
      ctx.fillStyle = t.panel;
      ctx.fillRect(0, 0, w, h);
      return;
    }
    const nodes = frame.nodes;
    this.layout(nodes, w, h, ctx);
    this.applyView(w, h);
    const r = this.r;
    const bw = this.canvas.width;
    const bh = this.canvas.height;
    if (this.layerTheme !== t) {
      // A new colour scheme (or an export's light theme): both layers again.
      this.layerTheme = t;
      this.themeGen = (this.themeGen ?? 0) + 1;
    }
    const base = `${this.viewKey}|${w}x${h}@${dpr}|${this.themeGen}`;
    const hoverLink = !selectedLink && this.hover?.kind === 'link' ? this.hover : null;
    const underKey = `${base}|${Array.isArray(frame.partition) ? frame.partition.join(',') : ''}|${linksKey(frame.links)}`
      + `|${selectedLink ? `${selectedLink.a}-${selectedLink.b}` : ''}|${hoverLink ? `${hoverLink.a}-${hoverLink.b}` : ''}`;
    this.under.blit(ctx, bw, bh, dpr, underKey, (lc) => {
      lc.fillStyle = t.panel;
      lc.fillRect(0, 0, w, h);
      drawPartition(this, lc, frame, t);
      // Idle links, faint, so students see the mesh the messages travel on.
      if (this.ring && nodes.length > 1) {
        lc.strokeStyle = t.link;
        lc.lineWidth = 1;
        lc.beginPath();
        for (let i = 0; i < nodes.length; i++) {
          for (let j = i + 1; j < nodes.length; j++) {
            lc.moveTo(this.pos[i].x, this.pos[i].y);
            lc.lineTo(this.pos[j].x, this.pos[j].y);
          }
        }
        lc.stroke();
      }
      drawConfiguredLinks(this, lc, frame, t);
      this.drawCutLinks(lc, frame.links, t, frame.partition);
      if (selectedLink) this.drawLinkHighlight(lc, selectedLink, t.select, 4);
      else if (hoverLink) this.drawLinkHighlight(lc, hoverLink, t.select, 2.5);
    });

    // Messages ride in a lane on the right-hand side of their direction, so a request and its
    // reply on the same link don't sit on top of each other. Packets of a multi-packet message
    // are small dots queueing along the link; acks are small too; a retransmitted message is a
    // ring, like its dashed arrow on the timeline.
    const dotR = nodes.length > CIRCLE_MAX ? clamp(r * 0.7, 1.5, 3.5) : clamp(r * 0.32, 3, 5.5);
    if (frame.msgs) drawMessages(this, ctx, frame.msgs, t, dotR, this.colours, this.isRetry);
    drawQueues(this, ctx, frame, t);
    // Lost messages: a × where they died, fading out.
    ctx.lineWidth = 2;
    for (const l of this.lost) {
      const p = this.msgPoint(l.from, l.to, l.progress);
      if (!p) continue;
      ctx.globalAlpha = clamp(1 - (this.animClock - l.born) / LOST_FADE_MS, 0, 1);
      ctx.strokeStyle = t.crash;
      ctx.beginPath();
      drawCross(ctx, p.x, p.y, dotR + 1.5);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;

    // The nodes: from the cached layer, but paused ones (their ring empties as time runs) now.
    const hoverNode = this.hover?.kind === 'node' ? this.hover.id : null;
    const margin = r + 10;
    // The partition tool's draft groups go into the layer too (a ring per node, 1,000 of them).
    const draft = this.tool?.active ? nodes.map((n) => this.tool.draft.get(n.id) ?? 0).join(',') : '';
    const overKey = `${base}|${nodesKey(nodes)}|${selected}|${hoverNode}|${draft}`;
    this.over.blit(ctx, bw, bh, dpr, overKey, (lc) => {
      for (let i = 0; i < nodes.length; i++) {
        if (nodes[i].status !== 'paused' && this.onScreen(this.pos[i], margin)) drawNode(this, lc, nodes[i], this.pos[i], frame.now, t, selected);
      }
      drawDraft(this, lc, frame, this.tool, t);
    });
    let paused = false;
    for (let i = 0; i < nodes.length; i++) {
      if (nodes[i].status !== 'paused') continue;
      paused = true;
      if (this.onScreen(this.pos[i], margin)) drawNode(this, ctx, nodes[i], this.pos[i], frame.now, t, selected);
    }
    if (paused && draft) drawDraft(this, ctx, frame, this.tool, t); // over the paused ones too
    // Zoomed in, a label is drawn only for a node whose centre is in view (labels are kept
    // inside the canvas, so one for a node off the edge would sit somewhere it is not).
    const labelMargin = this.zoom.zoomed ? 0 : margin;
    if (this.labelMode !== 'none') {
      for (let i = 0; i < nodes.length; i++) {
        if (this.onScreen(this.pos[i], labelMargin)) drawLabel(this, ctx, nodes[i], this.pos[i], frame.now, t, this.labelMode);
      }
    } else {
      // Too crowded for labels: only the selected node gets one (hover has its tooltip).
      const i = this.index.get(selected);
      if (i !== undefined && this.onScreen(this.pos[i], labelMargin)) drawLabel(this, ctx, nodes[i], this.pos[i], frame.now, t, 'full', true);
    }
    if (nodes.length > CIRCLE_MAX) {
      ctx.fillStyle = t.muted;
      ctx.font = `${fs * 0.85}px ${t.font}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      const how = this.zoom.zoomed ? 'drag to pan, 0 to fit' : 'wheel to zoom';
      const text = `${nodes.length} nodes · links drawn only when cut · hover for details · ${how}`;
      if (this.zoom.zoomed) {
        // Zoomed in, nodes and labels run under the caption: give it a backing.
        ctx.fillStyle = t.panel;
        ctx.globalAlpha = 0.85;
        ctx.fillRect(4, h - 10 - fs, ctx.measureText(text).width + 12, fs + 6);
        ctx.globalAlpha = 1;
        ctx.fillStyle = t.muted;
      }
      ctx.fillText(text, 10, h - 8);
    }
    drawDragBox(ctx, this.dragBox, t);
  }

  msgPoint(from, to, progress) {
    const a = this.posOf(from);
    const b = this.posOf(to);
    if (!a || !b) return null;
    const p = clamp(progress ?? 0, 0, 1);
    if (a === b) {
      // A message to oneself: a small loop above the node.
      const ang = -Math.PI / 2 + p * 2 * Math.PI;
      return { x: a.x + this.r * 1.6 * Math.cos(ang), y: a.y - this.r * 1.6 + this.r * 1.6 * Math.sin(ang) };
    }
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const lane = this.ring ? clamp(this.r * 0.3, 2, 5) : 0;
    return { x: a.x + dx * p - (dy / len) * lane, y: a.y + dy * p + (dx / len) * lane };
  }

  drawCutLinks(ctx, links, t, partition) {
    const byPair = new Map();
    const across = (l) => Array.isArray(partition) && (partition[l.from] ?? 0) !== (partition[l.to] ?? 0);
    // Links the partition cut (every pair across groups; the frame sends only the groups): one
    // faint dashed line each, the shading says why; a × on every one would bury the picture. Past
    // a couple of hundred nodes the lines would be a solid wall, and the shading alone tells it.
    if (Array.isArray(partition) && partition.length <= PARTITION_LINES_MAX) {
      ctx.save();
      ctx.strokeStyle = t.cut;
      ctx.globalAlpha = 0.35;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 5]);
      ctx.beginPath();
      for (let a = 0; a < partition.length; a++) {
        for (let b = a + 1; b < partition.length; b++) {
          if (partition[a] === partition[b]) continue;
          const pa = this.posOf(a);
          const pb = this.posOf(b);
          if (!pa || !pb) continue;
          ctx.moveTo(pa.x, pa.y);
          ctx.lineTo(pb.x, pb.y);
        }
      }
      ctx.stroke();
      ctx.restore();
    }
    for (const l of links) {
      if (l.up !== false || across(l)) continue;
      const k = l.from < l.to ? `${l.from}|${l.to}` : `${l.to}|${l.from}`;
      const e = byPair.get(k) ?? { a: Math.min(l.from, l.to), b: Math.max(l.from, l.to), dirs: [] };
      e.dirs.push([l.from, l.to]);
      byPair.set(k, e);
    }
    ctx.save();
    ctx.strokeStyle = t.cut;
    ctx.fillStyle = t.cut;
    ctx.lineWidth = 2.5;
    for (const { a, b, dirs } of byPair.values()) {
      const pa = this.posOf(a);
      const pb = this.posOf(b);
      if (!pa || !pb || pa === pb) continue;
      const both = dirs.length >= 2;
      const [from, to] = dirs[0];
      const p1 = both ? pa : this.posOf(from);
      const p2 = both ? pb : this.posOf(to);
      const dx = p2.x - p1.x;
      const dy = p2.y - p1.y;
      const len = Math.hypot(dx, dy) || 1;
      const ux = dx / len;
      const uy = dy / len;
      // Shorten to the node rims; a one-way cut sits in its direction's lane with an arrowhead.
      const off = both ? 0 : clamp(this.r * 0.3, 2, 5);
      const sx = p1.x + ux * (this.r + 2) - uy * off;
      const sy = p1.y + uy * (this.r + 2) + ux * off;
      const ex = p2.x - ux * (this.r + 3) - uy * off;
      const ey = p2.y - uy * (this.r + 3) + ux * off;
      ctx.setLineDash([7, 5]);
      ctx.beginPath();
      ctx.moveTo(sx, sy);
      ctx.lineTo(ex, ey);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      if (!both) drawArrowHead(ctx, sx, sy, ex, ey, 10);
      const mx = (sx + ex) / 2;
      const my = (sy + ey) / 2;
      ctx.stroke();
      // A scissors-like × at the middle marks "cut" even in greyscale print-outs.
      ctx.fillStyle = t.panel;
      ctx.beginPath();
      ctx.arc(mx, my, 7, 0, Math.PI * 2);
      ctx.fill();
      ctx.beginPath();
      drawCross(ctx, mx, my, 4);
      ctx.stroke();
    }
    ctx.restore();
  }

  drawLinkHighlight(ctx, { a, b }, colour, width) {
    const pa = this.posOf(a);
    const pb = this.posOf(b);
    if (!pa || !pb) return;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(pa.x, pa.y);
    ctx.lineTo(pb.x, pb.y);
    ctx.stroke();
    ctx.restore();
  }

  /** What is under (x, y) in canvas CSS pixels: a node, else a link, else a message, else null. */
  hitTest(x, y, frame) {
    if (!frame) return null;
    let best = null;
    let bestD = Infinity;
    const slop = Math.max(this.r + 4, 8);
    for (let i = 0; i < this.pos.length; i++) {
      const d = Math.hypot(this.pos[i].x - x, this.pos[i].y - y);
      if (d < slop && d < bestD) {
        bestD = d;
        best = { kind: 'node', id: frame.nodes[i]?.id };
      }
    }
    if (best) return best;
    const dotSlop = 7;
    const cols = frame.msgs;
    for (let i = 0; i < (cols?.count ?? 0); i++) {
      const p = this.msgPoint(cols.from[i], cols.to[i], cols.progress[i]);
      if (p && Math.hypot(p.x - x, p.y - y) < dotSlop) return { kind: 'msg', msg: messageAt(cols, i) };
    }
    // Links: every pair on the ring (all are drawn); only cut ones on the spiral.
    const pairs = [];
    if (this.ring) {
      for (let i = 0; i < this.pos.length; i++) {
        for (let j = i + 1; j < this.pos.length; j++) pairs.push([frame.nodes[i].id, frame.nodes[j].id]);
      }
    } else {
      for (const l of frame.links) if (l.up === false) pairs.push([Math.min(l.from, l.to), Math.max(l.from, l.to)]);
    }
    bestD = 7;
    for (const [a, b] of pairs) {
      const pa = this.posOf(a);
      const pb = this.posOf(b);
      if (!pa || !pb) continue;
      if (Math.hypot(pa.x - x, pa.y - y) < this.r + 6 || Math.hypot(pb.x - x, pb.y - y) < this.r + 6) continue;
      const d = distToSegment(x, y, pa.x, pa.y, pb.x, pb.y);
      if (d < bestD) {
        bestD = d;
        best = { kind: 'link', a, b };
      }
    }
    return best;
  }
}
