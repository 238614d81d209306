// Share links: `<page>#share=v1.…` names the scenario, parameters, seed, action log and the
// instant shown (the simulator writes and reads the payload). The Share button copies one and
// shows it; opening one replays that run, paused at that instant. A damaged link never breaks
// the page: the simulator's message says what was wrong and the default scenario opens.

import { fmtClock } from './format.js';

const $ = (id) => document.getElementById(id);
const MAX_FRAGMENT = 200_000; // characters; a longer "link" is not something we made

/** The page's address without query or fragment (works for http(s) and file://). */
export function pageBase() {
  return location.href.split(/[?#]/)[0];
}

/** The share payload in the URL fragment, or null when there is none. */
export function shareFragment() {
  const h = location.hash;
  return h.startsWith('#share=') ? h.slice(1) : null;
}

/** Drops the fragment from the address bar (a bad link must not come back on reload). */
export function clearFragment() {
  try {
    history.replaceState(null, '', location.href.split('#')[0]);
  } catch {
    /* file:// or a sandboxed frame may refuse; nothing depends on it */
  }
}

/** Shows `box` (position: fixed) under `button`, right edges aligned, kept on screen. */
export function placeBelow(box, button) {
  box.hidden = false;
  const b = button.getBoundingClientRect();
  const w = box.getBoundingClientRect().width;
  box.style.top = `${Math.round(b.bottom + 6)}px`;
  box.style.left = `${Math.round(Math.min(Math.max(8, b.right - w), window.innerWidth - w - 8))}px`;
}

export class ShareUi {
  constructor(app, { controls }) {
    this.app = app;
    this.controls = controls;
    this.lastLoaded = null;
    $('btn-share').addEventListener('click', () => (this.isOpen() ? this.close() : this.share()));
    $('btn-share-close').addEventListener('click', () => this.close());
    $('btn-share-copy').addEventListener('click', () => this.copy($('share-link').value, 'The link is'));
    $('btn-share-embed').addEventListener('click', () => this.copy($('share-embed').value, 'The embed code is'));
    for (const id of ['share-link', 'share-embed']) $(id).addEventListener('focus', (e) => e.target.select());
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen()) this.close();
    });
    document.addEventListener('pointerdown', (e) => {
      if (this.isOpen() && !$('share-box').contains(e.target) && !$('btn-share').contains(e.target)) this.close();
    });
    // A link pasted into the address bar of an open page: open it too.
    window.addEventListener('hashchange', () => {
      const frag = shareFragment();
      if (frag && frag !== this.lastLoaded) this.openFragment(frag);
    });
  }

  /** The link for the run as it stands (the instant shown included), or null if there is no run. */
  link() {
    const r = this.app.sim ? this.app.guard(() => this.app.sim.shareState()) : { ok: false };
    return r.ok ? `${pageBase()}#share=${r.value}` : null;
  }

  /** An iframe for a course page that opens this run, compact. */
  embedCode(link) {
    const [base, frag] = link.split('#');
    const src = `${base}?embed=1&controls=minimal#${frag}`;
    return `<iframe src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" width="960" height="540" style="border:0" title="dsviz: ${this.app.scenarioId}" loading="lazy" allow="clipboard-write"></iframe>`;
  }

  isOpen() {
    return !$('share-box').hidden;
  }

  async share() {
    const link = this.link();
    if (!link) return;
    $('share-link').value = link;
    $('share-embed').value = this.embedCode(link);
    placeBelow($('share-box'), $('btn-share'));
    this.say('Copying…');
    const copied = await this.copy(link, 'The link is', true);
    if (!copied) {
      $('share-link').focus();
      $('share-link').select();
    }
  }

  /** Clipboard first; where the browser refuses (file://, an iframe without permission), the
   *  text stays selected in the box for Ctrl+C. */
  async copy(text, what, quiet = false) {
    let ok = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    const at = `It opens this run at t = ${fmtClock(this.app.frame ? this.app.frame.now : 0)}, paused, exactly as it is here.`;
    if (ok) {
      this.say(`${what} on the clipboard. ${at}`);
      if (!quiet) this.controls.toast(`${what} on the clipboard.`);
    } else {
      this.say(`${what} in the box below, selected: copy it with Ctrl+C (⌘C). The browser did not let the page use the clipboard. ${at}`);
    }
    return ok;
  }

  say(text) {
    $('share-status').textContent = text;
  }

  close() {
    $('share-box').hidden = true;
  }

  /** Opens a share payload; null, or the message saying what was wrong (the default scenario
   *  opens instead). */
  open(text) {
    const app = this.app;
    const Simulation = app.simulationClass();
    const r = text.length > MAX_FRAGMENT
      ? { ok: false, message: 'this share link is far too long to be one dsviz made; opening the default scenario instead' }
      : app.guard(() => Simulation.fromShare(text), true);
    if (app.dead) return 'the simulator stopped';
    if (!r.ok || !app.adoptSim(r.value)) {
      const msg = r.message ?? 'it could not be opened';
      this.controls.toast(`Could not open the shared run: ${msg}`, 'error', 15000);
      app.openDefault();
      this.controls.status(`The share link could not be opened: ${msg}`);
      return msg;
    }
    const now = app.guard(() => app.sim.now()).value ?? 0;
    this.controls.status(`Opened a shared run at t = ${fmtClock(now)}, paused: press Play to run on, or drag the Replay bar.`);
    return null;
  }

  /** Opens the fragment of the page's address; a bad one is dropped from the address bar. */
  openFragment(frag) {
    this.lastLoaded = frag;
    const err = this.open(frag);
    if (err) {
      clearFragment();
      this.lastLoaded = null;
    }
    return err;
  }
}
