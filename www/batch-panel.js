// Batch mode: N seeded runs of the current scenario, parameters and seed, without animation, and
// a histogram of their outcomes beside what theory expects (expected × N, with a ±2σ whisker).
// The core's Simulation.batch is a pure function of (scenario, params, first seed, runs), so the
// page calls it in chunks — about CHUNK_MS of work per animation frame, the chunk size adapted to
// the time measured — and adds the counts: the page keeps answering clicks, Cancel works, and the
// total equals one big call.
import { el } from './controls.js';
import { fmtInt } from './format.js';

const CHUNK_MS = 8;
const FIRST_CHUNK = 10; // the first call also warms the code up
const MAX_CHUNK = 200_000;
const DEFAULT_RUNS = 10_000;
const MAX_RUNS = 1_000_000;

/** Outcomes known to be counted on top of the others (a run may have them besides its ending). */
const OVERLAPPING = new Set(['none-arrived']);

/**
 * The outcomes that split the runs between them (each run has exactly one) and the ones counted
 * besides: the longest prefix whose expectations add up to 1 and whose counts add up to the runs
 * done (either check skipped when it cannot be made), less the outcomes known to overlap.
 */
export function splitOutcomes(outcomes, runs) {
  let p = 0;
  let c = 0;
  let k = -1;
  for (let i = 0; i < outcomes.length; i++) {
    p += outcomes[i].expected ?? NaN;
    c += outcomes[i].count ?? 0;
    const pOk = Number.isNaN(p) || Math.abs(p - 1) < 1e-9;
    const cOk = !(runs > 0) || c === runs;
    if (pOk && cOk && (runs > 0 || !Number.isNaN(p))) k = i;
  }
  const main = k < 0 ? outcomes : outcomes.slice(0, k + 1);
  const extra = k < 0 ? [] : outcomes.slice(k + 1);
  return [main.filter((o) => !OVERLAPPING.has(o.name)), [...main.filter((o) => OVERLAPPING.has(o.name)), ...extra]];
}

const seedPlus = (seed, n) => (typeof seed === 'bigint' ? seed + BigInt(n) : seed + n > Number.MAX_SAFE_INTEGER ? BigInt(seed) + BigInt(n) : seed + n);
const pct = (x) => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

export class BatchPanel {
  /** `run(scenarioId, params, firstSeed, runs)` is Simulation.batch; `ids` the scenarios offering it. */
  constructor(app, { ids, run, anchor }) {
    this.app = app;
    this.ids = new Set(ids ?? []);
    this.runBatch = run;
    this.job = null;
    this.result = null; // { scenario, params, firstSeed, runs, done, outcomes, ms, cancelled }
    this.build(anchor);
  }

  get running() {
    return this.job !== null;
  }

