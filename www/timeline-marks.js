// Drawing of the timeline's content: message arrows and per-event marks. Paths are batched by
// colour (one stroke per colour, not per message) so tens of thousands of events stay cheap.
import { drawCross, drawArrowHead, fmtSigned, clamp } from './format.js';
import { newPath } from './svg-context.js';
import { PixelLayer } from './pixels.js';
import { messageAt } from './messages.js';

const MAX_HITS = 20_000; // hover targets kept per frame

let patCache = { colour: null, pattern: null };
const pixels = new PixelLayer(); // dense arrows and dots, written as pixels
const POINT_KINDS = new Map(['metric', 'link-set', 'fault-model', 'timer', 'crash', 'recover', 'pause', 'resume',
  'clock-step', 'drift', 'link-cut', 'link-heal', 'note'].map((k, i) => [k, i + 1]));
const KIND_ALPHA = [0.7, 0.35, 0.6, 0.4]; // arrow, discarded duplicate, retransmission, in flight (1 px, no antialiasing: lighter)

/** Diagonal hatching for paused intervals. */
export function pausePattern(ctx, colour) {
  if (ctx.createHatch) return ctx.createHatch(colour, 8); // the SVG back-end (svg-context.js)
  if (patCache.colour === colour && patCache.pattern) return patCache.pattern;
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const p = c.getContext('2d');
  p.strokeStyle = colour;
  p.lineWidth = 2;
  p.globalAlpha = 0.55;
  p.beginPath();
  p.moveTo(-2, 10);
  p.lineTo(10, -2);
  p.moveTo(-2, 2);
  p.lineTo(2, -2);
  p.moveTo(6, 10);
  p.lineTo(10, 6);
  p.stroke();
  patCache = { colour, pattern: ctx.createPattern(c, 'repeat') };
  return patCache.pattern;
}

/** Identity of a drawn item across frames (hits are rebuilt every frame). */
export const hitKey = (ev) => (ev ? (ev.seq != null ? `s${ev.seq}` : `m${ev.id}`) : null);

