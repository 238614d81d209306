// Time travel: the Replay bar under the timeline (the whole run so far, 0 … the latest instant
// reached on this branch), step back (←), undo (Ctrl/Cmd+Z), Home / End, and the note that says
// acting now starts a new branch. The simulator does the exact work (snapshots + replay); here
// we only decide what to ask for and say what happened.
import { fmtClock, fmtDuration, fmtSigned, fmtValue, nodeName } from './format.js';
import { isTyping } from './controls.js';

const $ = (id) => document.getElementById(id);
const EPS = 1e-6; // ms

/** One entry of the simulator's action log (`{ atMs, action, args }`, args flat numbers) in words. */
export function describeRecord(action, args = []) {
  const [a, b, c] = args;
  const dir = c ? '→' : '↔';
  switch (action) {
    case 'crashNode': return `crash ${nodeName(a)}`;
    case 'recoverNode': return `recover ${nodeName(a)}`;
    case 'pauseNode': return `pause ${nodeName(a)} for ${fmtDuration(b)}`;
    case 'cutLink': return `cut ${nodeName(a)} ${dir} ${nodeName(b)}`;
    case 'healLink': return `heal ${nodeName(a)} ${dir} ${nodeName(b)}`;
    case 'skewClock': return `step ${nodeName(a)}'s clock by ${fmtSigned(b)}`;
    case 'setDrift': return `set ${nodeName(a)}'s drift to ${fmtValue(b)} ppm`;
    case 'setLink': return `change link ${nodeName(a)} ${dir} ${nodeName(b)}`;
    case 'setFaultModel': return `change how ${nodeName(a)} fails`;
    case 'partition': return `partition into ${new Set(args).size} groups`;
    case 'healPartition': return 'heal the partition';
    case 'dropMessage': return `drop message #${a}`;
    default: return String(action);
  }
}

export class TimeTravel {
  /** `app` from main.js (guard, pause, the simulation), the toolbar's messages and the timeline. */
  constructor(app, { controls, timeline }) {
    this.app = app;
    this.controls = controls;
    this.timeline = timeline;
    this.describe = describeRecord;
    this.maxT = 0;
    this.pending = null; // a seek asked for by the bar, done once per animation frame
    this.dragging = false;
    this.actions = []; // the simulator's action log, refreshed when it can have changed
    this.uiKey = '';
    this.bind();
  }

  get sim() {
    return this.app.sim;
  }

