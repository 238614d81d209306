// The browser's bounded memory of recent trace events, built only from frame().events.
// The timeline draws from it; crashed and paused intervals are kept beside it so a long
// crash stays grey even after the event that started it has scrolled out of the buffer.

export const MAX_EVENTS = 50_000;
const SLACK = 5_000; // trim in chunks: splicing a 50k array every frame would be wasteful

export class TraceBuffer {
  constructor(max = MAX_EVENTS) {
    this.max = max;
    this.reset();
  }

  reset() {
    this.events = [];
    this.dropped = 0; // events we let go of (oldest first)
    this.skipped = 0; // events the simulator did not send us (per-frame cap)
    this.lastSkipAt = -Infinity;
    this.oldestT = 0; // earliest time we still hold events for
    this.crashed = new Map(); // id -> [{start, end|null}]
    this.paused = new Map(); // id -> [{start, end|null, until}]
  }

  ingest(frame) {
    for (const ev of frame.events ?? []) {
      this.events.push(ev);
      this.track(ev);
    }
    if (frame.eventsSkipped > 0) {
      this.skipped += frame.eventsSkipped;
      this.lastSkipAt = performance.now();
    }
    // Fallback from node states: a node that starts crashed, or whose event was skipped.
    for (const n of frame.nodes) {
      const c = open(this.crashed, n.id);
      if (n.status === 'crashed' && !c) push(this.crashed, n.id, { start: frame.now, end: null });
      if (n.status !== 'crashed' && c) c.end = frame.now;
      const p = open(this.paused, n.id);
      if (n.status === 'paused' && !p) push(this.paused, n.id, { start: frame.now, end: null, until: n.pausedUntil });
      if (n.status !== 'paused' && p) p.end = Math.min(frame.now, p.until ?? frame.now);
    }
    if (this.events.length > this.max + SLACK) this.trim();
  }

  track(ev) {
    switch (ev.kind) {
      case 'crash': {
        if (!open(this.crashed, ev.node)) push(this.crashed, ev.node, { start: ev.t, end: null });
        const p = open(this.paused, ev.node);
        if (p) p.end = ev.t;
        break;
      }
      case 'recover': {
        const c = open(this.crashed, ev.node);
        if (c) c.end = ev.t;
        break;
      }
      case 'pause': {
        const p = open(this.paused, ev.node);
        if (p) p.end = ev.t;
        push(this.paused, ev.node, { start: ev.t, end: null, until: ev.until });
        break;
      }
      case 'resume': {
        const p = open(this.paused, ev.node);
        if (p) p.end = ev.t;
        break;
      }
      default:
    }
  }

  trim() {
    const drop = this.events.length - this.max;
    this.events.splice(0, drop);
    this.dropped += drop;
    this.oldestT = this.events.length ? this.events[0].t : this.oldestT;
    for (const map of [this.crashed, this.paused]) {
      for (const [id, list] of map) {
        const keep = list.filter((iv) => iv.end === null || iv.end >= this.oldestT);
        if (keep.length) map.set(id, keep);
        else map.delete(id);
      }
    }
  }

  /** Index of the first event with t >= time (events arrive in time order). */
  indexAt(time) {
    const ev = this.events;
    let lo = 0;
    let hi = ev.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ev[mid].t < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function open(map, id) {
  const list = map.get(id);
  const last = list?.[list.length - 1];
  return last && last.end === null ? last : null;
}

function push(map, id, iv) {
  const list = map.get(id);
  if (list) list.push(iv);
  else map.set(id, [iv]);
}
