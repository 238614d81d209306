// Per-phase frame timing: rolling means (ms) over the last ~60 frames of each phase of the
// animation loop, read as window.dsviz.perf (the bench prints them). Cheap: one
// performance.now() per phase boundary and a fixed ring per phase.
const WINDOW = 60;

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
    for (const p of this.phases) {
      this.add(p, this.cur[p]);
      this.cur[p] = 0;
    }
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

  /** { phase: mean ms } over the frames seen so far (at most the last 60). */
  means() {
    const out = {};
    for (const p of this.phases) out[p] = this.counts[p] ? Math.round((this.sums[p] / this.counts[p]) * 100) / 100 : 0;
    return out;
  }
}
