// Each node's time-of-day clock as a function of true (simulated) time, rebuilt from the trace:
// every event carries its node's clock reading (`clock`, ms), so the readings are samples of a
// piecewise-linear function whose corners are the clock events themselves (a step, a new drift,
// a slew). Samples on a straight stretch are merged, so memory grows with clock changes, not
// with events. The timeline's local-time view asks it where a node's clock stood at an instant.

const TOL_MS = 1e-3; // samples within a microsecond of the line through the previous two merge
const MAX_SAMPLES = 20_000; // per node; the oldest go first

export class ClockMap {
  constructor() {
    this.reset();
  }

  reset() {
    this.nodes = new Map(); // id -> { t: number[], c: number[] }
    this.live = new Map(); // id -> clock reading at `now`
    this.now = 0;
    this.maxAhead = 0; // largest clock − t seen (ms): how far a clock has run ahead of true time
    this.minAhead = 0; // smallest (most negative): how far behind
  }

  ingest(frame) {
    if (!frame) return;
    if (frame.reset) this.reset();
    for (const e of frame.events ?? []) {
      if (e.clock == null || e.node == null) continue;
      // A step is a corner with two readings at one instant: before it and after it.
      if (e.kind === 'clock-step') this.add(e.node, e.t, e.clock - (e.deltaMs ?? 0));
      this.add(e.node, e.t, e.clock);
    }
    this.now = frame.now;
    for (const n of frame.nodes) {
      this.live.set(n.id, n.clock);
      this.bound(n.clock - frame.now);
    }
  }

  bound(ahead) {
    if (ahead > this.maxAhead) this.maxAhead = ahead;
    if (ahead < this.minAhead) this.minAhead = ahead;
  }

  add(id, t, c) {
    let s = this.nodes.get(id);
    if (!s) this.nodes.set(id, (s = { t: [], c: [] }));
    const n = s.t.length;
    this.bound(c - t);
    if (n && s.t[n - 1] === t && s.c[n - 1] === c) return;
    if (n >= 2 && s.t[n - 1] > s.t[n - 2] && t > s.t[n - 1]) {
      const slope = (s.c[n - 1] - s.c[n - 2]) / (s.t[n - 1] - s.t[n - 2]);
      if (Math.abs(s.c[n - 1] + (t - s.t[n - 1]) * slope - c) < TOL_MS) {
        s.t[n - 1] = t;
        s.c[n - 1] = c;
        return;
      }
    }
    s.t.push(t);
    s.c.push(c);
    if (s.t.length > MAX_SAMPLES) {
      s.t.splice(0, 1000);
      s.c.splice(0, 1000);
    }
  }

  /** Node `id`'s clock reading at true time `t` (ms); true time itself if nothing is known. */
  at(id, t) {
    const s = this.nodes.get(id);
    const live = this.live.get(id);
    if (!s || !s.t.length) return live == null ? t : live + (t - this.now);
    const T = s.t;
    const C = s.c;
    const n = T.length;
    if (t < T[0]) return C[0] + (t - T[0]);
    if (t >= T[n - 1]) {
      // Past the last corner: towards the live reading, or on at the last known rate.
      if (live != null && this.now > T[n - 1]) return C[n - 1] + ((t - T[n - 1]) * (live - C[n - 1])) / (this.now - T[n - 1]);
      if (n >= 2 && T[n - 1] > T[n - 2]) return C[n - 1] + ((t - T[n - 1]) * (C[n - 1] - C[n - 2])) / (T[n - 1] - T[n - 2]);
      return C[n - 1] + (t - T[n - 1]);
    }
    // The last sample at or before t (after a step, the reading after it).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (T[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    const t0 = T[lo];
    const t1 = T[lo + 1];
    return t1 > t0 ? C[lo] + ((t - t0) * (C[lo + 1] - C[lo])) / (t1 - t0) : C[lo];
  }

  /** The latest clock reading of any node: "now" on the local-time axis. */
  maxNow(frame) {
    let m = -Infinity;
    for (const n of frame.nodes) if (n.clock > m) m = n.clock;
    return Number.isFinite(m) ? m : frame.now;
  }
}
