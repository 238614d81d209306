// Timeline marks that span every row: GST (partially synchronous timing) as a vertical line with
// the unbounded stretch before it tinted, and partitions — a line where each began and healed,
// and a strip under each node's line in its group's colour for as long as it lasted.
import { groupColour, groupName } from './format.js';

/** The tint before GST (drawn under everything). */
export function drawGstBackground(ctx, g, t, frame) {
  const tm = frame.timing;
  if (tm?.model !== 'partially-synchronous' || !(tm.gst > g.start)) return;
  const x = Math.min(g.x(tm.gst), g.plotR + 14);
  ctx.save();
  ctx.fillStyle = t.gst;
  ctx.globalAlpha = 0.05;
  ctx.fillRect(g.plotL, g.top, x - g.plotL, g.h - g.top);
  ctx.restore();
}

/** The GST line and its label, drawn over the marks. */
export function drawGstLine(ctx, g, t, frame, hits) {
  const tm = frame.timing;
  if (tm?.model !== 'partially-synchronous') return;
  const x = g.x(tm.gst);
  if (x < g.plotL || x > g.plotR + 14) return;
  ctx.save();
  ctx.strokeStyle = t.gst;
  ctx.lineWidth = 2;
  ctx.setLineDash([8, 4]);
  ctx.beginPath();
  ctx.moveTo(x, g.top);
  ctx.lineTo(x, g.h);
  ctx.stroke();
  ctx.setLineDash([]);
  label(ctx, t, x, g.top + 2, frame.now < tm.gst ? 'GST: delays bounded from here' : 'GST', t.gst);
  ctx.restore();
  hits.push({ kind: 'seg', x1: x, y1: g.top, x2: x, y2: g.h, ev: { kind: 'gst', t: tm.gst, bound: tm.bound } });
}

/** Partitions in the window: group strips under the node lines, start and heal lines. */
export function drawPartitions(ctx, g, t, frame, trace, hits, firstRow, lastRow) {
  const parts = trace.partitions;
  if (!parts.length) return;
  ctx.save();
  const strip = Math.max(2, Math.min(6, g.rowH * 0.12));
  for (const iv of parts) {
    const end = iv.end ?? frame.now;
    if (!g.local && (end < g.start || iv.start > g.end)) continue;
    ctx.globalAlpha = 0.7;
    for (let i = firstRow; i <= lastRow; i++) {
      const id = frame.nodes[i].id;
      // On local clocks each row has its own start and end (g.at: x of a node at a true instant).
      const x1 = Math.max(g.at ? g.at(id, iv.start) : g.x(iv.start), g.plotL);
      const x2 = Math.min(g.at ? g.at(id, end) : g.x(end), g.plotR + 14);
      if (x2 < x1) continue;
      ctx.fillStyle = groupColour(iv.groups?.[id] ?? 0, t);
      const y = g.yRow(i) + Math.max(3, g.rowH * 0.18);
      ctx.fillRect(x1, y, x2 - x1, strip);
    }
    ctx.globalAlpha = 1;
    if (g.local) continue; // a partition's start and heal are instants of true time: no line across clocks
    const edges = [[iv.start, t.cut, `partition ${describeGroups(iv.groups)}`, { kind: 'partition', t: iv.start, groups: iv.groups }]];
    if (iv.end !== null) edges.push([iv.end, t.recover, 'healed', { kind: 'partition-heal', t: iv.end }]);
    for (const [at, colour, text, ev] of edges) {
      const x = g.x(at);
      if (x < g.plotL || x > g.plotR + 14) continue;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, g.top);
      ctx.lineTo(x, g.h);
      ctx.stroke();
      ctx.setLineDash([]);
      label(ctx, t, x, g.top + 2, text, colour);
      hits.push({ kind: 'seg', x1: x, y1: g.top, x2: x, y2: g.h, ev });
    }
  }
  ctx.restore();
}

/** "A{n0,n1} | B{n2,n3,n4}", short for few nodes, sizes only for many. */
export function describeGroups(groups) {
  if (!Array.isArray(groups)) return '';
  const by = new Map();
  groups.forEach((g, id) => {
    if (!by.has(g)) by.set(g, []);
    by.get(g).push(id);
  });
  const few = groups.length <= 8;
  return [...by].sort((a, b) => a[0] - b[0])
    .map(([g, ids]) => (few ? `${groupName(g)}{${ids.map((i) => `n${i}`).join(',')}}` : `${groupName(g)}: ${ids.length}`)).join(' | ');
}

function label(ctx, t, x, y, text, colour) {
  ctx.font = `600 ${t.fontSize * 0.72}px ${t.font}`;
  const w = ctx.measureText(text).width;
  ctx.fillStyle = t.panel;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(x + 3, y, w + 6, t.fontSize * 0.95);
  ctx.globalAlpha = 1;
  ctx.fillStyle = colour;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(text, x + 6, y + 1);
}
