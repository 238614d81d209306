// The browser's bounded memory of recent trace events, built only from frame().events.
// The timeline draws from it; crashed and paused intervals are kept beside it so a long
// crash stays grey even after the event that started it has scrolled out of the buffer.
// Partitions are kept the same way, and the sends that were retransmissions are remembered so
// their arrows (which start from deliver / lost / discard events) can be drawn dashed.

export const MAX_EVENTS = 50_000;
const SLACK = 5_000; // trim in chunks: splicing a 50k array every frame would be wasteful
const MAX_RETRIES = 20_000;

/** Identity of one send attempt: a retransmission reuses its message id, at a later time. */
export const sendKey = (from, msg, sentAt) => `${from}:${msg}:${sentAt}`;

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
    this.partitions = []; // [{start, end|null, groups}]
    this.retries = new Set(); // sendKey of every retransmission still remembered
    this.labels = new Map(); // "from:msg" -> label, for messages sent as several packets
  }

  labelOf(from, msg) {
    return this.labels.get(`${from}:${msg}`);
  }

  isRetry(from, msg, sentAt) {
    return this.retries.size > 0 && this.retries.has(sendKey(from, msg, sentAt));
  }

  ingest(frame) {
    // After a seek or an undo the frame carries the history up to now: start again from it.
    if (frame.reset) this.reset();
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
    const part = this.partitions[this.partitions.length - 1];
    const openPart = part && part.end === null ? part : null;
    if (Array.isArray(frame.partition) && !openPart) this.partitions.push({ start: frame.now, end: null, groups: frame.partition });
    if (!Array.isArray(frame.partition) && openPart) openPart.end = frame.now;
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
      case 'send':
        // Packets don't carry their message's label; remember it for messages split into packets.
        if (ev.packets > 1) {
          this.labels.set(`${ev.node}:${ev.msg}`, ev.label);
          if (this.labels.size > MAX_RETRIES) this.labels.delete(this.labels.keys().next().value);
        }
        if (ev.attempt > 0) {
          this.retries.add(sendKey(ev.node, ev.msg, ev.t));
          if (this.retries.size > MAX_RETRIES) this.retries.delete(this.retries.values().next().value);
        }
        break;
      case 'partition':
      case 'partition-heal': {
        const last = this.partitions[this.partitions.length - 1];
        if (last && last.end === null) last.end = ev.t;
        if (ev.kind === 'partition') this.partitions.push({ start: ev.t, end: null, groups: ev.groups });
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
    this.partitions = this.partitions.filter((iv) => iv.end === null || iv.end >= this.oldestT);
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