export function drawMarks(ctx, g, t, frame, trace, colours, hits, hoverKey = null) {
  let hovered = null;
  const yTop = g.top - g.rowH;
  const yBot = g.h + g.rowH;
  const visible = (y) => y !== null && y >= yTop && y <= yBot;
  const s = clamp(g.rowH * 0.28, 2.5, 7);
  const head = clamp(g.rowH * 0.3, 5, 9);
  const arrows = new Map(); // colour index -> Path2D
  const dots = new Map();
  const pathFor = (m, i) => {
    let p = m.get(i);
    if (!p) m.set(i, (p = newPath(ctx)));
    return p;
  };
  const retryArrows = new Map(); // retransmissions: dashed
  const dupArrows = new Map(); // duplicates the transport threw away: faint
  const packetPaths = new Map(); // packets of a large message, in its colour
  const lostX = newPath(ctx);
  const marks = {
    tick: newPath(ctx), crash: newPath(ctx), crashDisc: newPath(ctx), recover: newPath(ctx), pause: newPath(ctx),
    clock: newPath(ctx), cut: newPath(ctx), heal: newPath(ctx), cutDots: newPath(ctx), healDots: newPath(ctx), note: newPath(ctx), other: newPath(ctx),
    corruptX: newPath(ctx), corrupt: newPath(ctx), discard: newPath(ctx), packets: newPath(ctx), packetDots: newPath(ctx),
    random: newPath(ctx), linkSet: newPath(ctx), linkSetEnds: newPath(ctx), fault: newPath(ctx), metric: newPath(ctx),
  };
  const labels = [];
  const hit = (h) => {
    if (hits.length < MAX_HITS) hits.push(h);
    if (hoverKey && hitKey(h.ev) === hoverKey) hovered = h;
  };
  const drawTicks = g.rowH >= 9;
  // Level of detail: with thin rows, arrows are denser than pixels. An arrow to or from a row
  // out of view is drawn as a short stub from its visible end (hover shows it whole), one that
  // only passes through is left out, and each is snapped to whole pixels so that only the first
  // of a colour on the same pixels is drawn. All stay in `hits`, so hover and click still find
  // each message. Arrows and dots are then written straight into pixels (pixels.js), one device
  // pixel wide, without antialiasing: at this density that reads the same and costs far less.
  const dense = g.rowH < 10 && !ctx.createHatch && typeof ctx.getTransform === 'function';
  const seen = dense ? new Set() : null;
  const dpr = dense ? ctx.getTransform().a || 1 : 1;
  const wide = Math.max(1, Math.round(dpr));
  const words = dense ? KIND_ALPHA.map((a) => t.msg.map((c) => pixels.word(c, a))) : null;
  const denseDots = [];
  const dotWords = dense ? t.msg.map((c) => pixels.word(c)) : null;
  if (dense) pixels.begin(ctx.canvas.width, ctx.canvas.height);
  const clipTop = g.top - 2;
  const clipBot = g.h;
  const stub = Math.max(3 * g.rowH, 18);
  const seg = (p, x1, y1, x2, y2, ci, kind) => {
    if (!dense) {
      p.moveTo(x1, y1);
      p.lineTo(x2, y2);
      return;
    }
    const in1 = y1 >= clipTop && y1 <= clipBot;
    const in2 = y2 >= clipTop && y2 <= clipBot;
    if (!in1 && !in2) return;
    if (!in1 || !in2) {
      // A stub from the visible end, at most `stub` pixels up or down.
      const dy = y2 - y1;
      const u = Math.min(1, stub / Math.abs(dy));
      if (in1) {
        x2 = x1 + (x2 - x1) * u;
        y2 = y1 + dy * u;
      } else {
        x1 = x2 - (x2 - x1) * u;
        y1 = y2 - dy * u;
      }
    }
    const qx1 = clamp(Math.round(x1), -1, 4094) + 1;
    const qx2 = clamp(Math.round(x2), -1, 4094) + 1;
    const key = ((((ci * 4 + kind) * 4096 + qx1) * 1024 + clamp(Math.round(y1), 0, 1023)) * 4096 + qx2) * 1024 + clamp(Math.round(y2), 0, 1023);
    if (seen.has(key)) return;
    seen.add(key);
    pixels.line(x1 * dpr, y1 * dpr, x2 * dpr, y2 * dpr, words[kind][ci], wide);
  };
  const dot = (ci, x, y, r) => {
    if (dense) denseDots.push(ci, x, y, r);
    else {
      const p = pathFor(dots, ci);
      p.moveTo(x + r, y);
      p.arc(x, y, r, 0, Math.PI * 2);
    }
  };

  const backwards = new Path2D(); // local clocks: received "before" it was sent
  const ev = trace.events;
  for (let k = trace.indexAt(g.scanFrom ?? g.start); k < ev.length; k++) {
    const e = ev[k];
    const kind = e.kind;
    // What draws nothing here, before any geometry: a send is the start of its arrow, partitions
    // span every row (timeline-bands.js), and timer ticks are left out on thin rows.
    if (kind === 'send' || kind === 'partition' || kind === 'partition-heal' || (kind === 'timer' && !drawTicks)) continue;
    const inWindow = g.local || e.t <= g.end;
    if (e.kind === 'deliver' || e.kind === 'lost' || e.kind === 'discard' || e.kind === 'packet') {
      const from = e.from;
      const to = e.kind === 'lost' ? e.to ?? e.node : e.node;
      const sentAt = e.sentAt ?? e.t;
      if (!g.local && sentAt > g.end) continue;
      const y1 = g.y(from);
      const y2raw = g.y(to);
      if (y1 === null || y2raw === null) continue;
      const frac = e.kind === 'lost' ? clamp(e.progress ?? 0.5, 0, 1) : 1;
      const y2 = y1 + (y2raw - y1) * frac;
      if (!visible(y1) && !visible(y2) && (y1 < yTop) === (y2 < yTop)) continue;
      const x1 = g.at ? g.at(from, sentAt) : g.x(sentAt);
      const x2 = g.xe ? g.xe(e) : g.x(e.t);
      if (g.local && Math.max(x1, x2) < g.plotL - 20) continue;
      if (g.local && x2 < x1 - 0.5 && e.kind !== 'packet') {
        backwards.moveTo(x1, y1);
        backwards.lineTo(x2, y2);
      }
      if (e.kind === 'packet') {
        // One packet of a large message: a thin line, so packets queueing behind each other
        // show as a sheaf of parallel lines that starts later and later.
        const label = trace.labelOf?.(from, e.msg);
        const pp = label === undefined ? marks.packets : pathFor(packetPaths, colours.index(label));
        pp.moveTo(x1, y1);
        pp.lineTo(x2, y2);
        marks.packetDots.moveTo(x2 + 1.6, y2);
        marks.packetDots.arc(x2, y2, 1.6, 0, Math.PI * 2);
        hit({ kind: 'seg', x1, y1, x2, y2, ev: e });
        continue;
      }
      const ci = colours.index(e.label);
      const retry = trace.isRetry?.(from, e.msg, sentAt);
      const p = pathFor(e.kind === 'discard' ? dupArrows : retry ? retryArrows : arrows, ci);
      seg(p, x1, y1, x2, y2, ci, e.kind === 'discard' ? 1 : retry ? 2 : 0);
      if (e.kind === 'lost') drawCross(e.reason === 'corrupted' ? marks.corruptX : lostX, x2, y2, s + 1);
      else if (e.kind === 'discard') {
        // Arrived, and thrown away as a duplicate: an empty circle with a slash.
        const dr = s + 0.5;
        marks.discard.moveTo(x2 + dr, y2);
        marks.discard.arc(x2, y2, dr, 0, Math.PI * 2);
        marks.discard.moveTo(x2 - dr * 0.7, y2 + dr * 0.7);
        marks.discard.lineTo(x2 + dr * 0.7, y2 - dr * 0.7);
      } else {
        if (g.rowH >= 10) drawArrowHead(p, x1, y1, x2, y2, head);
        if (e.corrupt) {
          // Damaged but handed over: a diamond outline where it landed (big enough to ring the
          // note the protocol usually writes about the garbled message at the same spot).
          const d = s + 4;
          marks.corrupt.moveTo(x2, y2 - d);
          marks.corrupt.lineTo(x2 + d, y2);
          marks.corrupt.lineTo(x2, y2 + d);
          marks.corrupt.lineTo(x2 - d, y2);
          marks.corrupt.closePath();
        }
      }
      if (visible(y1)) dot(ci, x1, y1, 2.2);
      hit({ kind: 'seg', x1, y1, x2, y2, ev: retry ? { ...e, retransmission: true } : e });
      continue;
    }
    if (!inWindow) continue;
    const y = g.y(e.node);
    if (!visible(y)) continue;
    const x = g.xe ? g.xe(e) : g.x(e.t);
    if (g.local && (x < g.plotL - 20 || x > g.plotR + 20)) continue;
    if (dense) {
      // One mark of a kind per pixel of a row: the rest would land on it (still hoverable).
      const key = -((((POINT_KINDS.get(kind) ?? 0) * 8192 + clamp(Math.round(x), -1, 8190) + 1) * 2048) + clamp(Math.round(y), 0, 2047)) - 1;
      if (seen.has(key)) {
        hit({ kind: 'pt', x, y, ev: e });
        continue;
      }
      seen.add(key);
    }
    switch (e.kind) {
      case 'send':
      case 'partition':
      case 'partition-heal':
        continue; // a send is the start of its arrow; partitions span every row (timeline-bands.js)
      case 'metric':
        // A measurement the plots draw: only a small dot under the node's line here.
        marks.metric.moveTo(x + 1.8, y + s + 2);
        marks.metric.arc(x, y + s + 2, 1.8, 0, Math.PI * 2);
        break;
      case 'link-set': {
        const y2 = g.y(e.to) ?? y;
        marks.linkSet.moveTo(x, y);
        marks.linkSet.lineTo(x, y2);
        for (const yy of e.oneWay ? [y] : [y, y2]) marks.linkSetEnds.rect(x - 3, yy - 3, 6, 6);
        if (e.oneWay && y2 !== y) drawArrowHead(marks.linkSet, x, y, x, y2, 7);
        break;
      }
      case 'fault-model':
        marks.fault.rect(x - s, y - s, 2 * s, 2 * s);
        labels.push([x + s + 2, y - s, e.model, 'fault']);
        break;
      case 'timer':
        if (!drawTicks) continue;
        marks.tick.moveTo(x, y - s);
        marks.tick.lineTo(x, y + s);
        break;
      case 'crash': {
        // A small crashed node: the same picture as in the graph.
        const cr = s + 2.5;
        marks.crashDisc.moveTo(x + cr, y);
        marks.crashDisc.arc(x, y, cr, 0, Math.PI * 2);
        drawCross(marks.crash, x, y, cr * 0.5);
        if (e.random) {
          // Drawn from MTBF, not by a hand: a dotted ring round it.
          marks.random.moveTo(x + cr + 3.5, y);
          marks.random.arc(x, y, cr + 3.5, 0, Math.PI * 2);
        }
        break;
      }
      case 'recover':
        if (e.random) {
          marks.random.moveTo(x + s + 4.5, y);
          marks.random.arc(x, y, s + 4.5, 0, Math.PI * 2);
        }
        marks.recover.moveTo(x, y - s - 1);
        marks.recover.lineTo(x + s + 1, y + s);
        marks.recover.lineTo(x - s - 1, y + s);
        marks.recover.closePath();
        break;
      case 'pause':
      case 'resume': {
        const bw = Math.max(1.5, s * 0.45);
        if (e.kind === 'pause') {
          marks.pause.rect(x - bw * 1.5, y - s, bw, 2 * s);
          marks.pause.rect(x + bw * 0.5, y - s, bw, 2 * s);
        } else {
          marks.pause.moveTo(x - s * 0.6, y - s);
          marks.pause.lineTo(x + s * 0.9, y);
          marks.pause.lineTo(x - s * 0.6, y + s);
          marks.pause.closePath();
        }
        break;
      }
      case 'clock-step':
      case 'drift': {
        const hh = Math.max(s + 2, g.rowH * 0.38);
        if (e.kind === 'clock-step') {
          marks.clock.moveTo(x, y - hh);
          marks.clock.lineTo(x, y + hh);
          const d = e.deltaMs ?? 0;
          marks.clock.moveTo(x, y - hh);
          marks.clock.lineTo(x + (d >= 0 ? 4 : -4), y - hh);
          labels.push([x + 4, y - hh, fmtSigned(d)]);
        } else {
          marks.clock.moveTo(x - s, y);
          marks.clock.bezierCurveTo(x - s / 2, y - s * 1.6, x, y - s * 1.6, x, y);
          marks.clock.bezierCurveTo(x, y + s * 1.6, x + s / 2, y + s * 1.6, x + s, y);
          labels.push([x + s + 2, y - hh, `${e.ppm ?? '?'} ppm`]);
        }
        break;
      }
      case 'link-cut':
      case 'link-heal': {
        // A dashed bar joining the two rows at the instant the link changed.
        const cut = e.kind === 'link-cut';
        const y2 = g.y(e.to) ?? y;
        (cut ? marks.cut : marks.heal).moveTo(x, y);
        (cut ? marks.cut : marks.heal).lineTo(x, y2);
        const ends = cut ? marks.cutDots : marks.healDots;
        ends.moveTo(x + 3, y);
        ends.arc(x, y, 3, 0, Math.PI * 2);
        // One way: an arrowhead on the receiving end instead of a dot.
        if (e.oneWay && y2 !== y) drawArrowHead(ends, x, y, x, y2, 7);
        else {
          ends.moveTo(x + 3, y2);
          ends.arc(x, y2, 3, 0, Math.PI * 2);
        }
        break;
      }
      case 'note':
        marks.note.moveTo(x, y - s - 1);
        marks.note.lineTo(x + s + 1, y);
        marks.note.lineTo(x, y + s + 1);
        marks.note.lineTo(x - s - 1, y);
        marks.note.closePath();
        break;
      default:
        marks.other.moveTo(x + 2, y);
        marks.other.arc(x, y, 2, 0, Math.PI * 2);
    }
    hit({ kind: 'pt', x, y, ev: e });
  }

  // Messages still in flight: drawn up to "now", at their progress between the two rows.
  const xNow = g.x(frame.now);
  const inflight = new Map();
  const cols = frame.msgs ?? { count: 0, labels: [] };
  const labelColour = cols.labels.map((l) => colours.index(l));
  for (let i = 0; i < cols.count; i++) {
    const from = cols.from[i];
    const to = cols.to[i];
    const y1 = g.y(from);
    const yt = g.y(to);
    if (y1 === null || yt === null) continue;
    const progress = clamp(cols.progress[i] ?? 0, 0, 1);
    const y2 = y1 + (yt - y1) * progress;
    if (!visible(y1) && !visible(y2)) continue;
    const sentAt = cols.sentAt[i];
    const x1 = g.at ? g.at(from, sentAt) : g.x(sentAt);
    // On local clocks, the head sits between the sender's and the receiver's "now".
    const xHead = g.local ? g.at(from, frame.now) + (g.at(to, frame.now) - g.at(from, frame.now)) * progress : xNow;
    const ci = labelColour[cols.label[i]];
    seg(pathFor(inflight, ci), x1, y1, xHead, y2, ci, 3);
    if (visible(y1)) dot(ci, x1, y1, 2.2);
    if (visible(y2)) dot(ci, xHead, y2, 3);
    // (A hover target only while there is room for more, or for the one under the mouse.)
    if (hits.length < MAX_HITS || hoverKey === `m${cols.id[i]}`) {
      const m = messageAt(cols, i);
      hit({ kind: 'seg', x1, y1, x2: xHead, y2, ev: { kind: 'in flight', node: m.from, t: m.sentAt, ...m } });
    }
  }

  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  // A message the local clocks say arrived before it left: a red halo under its arrow.
  ctx.lineWidth = 7;
  ctx.strokeStyle = t.crash;
  ctx.globalAlpha = 0.33;
  ctx.stroke(backwards);
  ctx.globalAlpha = 1;
  if (dense) {
    for (let i = 0; i < denseDots.length; i += 4) {
      const r = denseDots[i + 3] * 1.6 * dpr;
      pixels.square(denseDots[i + 1] * dpr, denseDots[i + 2] * dpr, Math.max(2, Math.round(r)), dotWords[denseDots[i]]);
    }
    pixels.end(ctx);
  }
  ctx.lineWidth = g.rowH >= 14 ? 1.4 : 1;
  for (const [ci, p] of arrows) {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(p);
  }
  ctx.setLineDash([6, 4]);
  for (const [ci, p] of retryArrows) {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(p);
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 0.45;
  for (const [ci, p] of dupArrows) {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(p);
  }
  // Packets: thin and faint, so that thousands of them read as a band whose slanted edge is
  // the queue draining at the link's bandwidth, not as a solid block.
  ctx.globalAlpha = 0.3;
  ctx.lineWidth = 1;
  ctx.strokeStyle = t.muted;
  ctx.stroke(marks.packets);
  for (const [ci, p] of packetPaths) {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(p);
  }
  ctx.globalAlpha = 0.6;
  ctx.fillStyle = t.muted;
  ctx.fill(marks.packetDots);
  ctx.globalAlpha = 1;
  ctx.lineWidth = g.rowH >= 14 ? 1.4 : 1;
  // In flight: dotted; when dense, faint instead (dashing thousands of lines is slow).
  if (dense) ctx.globalAlpha = 0.45;
  else ctx.setLineDash([2, 4]);
  for (const [ci, p] of inflight) {
    ctx.strokeStyle = t.msg[ci];
    ctx.stroke(p);
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  for (const [ci, p] of dots) {
    ctx.fillStyle = t.msg[ci];
    ctx.fill(p);
  }
  ctx.lineWidth = 2;
  ctx.strokeStyle = t.crash;
  ctx.stroke(lostX);
  ctx.strokeStyle = t.corrupt;
  ctx.stroke(marks.corruptX);
  ctx.lineWidth = 1.5;
  ctx.fillStyle = t.panel;
  ctx.strokeStyle = t.muted;
  ctx.fill(marks.discard);
  ctx.stroke(marks.discard);

  ctx.lineWidth = 1;
  ctx.strokeStyle = t.muted;
  ctx.stroke(marks.tick);
  ctx.fillStyle = t.nodeCrashed;
  ctx.fill(marks.crashDisc);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = t.crash;
  ctx.stroke(marks.crashDisc);
  ctx.lineWidth = 2;
  ctx.stroke(marks.crash);
  ctx.fillStyle = t.recover;
  ctx.fill(marks.recover);
  ctx.fillStyle = t.pause;
  ctx.fill(marks.pause);
  ctx.lineWidth = 2;
  ctx.strokeStyle = t.clock;
  ctx.stroke(marks.clock);
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = t.cut;
  ctx.stroke(marks.cut);
  ctx.strokeStyle = t.recover;
  ctx.stroke(marks.heal);
  ctx.setLineDash([]);
  ctx.fillStyle = t.cut;
  ctx.strokeStyle = t.cut;
  ctx.fill(marks.cutDots);
  ctx.stroke(marks.cutDots);
  ctx.fillStyle = t.recover;
  ctx.strokeStyle = t.recover;
  ctx.fill(marks.healDots);
  ctx.stroke(marks.healDots);
  ctx.fillStyle = t.accent;
  ctx.fill(marks.note);
  ctx.fill(marks.metric);
  ctx.lineWidth = 1.5;
  ctx.setLineDash([2, 2]);
  ctx.strokeStyle = t.crash;
  ctx.stroke(marks.random);
  ctx.setLineDash([]);
  ctx.lineWidth = 2;
  ctx.strokeStyle = t.configured;
  ctx.stroke(marks.linkSet);
  ctx.fillStyle = t.configured;
  ctx.fill(marks.linkSetEnds);
  ctx.fillStyle = t.byz;
  ctx.fill(marks.fault);
  ctx.lineWidth = 2;
  ctx.strokeStyle = t.corrupt;
  ctx.stroke(marks.corrupt);
  ctx.fillStyle = t.muted;
  ctx.fill(marks.other);
  ctx.lineCap = 'butt';

  if (hovered) {
    // The item under the mouse, drawn bold so it's clear which one the tooltip describes.
    const h = hovered;
    ctx.strokeStyle = h.ev.label != null ? colours.colour(h.ev.label, t) : t.accent;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = 3.5;
    ctx.beginPath();
    if (h.kind === 'seg') {
      ctx.moveTo(h.x1, h.y1);
      ctx.lineTo(h.x2, h.y2);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(h.x1, h.y1, 4, 0, Math.PI * 2);
      ctx.arc(h.x2, h.y2, 4, 0, Math.PI * 2);
      ctx.fill();
    } else {
      ctx.lineWidth = 2;
      ctx.arc(h.x, h.y, s + 5, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
  if (g.rowH >= 16 && labels.length < 200) {
    ctx.font = `${t.fontSize * 0.72}px ${t.font}`;
    ctx.fillStyle = t.clock;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    for (const [x, y, text, kind] of labels) {
      ctx.fillStyle = kind === 'fault' ? t.byz : t.clock;
      ctx.fillText(text, x, y);
    }
  }
}