  bind() {
    const bar = $('scrub');
    const begin = () => {
      this.dragging = true;
      this.app.pause();
    };
    bar.addEventListener('pointerdown', begin);
    bar.addEventListener('keydown', (e) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key)) this.app.pause();
    });
    bar.addEventListener('input', () => {
      this.app.pause();
      this.pending = Number(bar.value);
    });
    const end = () => {
      this.dragging = false;
      bar.blur();
    };
    bar.addEventListener('pointerup', end);
    bar.addEventListener('pointercancel', end);
    bar.addEventListener('change', () => (this.dragging = false));
    $('btn-back').addEventListener('click', () => this.stepBack());
    $('btn-undo').addEventListener('click', () => this.undo());
    window.addEventListener('keydown', (e) => this.onKey(e));
  }

  onKey(e) {
    if (e.altKey || isTyping(e.target) || !$('help').hidden || !$('fatal').hidden) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.shiftKey && (e.key === 'z' || e.key === 'Z')) {
      e.preventDefault();
      this.undo();
      return;
    }
    if (mod || e.shiftKey) return;
    if (e.key === 'ArrowLeft') this.stepBack();
    else if (e.key === 'Home') this.seek(0);
    else if (e.key === 'End') this.seek(this.maxT);
    else return;
    e.preventDefault();
  }

  // ---------------------------------------------------------------- lifecycle

  /** A new simulation is in place (new, reset, shared link, imported file). */
  reset() {
    this.pending = null;
    this.refreshActions();
    const last = this.actions.length ? this.actions[this.actions.length - 1].atMs : 0;
    this.maxT = Math.max(this.now(), last);
    this.uiKey = '';
  }

  now() {
    const r = this.app.guard(() => this.sim.now(), true);
    return r.ok ? r.value : 0;
  }

  refreshActions() {
    const r = this.sim ? this.app.guard(() => this.sim.actions(), true) : { ok: false };
    this.actions = r.ok && Array.isArray(r.value) ? r.value : [];
    this.marksKey = '';
  }

  /** Before frame(): the bar's latest position, once per animation frame however fast it moved. */
  beforeFrame() {
    if (this.pending === null) return;
    const t = this.pending;
    this.pending = null;
    this.seekNow(t);
  }

  /** After frame(): the bar follows the run. */
  afterFrame(frame) {
    if (!frame) return;
    if (frame.now > this.maxT) this.maxT = frame.now;
    this.updateUi(frame.now);
  }

  // ---------------------------------------------------------------- moves

  /** Shows instant `ms` (clamped to the run so far), paused. Returns whether it was done. */
  seek(ms) {
    const t = Number(ms);
    if (!Number.isFinite(t)) {
      this.controls.toast('Seek needs a time in milliseconds.', 'error');
      return false;
    }
    this.app.pause();
    this.pending = null;
    return this.seekNow(Math.min(Math.max(0, t), this.maxT));
  }

  seekNow(t) {
    const r = this.app.guard(() => this.sim.seek(t));
    if (!r.ok) return false;
    this.timeline.setFollow(true);
    this.controls.status(this.behind(t) ? `Showing t = ${fmtClock(t)} of ${fmtClock(this.maxT)}: press Play to run on from here.` : `Showing t = ${fmtClock(t)}.`);
    return true;
  }

  stepBack() {
    this.app.pause();
    if (this.now() <= 0) {
      this.controls.status('Already at the start of the run.');
      return false;
    }
    const r = this.app.guard(() => this.sim.stepBack());
    if (!r.ok) return false;
    this.timeline.setFollow(true);
    this.controls.status(`Stepped back to t = ${fmtClock(this.now())}.`);
    return true;
  }

  undo() {
    const last = this.lastApplied();
    if (!last) {
      this.controls.status(this.actions.length ? 'Nothing to undo at this instant: the actions in the log come later.' : 'Nothing to undo: no action yet.');
      return false;
    }
    const r = this.app.guard(() => this.sim.undo());
    if (!r.ok) return false;
    this.refreshActions();
    // The run after the undone action is a different branch now: the bar ends here.
    this.maxT = this.now();
    this.uiKey = '';
    this.app.onUndo?.();
    this.controls.status(`Undid: ${this.describe(last.action, last.args)} (at t = ${fmtClock(last.atMs)}).`);
    return true;
  }

  /** The newest action at or before now (the one undo takes back), or null. */
  lastApplied(now = this.now()) {
    let last = null;
    for (const a of this.actions) if (a.atMs <= now + EPS) last = a;
    return last;
  }

  behind(t) {
    return t < this.maxT - EPS;
  }

  /** Actions logged after the instant shown: acting now discards them. */
  futureActions(now = this.now()) {
    const n = this.actions.filter((a) => a.atMs > now + EPS).length;
    const has = this.app.guard(() => this.sim.hasFuture(), true);
    return Math.max(n, has.ok && has.value ? 1 : 0);
  }

  // ---------------------------------------------------------------- acting (main.js calls these)

  beforeAct() {
    const now = this.now();
    return { now, behind: this.behind(now), future: this.futureActions(now) };
  }

  afterAct(before, ok) {
    if (!ok) return;
    this.refreshActions();
    if (before.behind) {
      this.maxT = this.now();
      const what = before.future
        ? `discarded ${before.future === 1 ? 'the later action' : `${before.future} later actions`} and what followed`
        : 'what came after this instant is discarded';
      this.controls.toast(`New branch from t = ${fmtClock(before.now)}: ${what}. Ctrl+Z undoes this action.`, 'info', 8000);
    }
    this.uiKey = '';
  }

  // ---------------------------------------------------------------- drawing the bar

  updateUi(now) {
    const max = this.maxT;
    const behind = this.behind(now);
    const key = `${now}|${max}|${this.actions.length}`;
    if (key === this.uiKey) return;
    this.uiKey = key;
    const bar = $('scrub');
    bar.max = String(max);
    if (!this.dragging) bar.value = String(now);
    bar.style.setProperty('--pos', `${max > 0 ? Math.min(100, (100 * now) / max) : 100}%`);
    bar.disabled = !(max > 0);
    $('scrub-out').textContent = `${fmtClock(now)} / ${fmtClock(max)}`;
    bar.setAttribute('aria-valuetext', `${fmtClock(now)} of ${fmtClock(max)}`);
    $('timetravel').classList.toggle('behind', behind);
    const last = this.lastApplied(now);
    $('btn-undo').disabled = !last;
    $('btn-undo').title = last ? `Undo: ${this.describe(last.action, last.args)} (Ctrl+Z)` : 'Undo the last action (Ctrl+Z) — nothing to undo yet';
    this.drawMarks(max);
    const note = $('future-note');
    if (behind) {
      const n = this.futureActions(now);
      note.textContent = n
        ? `Looking back: acting now starts a new branch and discards the ${n === 1 ? 'later action' : `${n} later actions`}.`
        : 'Looking back: Play runs on from here; acting now starts a new branch and discards what came after.';
      note.title = `${note.textContent} Ctrl+Z undoes an action; the Replay bar goes back and forth without changing anything.`;
      note.hidden = false;
    } else note.hidden = true;
  }

  /** A tick over the bar for every action of this branch, so students see where they acted. */
  drawMarks(max) {
    // Redrawn when the actions change, or when the run has grown by about half a percent.
    const key = `${this.actions.length}|${Math.round(Math.log1p(max) * 200)}`;
    if (key === this.marksKey) return;
    this.marksKey = key;
    const box = $('scrub-marks');
    const marks = this.actions.filter((a) => a.atMs <= max + EPS).slice(-200).map((a) => {
      const m = document.createElement('span');
      m.className = 'scrub-mark';
      m.style.left = `${max > 0 ? (100 * a.atMs) / max : 0}%`;
      m.title = `t = ${fmtClock(a.atMs)}: ${this.describe(a.action, a.args)}`;
      return m;
    });
    box.replaceChildren(...marks);
  }
}

