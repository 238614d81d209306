// What the graph draws beyond nodes and messages: the partition in force (each group shaded),
// the partition tool's draft groups, links with their own settings, and the tool's drag box.
import { groupColour, groupName, convexHull, insideConvex, clamp, mixHex } from './format.js';

/** Shaded groups while a partition is in force: a rounded hull per group, and a halo per node. */
export function drawPartition(view, ctx, frame, t) {
  const part = frame.partition;
  if (!Array.isArray(part)) return;
  const groups = new Map();
  frame.nodes.forEach((n, i) => {
    const g = part[n.id] ?? 0;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push({ ...view.pos[i], id: n.id });
  });
  const pad = view.r + clamp(view.r * 0.8, 6, 16);
  ctx.save();
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  for (const [g, pts] of groups) {
    const colour = groupColour(g, t);
    const hull = convexHull(pts);
    // A hull that would swallow another group's node says the wrong thing: halos only then.
    const others = frame.nodes.some((n, i) => (part[n.id] ?? 0) !== g && insideConvex(hull, view.pos[i].x, view.pos[i].y, -view.r * 1.5));
    // Opaque tints, pre-blended with the background: a translucent hull would come out darker
    // where its rounded outline overlaps its fill.
    const hullTint = mixHex(colour, t.panel, 0.14);
    const haloTint = mixHex(colour, t.panel, 0.32);
    if (!others && view.ring) {
      ctx.globalAlpha = hullTint ? 1 : 0.13;
      ctx.fillStyle = ctx.strokeStyle = hullTint ?? colour;
      ctx.lineWidth = 2 * pad;
      ctx.beginPath();
      hull.forEach((p, k) => (k ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.closePath();
      ctx.stroke();
      ctx.fill();
    }
    ctx.globalAlpha = haloTint ? 1 : 0.28;
    ctx.fillStyle = haloTint ?? colour;
    ctx.beginPath();
    for (const p of pts) {
      ctx.moveTo(p.x + view.r + 6, p.y);
      ctx.arc(p.x, p.y, view.r + 6, 0, Math.PI * 2);
    }
    ctx.fill();
  }
  ctx.restore();
}

/** The partition tool's draft: a thick ring in the group colour round each node, and its letter. */
export function drawDraft(view, ctx, frame, tool, t) {
  if (!tool?.active) return;
  ctx.save();
  const fs = t.fontSize;
  ctx.font = `700 ${Math.max(9, Math.min(fs * 0.85, view.r))}px ${t.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  frame.nodes.forEach((n, i) => {
    const g = tool.draft.get(n.id) ?? 0;
    const p = view.pos[i];
    const colour = groupColour(g, t);
    ctx.strokeStyle = colour;
    ctx.lineWidth = view.r < 5 ? 2 : 4;
    ctx.beginPath();
    ctx.arc(p.x, p.y, view.r + (view.r < 5 ? 2 : 5), 0, Math.PI * 2);
    ctx.stroke();
    if (view.r >= 8) {
      ctx.fillStyle = colour;
      ctx.fillText(groupName(g), p.x, p.y);
    }
  });
  ctx.restore();
}

/** Links with their own settings (set in the link editor): a solid, tinted line with a dot. */
export function drawConfiguredLinks(view, ctx, frame, t) {
  const pairs = new Map();
  const part = Array.isArray(frame.partition) ? frame.partition : null;
  for (const l of frame.links) {
    if (!l.config || l.up === false || (part && part[l.from] !== part[l.to])) continue;
    const k = l.from < l.to ? `${l.from}|${l.to}` : `${l.to}|${l.from}`;
    const e = pairs.get(k) ?? { a: l.from, b: l.to, n: 0, lossy: false };
    e.n++;
    e.lossy ||= l.config.loss >= 1;
    pairs.set(k, e);
  }
  if (!pairs.size) return;
  ctx.save();
  ctx.strokeStyle = t.configured;
  ctx.fillStyle = t.configured;
  for (const { a, b, n, lossy } of pairs.values()) {
    const pa = view.posOf(a);
    const pb = view.posOf(b);
    if (!pa || !pb || pa === pb) continue;
    ctx.globalAlpha = 0.75;
    ctx.lineWidth = 2.5;
    // One direction only: dashed, so "this side is different" shows without reading a tooltip.
    ctx.setLineDash(n >= 2 ? [] : [2, 4]);
    if (lossy) ctx.setLineDash([1, 5]);
    ctx.beginPath();
    ctx.moveTo(pa.x, pa.y);
    ctx.lineTo(pb.x, pb.y);
    ctx.stroke();
    ctx.setLineDash([]);
    const mx = (pa.x + pb.x) / 2;
    const my = (pa.y + pb.y) / 2;
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.rect(mx - 4, my - 4, 8, 8);
    ctx.fill();
  }
  ctx.restore();
}

export function drawDragBox(ctx, box, t) {
  if (!box) return;
  const x = Math.min(box.x0, box.x1);
  const y = Math.min(box.y0, box.y1);
  ctx.save();
  ctx.fillStyle = t.select;
  ctx.globalAlpha = 0.08;
  ctx.fillRect(x, y, Math.abs(box.x1 - box.x0), Math.abs(box.y1 - box.y0));
  ctx.globalAlpha = 0.8;
  ctx.strokeStyle = t.select;
  ctx.setLineDash([5, 4]);
  ctx.strokeRect(x + 0.5, y + 0.5, Math.abs(box.x1 - box.x0), Math.abs(box.y1 - box.y0));
  ctx.restore();
}

/** Node ids whose centres lie inside the drag box. */
export function nodesInBox(view, frame, box) {
  const x0 = Math.min(box.x0, box.x1);
  const x1 = Math.max(box.x0, box.x1);
  const y0 = Math.min(box.y0, box.y1);
  const y1 = Math.max(box.y0, box.y1);
  return frame.nodes.filter((n, i) => {
    const p = view.pos[i];
    return p && p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1;
  }).map((n) => n.id);
}

/** Packets waiting to go onto a link (frame.queues, when the core sends it): a short stack of
 *  squares at the sender's end of the link and a count, so congestion shows before it arrives. */
export function drawQueues(view, ctx, frame, t) {
  if (!Array.isArray(frame.queues) || !view.ring) return;
  ctx.save();
  ctx.font = `${t.fontSize * 0.75}px ${t.font}`;
  ctx.textBaseline = 'middle';
  for (const q of frame.queues) {
    if (!(q.packets > 0)) continue;
    const a = view.posOf(q.from);
    const b = view.posOf(q.to);
    if (!a || !b || a === b) continue;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    const lane = clamp(view.r * 0.3, 2, 5) + 7; // beside the messages' own lane
    const n = Math.min(q.packets, 6);
    ctx.fillStyle = t.muted;
    for (let i = 0; i < n; i++) {
      const d = view.r + 6 + i * 6;
      ctx.fillRect(a.x + ux * d - uy * lane - 2, a.y + uy * d + ux * lane - 2, 4, 4);
    }
    const d = view.r + 6 + n * 6 + 4;
    ctx.fillStyle = t.fg;
    ctx.textAlign = ux >= 0 ? 'left' : 'right';
    ctx.fillText(`${q.packets} queued`, a.x + ux * d - uy * (lane + 8), a.y + uy * d + ux * (lane + 8));
  }
  ctx.restore();
}
