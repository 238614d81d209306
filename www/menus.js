// The node menu (actions + inspector) and the link menu. Built with DOM APIs only; simulator
// data reaches the page as textContent, never as markup.
import { el } from './controls.js';
import { nodeName, fmtClock, fmtValue } from './format.js';

const INSPECT_EVERY_MS = 250; // inspectNode() is an extra call: refresh a few times a second, not per frame

export class Menus {
  constructor(app, box) {
    this.app = app;
    this.box = box;
    box.tabIndex = -1;
    this.kind = null; // 'node' | 'link' | null
    this.nodeId = null;
    this.link = null;
    this.lastInspect = 0;
    this.inspectSig = '';
    this.dynSig = '';
    document.addEventListener('pointerdown', (e) => {
      // A floating menu closes on a click elsewhere; a docked one stays while the student plays,
      // steps or resets. Canvases decide for themselves (a click may open another menu).
      if (this.kind && !this.docked && !this.box.contains(e.target) && e.target.tagName !== 'CANVAS') this.close();
    });
  }

  get open() {
    return this.kind !== null;
  }

  close() {
    if (!this.kind) return;
    this.kind = null;
    this.nodeId = null;
    this.link = null;
    this.box.hidden = true;
    this.box.replaceChildren();
    this.app.onMenuClosed?.();
  }

  place(anchor) {
    this.box.hidden = false;
    const side = document.querySelector('.side')?.getBoundingClientRect();
    // Docked over the sidebar on wide screens: next to the node it would hide the node's
    // neighbours, its label and the messages the student wants to watch after acting.
    this.docked = Boolean(side && side.width > 0 && side.height > 300 && window.innerWidth >= 900);
    this.box.style.width = this.docked ? `${side.width - 16}px` : '';
    this.box.style.maxHeight = this.docked ? `${side.height - 16}px` : '';
    let x = side?.left + 8;
    let y = side?.top + 8;
    if (!this.docked) {
      const r = this.box.getBoundingClientRect();
      x = anchor.x + 22;
      if (x + r.width > window.innerWidth - 8) x = anchor.x - r.width - 22;
      x = Math.max(8, Math.min(x, window.innerWidth - r.width - 8));
      y = Math.max(8, Math.min(anchor.y - 30, window.innerHeight - r.height - 8));
    }
    this.box.style.left = `${x}px`;
    this.box.style.top = `${y}px`;
    // Focus the menu itself, not a button: a space pressed next must mean play/pause, not "Crash".
    this.box.focus({ preventScroll: true });
  }

  header(title, badge) {
    const close = el('button', { type: 'button', class: 'close', title: 'Close (Esc)', text: '✕', 'aria-label': 'Close' });
    close.addEventListener('click', () => this.close());
    return el('h3', {}, el('span', { text: title }), badge, close);
  }

  button(text, onClick, cls = '', title = '') {
    const b = el('button', { type: 'button', text, class: cls, title });
    b.addEventListener('click', onClick);
    return b;
  }

  numberInput(name, value, label) {
    const i = el('input', { type: 'number', name, value: String(value), step: 'any', 'aria-label': label });
    return i;
  }

  // ------------------------------------------------------------------ node menu