  build(anchor) {
    this.runs = el('input', { type: 'number', name: 'batch-runs', min: '1', max: String(MAX_RUNS), step: '1', value: String(DEFAULT_RUNS), 'aria-label': 'number of runs' });
    this.btnRun = el('button', { type: 'button', class: 'primary', text: 'Run', title: 'Run the batch with the current parameters, seeds from the current seed on' });
    this.btnCancel = el('button', { type: 'button', text: 'Cancel', hidden: true });
    this.bar = el('progress', { max: '1', value: '0', 'aria-label': 'batch progress' });
    this.progressText = el('span', { class: 'batch-progress-text muted' });
    this.hist = el('div', { class: 'batch-hist', role: 'list' });
    this.note = el('p', { class: 'batch-note muted' });
    this.btnRun.addEventListener('click', () => this.start());
    this.btnCancel.addEventListener('click', () => this.cancel());
    this.runs.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.start();
    });
    this.box = el('details', { class: 'batch', id: 'batch-panel', open: true, hidden: true },
      el('summary', { class: 'caps', text: 'Batch · many runs' }),
      el('p', { class: 'explain', text: 'Run many seeds of this scenario with the parameters above, without animation, and count how the runs end, beside what theory predicts.' }),
      el('div', { class: 'batch-row' }, el('label', { text: 'Runs', for: 'batch-runs' }), this.runs, this.btnRun),
      el('div', { class: 'batch-row' }, this.bar, this.progressText, this.btnCancel),
      this.hist, this.note);
    this.runs.id = 'batch-runs';
    anchor.after(this.box);
  }

  /** Called when the scenario, its parameters or the seed change. */
  setScenario(id) {
    if (this.result && this.result.scenario !== id) this.clear();
    if (this.job && !this.sameInputs(this.job)) this.cancel('the scenario or its parameters changed');
    this.box.hidden = !this.ids.has(id);
    // A histogram of other parameters or another seed stays, but says so.
    const stale = Boolean(this.result && !this.job && !this.sameInputs(this.result));
    this.hist.classList.toggle('stale', stale);
    if (stale) this.note.textContent = 'These counts are for the parameters or seed before the last change: run again to compare.';
  }

  clear() {
    this.result = null;
    this.hist.replaceChildren();
    this.note.textContent = '';
    this.bar.value = 0;
    this.progressText.textContent = '';
  }

  sameInputs(job) {
    const a = this.app;
    return job.scenario === a.scenarioId && JSON.stringify(job.params) === JSON.stringify(a.params) && String(job.firstSeed) === String(a.seed);
  }

  start() {
    if (this.job) return;
    const n = this.runs.valueAsNumber;
    if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS) {
      this.app.error?.(`Runs: a whole number from 1 to ${fmtInt(MAX_RUNS)}.`);
      return;
    }
    const a = this.app;
    const job = { scenario: a.scenarioId, params: { ...a.params }, firstSeed: a.seed, runs: n, done: 0, chunk: FIRST_CHUNK, outcomes: null, ms: 0, started: performance.now() };
    this.job = job;
    this.result = job;
    this.btnRun.disabled = true;
    this.btnCancel.hidden = false;
    this.note.textContent = '';
    this.hist.classList.remove('stale');
    this.draw();
    this.later(job);
  }

  /**
   * The next chunk: once per frame, as a task of its own after the frame is drawn (not inside the
   * frame's callback), so clicks waiting in the queue are handled before it, not after both.
   */
  later(job) {
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => this.step(job);
      ch.port2.postMessage(null);
    });
  }

  cancel(why = 'cancelled') {
    if (!this.job) return;
    this.job.cancelled = why;
    this.finish();
  }

  finish() {
    this.job = null;
    this.btnRun.disabled = false;
    this.btnCancel.hidden = true;
    this.draw();
  }

  /** One chunk of about CHUNK_MS, then yield to the page until the next frame. */
  step(job) {
    if (this.job !== job) return;
    if (!this.sameInputs(job)) return this.cancel('the scenario or its parameters changed');
    const n = Math.min(job.chunk, job.runs - job.done);
    const t0 = performance.now();
    let r;
    try {
      r = this.runBatch(job.scenario, job.params, seedPlus(job.firstSeed, job.done), n);
    } catch (e) {
      this.app.error?.(e?.message ?? String(e));
      return this.cancel('stopped by an error');
    }
    const dt = performance.now() - t0;
    job.ms += dt;
    if (!job.outcomes) job.outcomes = r.outcomes.map((o) => ({ ...o, count: 0 }));
    r.outcomes.forEach((o, i) => (job.outcomes[i].count += o.count));
    job.done += n;
    // Aim the next chunk at CHUNK_MS of work, from this one's measured rate (never jump tenfold).
    const rate = n / Math.max(dt, 0.05);
    job.chunk = Math.max(1, Math.min(MAX_CHUNK, job.chunk * 10, Math.round(rate * CHUNK_MS)));
    if (job.done >= job.runs) return this.finish();
    this.draw();
    this.later(job);
  }

  // ------------------------------------------------------------------ drawing

  draw() {
    const r = this.result;
    if (!r) return;
    this.bar.max = r.runs;
    this.bar.value = r.done;
    const secs = ((performance.now() - r.started) / 1000).toFixed(1);
    this.progressText.textContent = `${fmtInt(r.done)} of ${fmtInt(r.runs)} runs${this.job ? '' : ` · ${secs} s`}`;
    if (!this.job) {
      this.note.textContent = r.cancelled
        ? `Stopped (${r.cancelled}) after ${fmtInt(r.done)} runs.`
        : `Seeds ${r.firstSeed} to ${seedPlus(r.firstSeed, r.runs - 1)}; bars: runs counted; tick: theory × runs, whisker ±2σ.`;
    }
    if (!r.outcomes) return;
    const [main, extra] = splitOutcomes(r.outcomes, r.done);
    const rows = main.map((o) => this.row(o, r.done, false));
    if (extra.length) {
      rows.push(el('div', { class: 'batch-sub caps', text: 'counted besides (overlaps the above)' }));
      rows.push(...extra.map((o) => this.row(o, r.done, true)));
    }
    this.hist.replaceChildren(...rows);
  }

  row(o, n, extra) {
    const frac = n ? o.count / n : 0;
    const bar = el('div', { class: 'bar' });
    bar.style.width = `${100 * frac}%`;
    const track = el('div', { class: 'track' }, bar);
    let theory = 'theory: —';
    if (o.expected != null && n > 0) {
      const p = o.expected;
      const sd = Math.sqrt(n * p * (1 - p));
      const lo = Math.max(0, p - (2 * sd) / n);
      const hi = Math.min(1, p + (2 * sd) / n);
      const whisker = el('div', { class: 'whisker', title: `±2σ: ${fmtInt(Math.round(n * lo))} – ${fmtInt(Math.round(n * hi))}` });
      whisker.style.left = `${100 * lo}%`;
      whisker.style.width = `${100 * (hi - lo)}%`;
      const tick = el('div', { class: 'expect' });
      tick.style.left = `${100 * p}%`;
      track.append(whisker, tick);
      const off = sd > 0 ? Math.abs(o.count - n * p) / sd : o.count === n * p ? 0 : Infinity;
      theory = `theory ${pct(p)} ≈ ${fmtInt(Math.round(n * p))}${off > 3 && n >= 100 ? ' · off by > 3σ' : ''}`;
    }
    const disaster = /disaster/i.test(o.label);
    return el('div', { class: `batch-bar${extra ? ' extra' : ''}${disaster ? ' disaster' : ''}`, role: 'listitem', 'data-outcome': o.name },
      el('div', { class: 'label' }, el('span', { text: o.label }), el('b', { text: `${fmtInt(o.count)} · ${pct(frac)}` })),
      track,
      el('div', { class: 'theory muted', text: theory }));
  }
}
