// Drawing one node of the graph and its label: status as shape and colour (crashed: grey with
// a red ✕; paused: bars and an emptying ring; Byzantine: a dashed outer ring), clock in the label.
import { nodeName, fmtClock, fmtSigned, drawCross, clamp } from './format.js';

export function drawNode(view, ctx, n, p, now, t, selected) {
  const r = view.r;
  const crashed = n.status === 'crashed';
  const paused = n.status === 'paused';
  ctx.beginPath();
  ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
  ctx.fillStyle = crashed ? t.nodeCrashed : t.nodeFill;
  ctx.fill();
  ctx.lineWidth = r < 4 ? 1 : 2;
  ctx.strokeStyle = crashed ? t.crash : paused ? t.pause : n.kind === 'byzantine' ? t.byz : t.nodeStroke;
  ctx.stroke();
  if (n.kind === 'byzantine' && r >= 4) {
    // A second, dashed ring: "this node may lie".
    ctx.save();
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = t.byz;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(p.x, p.y, r + 4, 0, Math.PI * 2);
    ctx.stroke();
    ctx.restore();
  }
  if (crashed && r >= 3) {
    ctx.strokeStyle = t.crash;
    ctx.lineWidth = r < 8 ? 1.5 : 2.5;
    ctx.beginPath();
    drawCross(ctx, p.x, p.y, r * 0.5);
    ctx.stroke();
  }
  if (paused) {
    // Pause bars, and an arc that empties as the pause runs out.
    const start = view.pauseStart.get(n.id) ?? now;
    const until = n.pausedUntil ?? now;
    const frac = until > start ? clamp((until - now) / (until - start), 0, 1) : 1;
    ctx.fillStyle = t.pause;
    if (r >= 6) {
      const bw = r * 0.22;
      ctx.fillRect(p.x - r * 0.38, p.y - r * 0.4, bw, r * 0.8);
      ctx.fillRect(p.x + r * 0.38 - bw, p.y - r * 0.4, bw, r * 0.8);
    }
    ctx.strokeStyle = t.pause;
    ctx.lineWidth = r < 6 ? 1.5 : 3;
    ctx.beginPath();
    ctx.arc(p.x, p.y, r + (r < 6 ? 2 : 4), -Math.PI / 2, -Math.PI / 2 + frac * 2 * Math.PI);
    ctx.stroke();
  }
  if (selected === n.id || (view.hover?.kind === 'node' && view.hover.id === n.id)) {
    ctx.strokeStyle = t.select;
    ctx.lineWidth = selected === n.id ? 3 : 1.5;
    ctx.beginPath();
    ctx.arc(p.x, p.y, r + (paused ? 8 : n.kind === 'byzantine' ? 8 : 5), 0, Math.PI * 2);
    ctx.stroke();
  }
}

export function drawLabel(view, ctx, n, p, now, t, mode, boxed = false) {
  const fs = t.fontSize;
  // The protocol's role for this node (leader, client…), when it names one.
  const name = n.role ? `${nodeName(n.id)} (${n.role})` : nodeName(n.id);
  const off = n.clock - now;
  const line1 = mode === 'name' ? name : `${name} · ${fmtClock(n.clock)}`;
  const offText = mode === 'full' && Math.abs(off) >= 0.5 ? ` (${fmtSigned(off)})` : '';
  const line2 = mode === 'full' && n.summary ? String(n.summary) : '';
  // Outside the ring, pointing away from its centre; under the node on the spiral.
  let ax, ay;
  let align = 'center';
  let base = 'top';
  const gap = view.r + (n.status === 'paused' || n.kind === 'byzantine' ? 9 : 5);
  if (view.ring) {
    const c = Math.cos(p.a);
    const s = Math.sin(p.a);
    ax = p.x + c * gap;
    ay = p.y + s * gap;
    align = c > 0.3 ? 'left' : c < -0.3 ? 'right' : 'center';
    base = s > 0.3 ? 'top' : s < -0.3 ? 'bottom' : 'middle';
  } else {
    ax = p.x;
    ay = p.y + gap;
  }
  const lh = fs * 1.25;
  const lines = line2 ? 2 : 1;
  let y0 = base === 'top' ? ay : base === 'bottom' ? ay - lines * lh : ay - (lines * lh) / 2;
  ctx.font = `600 ${fs}px ${t.font}`;
  const w1 = ctx.measureText(line1).width;
  ctx.font = `${fs}px ${t.font}`;
  const wOff = offText ? ctx.measureText(offText).width : 0;
  ctx.font = `${fs * 0.85}px ${t.font}`;
  const w2 = line2 ? ctx.measureText(line2).width : 0;
  const width = Math.max(w1 + wOff, w2);
  let x0 = align === 'left' ? ax : align === 'right' ? ax - width : ax - width / 2;
  x0 = clamp(x0, 4, Math.max(4, view.w - width - 4));
  y0 = clamp(y0, 2, Math.max(2, view.h - lines * lh - 2));
  if (boxed) {
    ctx.fillStyle = t.panel;
    ctx.globalAlpha = 0.9;
    ctx.fillRect(x0 - 4, y0 - 2, width + 8, lines * lh + 4);
    ctx.globalAlpha = 1;
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.font = `600 ${fs}px ${t.font}`;
  ctx.fillStyle = n.status === 'crashed' ? t.muted : t.fg;
  ctx.fillText(line1, x0, y0);
  if (offText) {
    ctx.font = `${fs}px ${t.font}`;
    ctx.fillStyle = t.clock;
    ctx.fillText(offText, x0 + w1, y0);
  }
  if (line2) {
    ctx.font = `${fs * 0.85}px ${t.font}`;
    ctx.fillStyle = t.muted;
    ctx.fillText(line2, x0, y0 + lh + 1);
  }
}