  openNode(id, anchor) {
    const app = this.app;
    this.close();
    this.kind = 'node';
    this.nodeId = id;
    this.dynSig = '';
    this.inspectSig = '';
    const name = nodeName(id);
    const act = (method, ...args) => {
      app.act(method, id, ...args);
      this.refresh(true);
    };
    const num = (input, what) => {
      const v = input.valueAsNumber;
      if (!Number.isFinite(v)) {
        app.error(`${what}: enter a number.`);
        return null;
      }
      return v;
    };
    const onEnter = (input, f) => input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') f();
    });

    this.badge = el('span', { class: 'badge' });
    this.meta = el('div', { class: 'meta' });
    this.btnCrash = this.button('Crash', () => act('crashNode'), 'danger');
    this.btnRecover = this.button('Recover', () => act('recoverNode'));
    this.recoverNote = el('span', { class: 'unit' });

    const pauseMs = this.numberInput('pause-ms', 1000, 'pause duration in milliseconds');
    const doPause = () => {
      const v = num(pauseMs, 'Pause');
      if (v !== null) act('pauseNode', v);
    };
    onEnter(pauseMs, doPause);
    const skewMs = this.numberInput('skew-ms', 1000, 'clock step in milliseconds');
    const skew = (sign) => {
      const v = num(skewMs, 'Clock step');
      if (v !== null) act('skewClock', sign * v);
    };
    onEnter(skewMs, () => skew(1));
    this.driftPpm = this.numberInput('drift-ppm', 0, 'clock drift in parts per million');
    const doDrift = () => {
      const v = num(this.driftPpm, 'Drift');
      if (v !== null) act('setDrift', v);
    };
    onEnter(this.driftPpm, doDrift);
    const peer = el('input', { type: 'number', name: 'peer', min: '0', step: '1', value: id === 0 ? '1' : '0', 'aria-label': 'other node id' });
    const linkAct = (method, oneWay) => {
      const v = num(peer, 'Other node');
      if (v !== null) {
        app.act(method, id, v, oneWay);
        this.refresh(true);
      }
    };

    this.table = el('table', { class: 'state-table' });
    this.box.replaceChildren(
      this.header(name, this.badge),
      this.meta,
      el('div', { class: 'row' }, this.btnCrash, this.btnRecover, this.recoverNote),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Pause' }), pauseMs, el('span', { class: 'unit', text: 'ms' }),
        this.button('Pause', doPause)),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Clock' }), skewMs, el('span', { class: 'unit', text: 'ms' }),
        this.button('+', () => skew(1), 'sign', 'Step the time-of-day clock forward by this much'),
        this.button('−', () => skew(-1), 'sign', 'Step the time-of-day clock back by this much')),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Drift' }), this.driftPpm, el('span', { class: 'unit', text: 'ppm' }),
        this.button('Set', doDrift, '', 'Set the clock drift, in parts per million (quartz: tens of ppm)')),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Link to' }), el('span', { class: 'unit', text: 'n' }), peer),
      el('div', { class: 'row' },
        this.button('Cut ↔', () => linkAct('cutLink', false), '', 'Cut the link both ways'),
        this.button('Cut →', () => linkAct('cutLink', true), '', `Cut only the direction from ${name} to the other node`),
        this.button('Heal', () => linkAct('healLink', false), '', 'Heal the link both ways')),
      el('hr'),
      el('div', { class: 'caps', text: 'State' }),
      this.table,
    );
    this.refresh(true);
    const f = app.frame;
    const nd = f?.nodes.find((n) => n.id === id);
    if (nd) this.driftPpm.value = String(nd.driftPpm ?? 0);
    this.place(anchor);
  }

  /** Update the live parts of the open menu; called every frame by main.js. */
  refresh(force = false) {
    if (this.kind === 'node') this.refreshNode(force);
    else if (this.kind === 'link') this.refreshLink();
  }

  refreshNode(force) {
    const f = this.app.frame;
    const nd = f?.nodes.find((n) => n.id === this.nodeId);
    if (!nd) return;
    const sig = `${nd.status}|${nd.kind}|${Math.round(nd.clock)}|${Math.round(nd.mono)}|${nd.driftPpm}|${nd.pausedUntil}|${nd.summary}`;
    if (sig !== this.dynSig) {
      this.dynSig = sig;
      this.badge.textContent = nd.status;
      this.badge.className = `badge ${nd.status}`;
      const parts = [nd.kind, `clock ${fmtClock(nd.clock)}`, `monotonic ${fmtClock(nd.mono)}`, `drift ${fmtValue(nd.driftPpm)} ppm`];
      if (nd.status === 'paused' && nd.pausedUntil != null) parts.push(`paused until ${fmtClock(nd.pausedUntil)}`);
      if (nd.summary) parts.push(String(nd.summary));
      this.meta.textContent = parts.join(' · ');
      this.btnCrash.disabled = nd.status === 'crashed';
      const stop = nd.kind === 'crash-stop';
      this.btnRecover.disabled = nd.status !== 'crashed' || stop;
      this.recoverNote.textContent = stop ? 'crash-stop: never recovers' : '';
    }
    const now = performance.now();
    if (!force && now - this.lastInspect < INSPECT_EVERY_MS) return;
    this.lastInspect = now;
    const info = this.app.inspect(this.nodeId);
    if (!info) return;
    const isig = JSON.stringify(info, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    if (isig === this.inspectSig) return;
    this.inspectSig = isig;
    const section = (title, rows, empty) => [
      el('tr', {}, el('th', { colSpan: 2, text: title })),
      ...(rows === null
        ? [el('tr', { class: 'lostvol' }, el('td', { colSpan: 2, text: empty }))]
        : rows.length
          ? rows.map(([k, v]) => el('tr', {}, el('td', { text: String(k) }), el('td', { text: fmtValue(v) })))
          : [el('tr', {}, el('td', { colSpan: 2, class: 'muted', text: '(empty)' }))]),
    ];
    this.table.replaceChildren(
      ...section('Volatile (lost on crash)', info.volatile ?? null, 'lost — the node is crashed'),
      ...section('Stable storage (survives crashes)', info.stable ?? [], ''),
    );
  }

  // ------------------------------------------------------------------ link menu

  openLink(a, b, anchor) {
    const app = this.app;
    this.close();
    this.kind = 'link';
    this.link = { a, b };
    const A = nodeName(a);
    const B = nodeName(b);
    const act = (method, x, y, oneWay) => {
      app.act(method, x, y, oneWay);
      this.refreshLink();
    };
    this.linkState = el('div', { class: 'link-state' });
    this.box.replaceChildren(
      this.header(`Link ${A} ↔ ${B}`, null),
      this.linkState,
      el('div', { class: 'row' }, this.button('Cut both ways', () => act('cutLink', a, b, false), 'danger')),
      el('div', { class: 'row' },
        this.button(`Cut ${A} → ${B} only`, () => act('cutLink', a, b, true))),
      el('div', { class: 'row' }, this.button(`Cut ${B} → ${A} only`, () => act('cutLink', b, a, true))),
      el('div', { class: 'row' }, this.button('Heal both ways', () => act('healLink', a, b, false))),
    );
    this.refreshLink();
    this.place(anchor);
  }

  refreshLink() {
    const f = this.app.frame;
    if (!f || !this.link) return;
    const { a, b } = this.link;
    const cut = (x, y) => f.links.some((l) => l.from === x && l.to === y && l.up === false);
    const text = `${nodeName(a)} → ${nodeName(b)}: ${cut(a, b) ? 'cut' : 'up'}  ·  ${nodeName(b)} → ${nodeName(a)}: ${cut(b, a) ? 'cut' : 'up'}`;
    if (this.linkState.textContent !== text) this.linkState.textContent = text;
  }
}
