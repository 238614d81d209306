// Toolbar, scenario picker and parameter form, stats line, toasts, tooltip, help and
// keyboard shortcuts. Everything here talks to the simulator only through `app` (main.js).
import { fmtClock, fmtSpeed, fmtInt, fmtValue, fmtBytes } from './format.js';
import { describeGroups } from './timeline-bands.js';

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}
export { el };

/** Copies the text of `to` into `from`, which has the same shape (elements and text nodes). */
function patchText(from, to) {
  if (from.nodeType === Node.TEXT_NODE) {
    if (from.data !== to.data) from.data = to.data;
    return;
  }
  for (let i = 0; i < from.childNodes.length; i++) patchText(from.childNodes[i], to.childNodes[i]);
}

export function isTyping(target) {
  const t = target instanceof Element ? target : null;
  if (!t) return false;
  if (t.isContentEditable) return true;
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  // A focused slider owns its arrow keys.
  if (t.tagName === 'INPUT') return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(t.type);
  return false;
}

/** Space and Enter on a focused button belong to the button (keyboard users tab to them). */
function activatesTarget(e) {
  return (e.key === ' ' || e.key === 'Enter') && e.target instanceof Element && e.target.closest('button, summary, a[href]');
}

/** Parse a seed as typed: digits only; BigInt beyond 2^53 so large seeds survive. */
export function parseSeed(text) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) throw new Error('The seed must be a whole number, 0 or more.');
  const n = BigInt(s);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export class Controls {
  constructor(app) {
    this.app = app;
    this.scenarios = [];
    this.statsKey = '';
    this.bindToolbar();
    this.bindKeyboard();
  }

  bindToolbar() {
    const app = this.app;
    // After a mouse click, buttons and the slider hand focus back to the page, so that space
    // then means play/pause rather than "press that button again".
    document.addEventListener('click', (e) => {
      const b = e.detail > 0 && e.target instanceof Element && e.target.closest('button, summary');
      if (b) b.blur();
    });
    $('speed').addEventListener('pointerup', () => $('speed').blur());
    const click = (id, f) => $(id).addEventListener('click', () => f());
    click('btn-play', () => app.toggle());
    click('btn-step', () => app.step());
    click('btn-reset', () => app.reset());
    click('btn-random-seed', () => {
      const seed = app.randomSeed();
      $('seed').value = String(seed);
      app.setSeed(seed);
    });
    click('btn-help', () => this.showHelp(true));
    click('btn-help-close', () => this.showHelp(false));
    click('btn-reload', () => location.reload());
    $('help').addEventListener('click', (e) => {
      if (e.target === $('help')) this.showHelp(false);
    });
    $('speed').addEventListener('input', () => {
      let v = Number($('speed').value);
      if (Math.abs(v) < 0.04) v = 0; // make exactly 1× easy to hit
      app.setSpeed(10 ** v);
    });
    $('seed').addEventListener('change', () => {
      try {
        app.setSeed(parseSeed($('seed').value));
      } catch (e) {
        this.toast(e.message, 'error');
      }
    });
    $('scenario').addEventListener('change', () => app.changeScenario($('scenario').value));
    click('btn-partition', () => app.togglePartitionTool());
    click('btn-heal-partition', () => app.healPartition());
  }

  bindKeyboard() {
    const app = this.app;
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        if (!$('help').hidden) this.showHelp(false);
        else app.closeMenus();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || activatesTarget(e)) return;
      if (!$('help').hidden && e.key !== '?') return;
      let handled = true;
      switch (e.key) {
        case ' ':
        case 'Spacebar':
          if (!e.repeat) app.toggle();
          break;
        case 'ArrowRight':
          app.step();
          break;
        case 'r':
        case 'R':
          app.reset();
          break;
        case '?':
          this.showHelp($('help').hidden);
          break;
        case 'p':
        case 'P':
          app.togglePartitionTool();
          break;
        case '+':
        case '=':
          this.nudgeSpeed(0.25);
          break;
        case '-':
        case '_':
          this.nudgeSpeed(-0.25);
          break;
        default:
          handled = false;
      }
      // preventDefault also stops a focused button from being "clicked" by the same space press.
      if (handled) e.preventDefault();
    });
  }

  nudgeSpeed(dLog) {
    const s = $('speed');
    s.value = String(Math.max(-2, Math.min(2, Number(s.value) + dLog)));
    s.dispatchEvent(new Event('input'));
  }

  showHelp(show) {
    $('help').hidden = !show;
    if (show) $('btn-help-close').focus();
  }

  // ------------------------------------------------------------------ scenario picker

  setScenarios(list, current) {
    this.scenarios = list;
    const sel = $('scenario');
    sel.replaceChildren(...list.map((s) => el('option', { value: s.id, text: s.title || s.id })));
    sel.value = current;
  }

  setScenario(id) {
    if (document.activeElement !== $('scenario')) $('scenario').value = id;
  }

  /** The tool button's state, and the partition in force (groups by node id, or null). */
  setPartitionTool(on, partition) {
    const key = `${on}|${partition}`;
    if (key === this.partKey) return;
    this.partKey = key;
    $('btn-partition').setAttribute('aria-pressed', String(on));
    $('btn-partition').classList.toggle('active', on);
    const parted = Array.isArray(partition);
    $('partition-status').hidden = !parted;
    $('partition-text').textContent = parted ? describeGroups(partition) : '';
  }

  // ------------------------------------------------------------------ live readouts

  setPlaying(on) {
    document.body.classList.toggle('playing', on);
    $('play-label').textContent = on ? 'Pause' : 'Play';
    $('btn-play').setAttribute('aria-pressed', String(on));
  }

  setSpeed(x) {
    $('speed-out').textContent = fmtSpeed(x);
    // Leave the slider alone while it's being dragged; otherwise follow scripted changes.
    if (document.activeElement !== $('speed')) $('speed').value = String(Math.log10(x));
  }

  setSeed(seed) {
    if (document.activeElement !== $('seed')) $('seed').value = String(seed);
  }

  setNow(ms) {
    const text = fmtClock(ms);
    if (text !== this.nowText) $('now').textContent = this.nowText = text; // paused: no write
  }

  setStats(stats, inFlight) {
    if (!stats) return;
    const key = JSON.stringify(stats) + inFlight;
    if (key === this.statsKey) return;
    this.statsKey = key;
    const lost = (stats.lostRandom ?? 0) + (stats.lostLinkCut ?? 0) + (stats.lostDestCrashed ?? 0) + (stats.lostCorrupted ?? 0);
    const sep = () => el('span', { class: 'sep', text: '·' });
    const item = (label, v, cls, title) => el('span', { class: cls ?? '', title: title ?? '' }, `${label} `, el('b', { text: fmtInt(v) }));
    const why = [['random', stats.lostRandom], ['link cut', stats.lostLinkCut], ['dest. crashed', stats.lostDestCrashed], ['corrupted', stats.lostCorrupted]]
      .filter(([, v]) => v > 0).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ');
    const parts = [
      item('sent', stats.sent), sep(),
      item('delivered', stats.delivered), sep(),
      item('in flight', inFlight), sep(),
      el('span', { class: lost ? 'lost' : '' }, 'lost ', el('b', { text: fmtInt(lost) }), why ? ` (${why})` : ''),
    ];
    // Transport counters only once they mean something, so the line stays short by default.
    if (stats.retransmissions) parts.push(sep(), item('retransmitted', stats.retransmissions, '', 'sends repeated by the transport because no acknowledgement came back in time'));
    if (stats.discarded) parts.push(sep(), item('duplicates discarded', stats.discarded, '', 'arrivals the transport threw away: it had delivered that message already'));
    if (stats.bytesArrived) parts.push(sep(), el('span', { title: 'bytes that reached a receiver' }, 'arrived ', el('b', { text: fmtBytes(stats.bytesArrived) })));
    parts.push(sep(), item('events', stats.events));
    // Same items as last time (only numbers moved): change just the text, so the status bar is
    // not rebuilt, restyled and laid out anew every frame.
    const shape = `${Boolean(lost)}|${Boolean(why)}|${Boolean(stats.retransmissions)}|${Boolean(stats.discarded)}|${Boolean(stats.bytesArrived)}`;
    const box = $('stats');
    if (shape === this.statsShape && box.childNodes.length === parts.length) parts.forEach((p, i) => patchText(box.childNodes[i], p));
    else box.replaceChildren(...parts);
    this.statsShape = shape;
  }

  status(text) {
    $('status').textContent = text;
    $('status').title = text;
  }

  // ------------------------------------------------------------------ messages to the user

  toast(message, kind = 'info', ms = 6000) {
    const box = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      el('span', { class: 'toast-title', text: kind === 'error' ? 'Not done:' : '' }),
      el('span', { class: 'toast-text', text: String(message) }));
    const list = $('toasts');
    list.append(box);
    while (list.children.length > 4) list.firstElementChild.remove();
    setTimeout(() => box.remove(), ms);
  }

  fatal(intro, message) {
    $('fatal-intro').textContent = intro;
    $('fatal-message').textContent = message || '(no message)';
    $('fatal').hidden = false;
    $('btn-reload').focus();
  }

  showTooltip(title, rows, clientX, clientY) {
    const tip = $('tooltip');
    const table = el('table', {}, ...rows.map(([k, v]) => el('tr', {}, el('td', { text: k }), el('td', { text: fmtValue(v) }))));
    tip.replaceChildren(el('div', { class: 'tt-title', text: title }), table);
    tip.hidden = false;
    const r = tip.getBoundingClientRect();
    let x = clientX + 14;
    let y = clientY + 14;
    if (x + r.width > window.innerWidth - 6) x = clientX - r.width - 14;
    if (y + r.height > window.innerHeight - 6) y = clientY - r.height - 14;
    tip.style.left = `${Math.max(4, x)}px`;
    tip.style.top = `${Math.max(4, y)}px`;
  }

  hideTooltip() {
    $('tooltip').hidden = true;
  }
}
