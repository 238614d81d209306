// Per-phase frame timing: rolling means (ms) over the last ~60 frames of each phase of the
// animation loop, read as window.dsviz.perf (the bench prints them). Cheap: one
// performance.now() per phase boundary and a fixed ring per phase.
const WINDOW = 60;
const FRAMES = 600; // per-frame totals kept for percentiles

export class FramePerf {
  constructor(phases) {
    this.phases = phases;
    this.rings = Object.fromEntries(phases.map((p) => [p, new Float64Array(WINDOW)]));
    this.sums = Object.fromEntries(phases.map((p) => [p, 0]));
    this.counts = Object.fromEntries(phases.map((p) => [p, 0]));
    this.pos = Object.fromEntries(phases.map((p) => [p, 0]));
    this.cur = Object.fromEntries(phases.map((p) => [p, 0]));
    this.t = 0;
    this.open = false;
    this.totals = new Float64Array(FRAMES);
    this.frames = 0;
  }

  /** A new frame: commits the last one's phases and starts the clock. */
  start() {
    if (this.open) this.end();
    this.open = true;
    this.t = performance.now();
  }

  /** Ends `phase` (adds the time since the last start/lap) and starts the next. */
  lap(phase) {
    const now = performance.now();
    if (phase in this.cur) this.cur[phase] += now - this.t;
    this.t = now;
  }

  /** Commits the frame's phase times to the rolling means. */
  end() {
    this.open = false;
    let total = 0;
    for (const p of this.phases) {
      total += this.cur[p];
      this.add(p, this.cur[p]);
      this.cur[p] = 0;
    }
    this.totals[this.frames++ % FRAMES] = total;
  }

  add(phase, ms) {
    const ring = this.rings[phase];
    if (!ring) return;
    const i = this.pos[phase];
    this.sums[phase] += ms - ring[i];
    ring[i] = ms;
    this.pos[phase] = (i + 1) % WINDOW;
    if (this.counts[phase] < WINDOW) this.counts[phase]++;
  }

  /** { p50, p95, max, frames }: the script's work per frame (every phase) over the last `last`
   *  frames (at most 600). */
  frameWork(last = FRAMES) {
    const n = Math.min(this.frames, FRAMES, last);
    const sorted = [];
    for (let k = 1; k <= n; k++) sorted.push(this.totals[(this.frames - k) % FRAMES]);
    sorted.sort((a, b) => a - b);
    const at = (q) => (n ? sorted[Math.min(n - 1, Math.floor(q * n))] : 0);
    return { p50: at(0.5), p95: at(0.95), max: n ? sorted[n - 1] : 0, frames: n };
  }

  /** { phase: mean ms } over the frames seen so far (at most the last 60). */
  means() {
    const out = {};
    for (const p of this.phases) out[p] = this.counts[p] ? Math.round((this.sums[p] / this.counts[p]) * 100) / 100 : 0;
    return out;
  }
}
