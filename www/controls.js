// Toolbar, scenario picker and parameter form, stats line, toasts, tooltip, help and
// keyboard shortcuts. Everything here talks to the simulator only through `app` (main.js).
import { fmtClock, fmtSpeed, fmtInt, fmtValue } from './format.js';

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
    $('scenario').addEventListener('change', () => {
      const spec = this.scenarios.find((s) => s.id === $('scenario').value);
      if (!spec) return;
      this.buildParams(spec, defaults(spec));
      app.applyScenario(spec.id, defaults(spec));
    });
    $('params-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const spec = this.scenarios.find((s) => s.id === $('scenario').value);
      try {
        app.applyScenario(spec.id, this.readParams(spec));
      } catch (err) {
        this.toast(err.message, 'error');
      }
    });
    $('btn-defaults').addEventListener('click', () => {
      const spec = this.scenarios.find((s) => s.id === $('scenario').value);
      if (spec) this.buildParams(spec, defaults(spec));
    });
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

  // ------------------------------------------------------------------ scenario & params

  setScenarios(list, current, params) {
    this.scenarios = list;
    const sel = $('scenario');
    sel.replaceChildren(...list.map((s) => el('option', { value: s.id, text: s.title || s.id })));
    this.showScenario(current, params);
  }

  showScenario(id, params) {
    const spec = this.scenarios.find((s) => s.id === id);
    $('scenario').value = id;
    $('scenario-title').textContent = spec?.title ?? id;
    $('scenario-summary').textContent = spec?.summary ?? '';
    if (spec) this.buildParams(spec, params);
  }

  buildParams(spec, values) {
    const box = $('params');
    const fields = (spec.params ?? []).map((p) => {
      const id = `param-${p.name}`;
      const v = values?.[p.name] ?? p.default;
      let input;
      if (Array.isArray(p.choices)) {
        input = el('select', { id, name: p.name }, ...p.choices.map((c) => el('option', { value: c, text: c })));
        input.value = String(v);
      } else {
        input = el('input', { id, name: p.name, type: 'number', step: p.integer ? '1' : 'any', value: String(v) });
        if (p.min != null) input.min = String(p.min);
        if (p.max != null) input.max = String(p.max);
      }
      const range = !p.choices && (p.min != null || p.max != null) ? ` (${p.min ?? '…'} – ${p.max ?? '…'})` : '';
      const help = [p.help, range.trim()].filter(Boolean).join(' ');
      return el('div', { class: 'field' },
        el('label', { htmlFor: id, text: p.label || p.name }),
        input,
        help ? el('div', { class: 'help', text: help }) : null);
    });
    box.replaceChildren(...(fields.length ? fields : [el('p', { class: 'none muted', text: 'This scenario has no parameters.' })]));
  }

  readParams(spec) {
    const out = {};
    for (const p of spec.params ?? []) {
      const input = $(`param-${p.name}`);
      if (!input) continue;
      if (Array.isArray(p.choices)) {
        out[p.name] = input.value;
      } else {
        const v = input.valueAsNumber;
        if (!Number.isFinite(v)) throw new Error(`${p.label || p.name}: enter a number.`);
        out[p.name] = v;
      }
    }
    return out;
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
    $('now').textContent = fmtClock(ms);
  }

  setStats(stats, inFlight) {
    if (!stats) return;
    const key = JSON.stringify(stats) + inFlight;
    if (key === this.statsKey) return;
    this.statsKey = key;
    const lost = (stats.lostRandom ?? 0) + (stats.lostLinkCut ?? 0) + (stats.lostDestCrashed ?? 0);
    const sep = () => el('span', { class: 'sep', text: '·' });
    const item = (label, v, cls) => el('span', cls ? { class: cls } : {}, `${label} `, el('b', { text: fmtInt(v) }));
    $('stats').replaceChildren(
      item('sent', stats.sent), sep(),
      item('delivered', stats.delivered), sep(),
      item('in flight', inFlight), sep(),
      el('span', { class: lost ? 'lost' : '' }, 'lost ', el('b', { text: fmtInt(lost) }),
        ` (random ${fmtInt(stats.lostRandom)}, link cut ${fmtInt(stats.lostLinkCut)}, dest. crashed ${fmtInt(stats.lostDestCrashed)})`),
      sep(), item('timers', stats.timers), sep(), item('events', stats.events),
    );
  }

  status(text) {
    $('status').textContent = text;
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

export function defaults(spec) {
  return Object.fromEntries((spec.params ?? []).map((p) => [p.name, p.default]));
}
