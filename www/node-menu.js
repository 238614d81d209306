// The node menu: crash / recover / pause, clock step and drift, the node's fault model, links to
// another node, and an inspector of its protocol state (volatile vs stable storage).
import { el } from './controls.js';
import { nodeName, fmtClock, fmtValue } from './format.js';
import { renderInspection } from './inspector.js';

const INSPECT_EVERY_MS = 250; // inspectNode() is an extra call: refresh a few times a second, not per frame
const FAULT_MODELS = [
  ['crash-stop', 'crash-stop: a crashed node never comes back'],
  ['crash-recovery', 'crash-recovery: it may come back, with its stable storage but not its memory'],
  ['byzantine', 'Byzantine: it may do anything, lie included'],
];

export class NodeMenu {
  constructor(menus, id) {
    this.menus = menus;
    this.app = menus.app;
    this.kind = 'node';
    this.id = id;
    this.dynSig = '';
    this.inspectSig = '';
    this.lastInspect = 0;
    this.folds = new Map(); // what the student folded or unfolded in the inspector
  }

  build() {
    const { menus, app, id } = this;
    const name = nodeName(id);
    const act = (method, ...args) => {
      app.act(method, id, ...args);
      this.refresh(true);
    };
    const num = (input, what) => menus.num(input, what);
    this.badge = el('span', { class: 'badge' });
    this.meta = el('div', { class: 'meta' });
    this.btnCrash = menus.button('Crash', () => act('crashNode'), 'danger');
    this.btnRecover = menus.button('Recover', () => act('recoverNode'));
    this.recoverNote = el('span', { class: 'unit' });

    const pauseMs = menus.numberInput('pause-ms', 1000, 'pause duration in milliseconds');
    const doPause = () => {
      const v = num(pauseMs, 'Pause');
      if (v !== null) act('pauseNode', v);
    };
    menus.onEnter(pauseMs, doPause);
    const skewMs = menus.numberInput('skew-ms', 1000, 'clock step in milliseconds');
    const skew = (sign) => {
      const v = num(skewMs, 'Clock step');
      if (v !== null) act('skewClock', sign * v);
    };
    menus.onEnter(skewMs, () => skew(1));
    this.driftPpm = menus.numberInput('drift-ppm', 0, 'clock drift in parts per million');
    const doDrift = () => {
      const v = num(this.driftPpm, 'Drift');
      if (v !== null) act('setDrift', v);
    };
    menus.onEnter(this.driftPpm, doDrift);
    this.faultModel = el('select', { name: 'fault-model', 'aria-label': 'fault model' },
      ...FAULT_MODELS.map(([v, help]) => el('option', { value: v, text: v, title: help })));
    const doFault = () => act('setFaultModel', this.faultModel.value);
    const peer = el('input', { type: 'number', name: 'peer', min: '0', step: '1', value: id === 0 ? '1' : '0', 'aria-label': 'other node id' });
    const linkAct = (method, oneWay) => {
      const v = num(peer, 'Other node');
      if (v !== null) {
        app.act(method, id, v, oneWay);
        this.refresh(true);
      }
    };

    const nd = app.frame?.nodes.find((n) => n.id === id);
    if (nd) {
      this.driftPpm.value = String(nd.driftPpm ?? 0);
      this.faultModel.value = nd.kind;
    }
    this.table = el('table', { class: 'state-table' });
    return [
      menus.header(name, this.badge, nd?.role ? String(nd.role) : null),
      this.meta,
      el('div', { class: 'row' }, this.btnCrash, this.btnRecover, this.recoverNote),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Pause' }), pauseMs, el('span', { class: 'unit', text: 'ms' }),
        menus.button('Pause', doPause)),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Clock' }), skewMs, el('span', { class: 'unit', text: 'ms' }),
        menus.button('+', () => skew(1), 'sign', 'Step the time-of-day clock forward by this much'),
        menus.button('−', () => skew(-1), 'sign', 'Step the time-of-day clock back by this much')),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Drift' }), this.driftPpm, el('span', { class: 'unit', text: 'ppm' }),
        menus.button('Set', doDrift, '', 'Set the clock drift, in parts per million (quartz: tens of ppm)')),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Fails as' }), this.faultModel,
        menus.button('Set', doFault, '', 'Change how this node may fail, from now on')),
      el('div', { class: 'row' }, el('span', { class: 'name', text: 'Link to' }), el('span', { class: 'unit', text: 'n' }), peer),
      el('div', { class: 'row' },
        menus.button('Cut ↔', () => linkAct('cutLink', false), '', 'Cut the link both ways'),
        menus.button('Cut →', () => linkAct('cutLink', true), '', `Cut only the direction from ${name} to the other node`),
        menus.button('Heal', () => linkAct('healLink', false), '', 'Heal the link both ways')),
      el('hr'),
      el('div', { class: 'caps', text: 'State' }),
      this.table,
    ];
  }

  refresh(force) {
    const f = this.app.frame;
    const nd = f?.nodes.find((n) => n.id === this.id);
    if (!nd) return;
    const sig = `${nd.status}|${nd.kind}|${Math.round(nd.clock)}|${Math.round(nd.mono)}|${nd.driftPpm}|${nd.pausedUntil}|${nd.summary}|${nd.role}`;
    if (sig !== this.dynSig) {
      this.dynSig = sig;
      this.badge.textContent = nd.status;
      this.badge.className = `badge ${nd.status}`;
      const parts = [nd.kind, `clock ${fmtClock(nd.clock)}`, `monotonic ${fmtClock(nd.mono)}`, `drift ${fmtValue(nd.driftPpm)} ppm`];
      if (nd.role) parts.unshift(`role: ${nd.role}`);
      if (nd.status === 'paused' && nd.pausedUntil != null) parts.push(`paused until ${fmtClock(nd.pausedUntil)}`);
      if (nd.summary) parts.push(String(nd.summary));
      this.meta.textContent = parts.join(' · ');
      this.btnCrash.disabled = nd.status === 'crashed';
      // A crash-stop node never comes back: the menu does not even offer it.
      const stop = nd.kind === 'crash-stop';
      this.btnRecover.hidden = stop;
      this.btnRecover.disabled = nd.status !== 'crashed';
      this.recoverNote.textContent = stop ? 'crash-stop: once crashed, it never recovers' : '';
      if (document.activeElement !== this.faultModel) this.faultModel.value = nd.kind;
    }
    const now = performance.now();
    if (!force && now - this.lastInspect < INSPECT_EVERY_MS) return;
    this.lastInspect = now;
    const info = this.app.inspect(this.id);
    if (!info) return;
    const isig = JSON.stringify(info, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    if (isig === this.inspectSig) return;
    this.inspectSig = isig;
    renderInspection(this.table, info, { scenario: this.app.scenarioId, open: this.folds });
  }
}
