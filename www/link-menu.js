// The link editor: cut and heal a link (both ways or one way), and change its settings — kind,
// latency model, loss, duplication, corruption, bandwidth, MTU, FIFO — for both directions or
// one. Values come from linkInfo(); Apply sends only the fields the student changed, so that
// "both ways" never silently copies one direction's other settings onto the other.
import { el } from './controls.js';
import { nodeName, fmtValue } from './format.js';
import { checkValue } from './params.js';

const KINDS = {
  reliable: 'every message arrives exactly once',
  'fair-loss': 'messages may be lost; one sent again and again gets through',
  arbitrary: 'messages may also be duplicated and corrupted',
};
const LATENCY = {
  constant: 'always the minimum',
  uniform: 'between min and min + spread',
  exponential: 'min plus a random extra with mean = spread',
};
// [field, label, unit, bounds (as a parameter spec for checkValue), title]
const NUMBERS = [
  ['latencyMs', 'Min latency', 'ms', { min: 0 }, 'The least time a packet takes on this link'],
  ['spreadMs', 'Spread', 'ms', { min: 0 }, 'How much more it may take (see the latency model)'],
  ['loss', 'Loss', '0–1', { min: 0, max: 1 }, 'Chance that a packet is lost (fair-loss and arbitrary links)'],
  ['duplicate', 'Duplicate', '0–1', { min: 0, max: 1 }, 'Chance that a message arrives twice (arbitrary links)'],
  ['corrupt', 'Corrupt', '0–1', { min: 0, max: 1 }, 'Chance that a message arrives damaged (arbitrary links)'],
  ['bandwidthKbps', 'Bandwidth', 'kB/s', { min: 0 }, 'Kilobytes per second the link carries; 0 = unlimited'],
  ['mtu', 'MTU', 'bytes', { min: 1, integer: true }, 'Largest packet; bigger messages are split and queue one behind another'],
];

export class LinkMenu {
  constructor(menus, a, b) {
    this.menus = menus;
    this.app = menus.app;
    this.kind = 'link';
    this.a = a;
    this.b = b;
    this.loaded = null;
    this.stateText = '';
  }

  build() {
    const { menus, a, b } = this;
    const A = nodeName(a);
    const B = nodeName(b);
    const act = (method, x, y, oneWay) => {
      this.app.act(method, x, y, oneWay);
      this.refresh(true);
    };
    this.state = el('div', { class: 'link-state' });
    this.dir = el('select', { name: 'direction', 'aria-label': 'which direction to change' },
      el('option', { value: 'both', text: `both ways (${A} ↔ ${B})` }),
      el('option', { value: 'ab', text: `${A} → ${B} only` }),
      el('option', { value: 'ba', text: `${B} → ${A} only` }));
    this.dir.addEventListener('change', () => this.load());
    this.kindSel = el('select', { name: 'kind', 'aria-label': 'link kind' }, ...Object.keys(KINDS).map((k) => el('option', { value: k, text: k })));
    this.latSel = el('select', { name: 'latency', 'aria-label': 'latency model' }, ...Object.keys(LATENCY).map((k) => el('option', { value: k, text: k })));
    this.kindHelp = el('div', { class: 'help' });
    this.latHelp = el('div', { class: 'help' });
    this.kindSel.addEventListener('change', () => (this.kindHelp.textContent = KINDS[this.kindSel.value]));
    this.latSel.addEventListener('change', () => (this.latHelp.textContent = LATENCY[this.latSel.value]));
    this.inputs = new Map();
    const numberRows = NUMBERS.map(([field, label, unit, bounds, title]) => {
      const input = el('input', { type: 'text', name: field, inputMode: 'decimal', spellcheck: false, 'aria-label': `${label} (${unit})` });
      input.classList.add('num');
      const err = el('div', { class: 'field-error', hidden: true, role: 'alert' });
      input.addEventListener('input', () => this.check(field));
      this.inputs.set(field, { input, err, bounds, label });
      return el('div', { class: 'lf', title }, el('label', { text: label }), input, el('span', { class: 'unit', text: unit }), err);
    });
    this.fifo = el('input', { type: 'checkbox', name: 'fifo', id: 'link-fifo' });
    this.formError = el('div', { class: 'form-error', role: 'alert', hidden: true });
    const apply = menus.button('Apply', () => this.apply(), 'primary', 'Change the link from now on (recorded in the action log)');
    const form = el('div', { class: 'link-form' },
      el('div', { class: 'lf wide' }, el('label', { text: 'Change' }), this.dir),
      el('div', { class: 'lf wide' }, el('label', { text: 'Kind' }), this.kindSel, this.kindHelp),
      el('div', { class: 'lf wide' }, el('label', { text: 'Latency' }), this.latSel, this.latHelp),
      ...numberRows,
      el('div', { class: 'lf wide check' }, this.fifo, el('label', { htmlFor: 'link-fifo', text: 'FIFO: deliver in the order sent' })),
      el('div', { class: 'row' }, apply, menus.button('Revert', () => this.load(), '', 'Show the link’s current settings again')),
      this.formError);
    this.load();
    return [
      menus.header(`Link ${A} ↔ ${B}`, null),
      this.state,
      el('div', { class: 'button-grid' },
        menus.button('Cut both ways', () => act('cutLink', a, b, false), 'danger'),
        menus.button('Heal both ways', () => act('healLink', a, b, false)),
        menus.button(`Cut ${A} → ${B} only`, () => act('cutLink', a, b, true)),
        menus.button(`Cut ${B} → ${A} only`, () => act('cutLink', b, a, true))),
      el('hr'),
      el('div', { class: 'caps', text: 'Settings' }),
      form,
    ];
  }

  /** The direction the form edits: [from, to, oneWay]. */
  target() {
    const v = this.dir.value;
    return v === 'ba' ? [this.b, this.a, true] : [this.a, this.b, v === 'ab'];
  }

  info(x, y) {
    return this.app.linkInfo(x, y);
  }

  /** Fill the form with the current settings of the chosen direction. */
  load() {
    const [x, y, oneWay] = this.target();
    const info = this.info(x, y);
    if (!info) return;
    this.loaded = info;
    this.kindSel.value = info.kind;
    this.latSel.value = info.latency;
    this.kindHelp.textContent = KINDS[info.kind] ?? '';
    this.latHelp.textContent = LATENCY[info.latency] ?? '';
    for (const [field, { input, err }] of this.inputs) {
      input.value = fmtValue(info[field]);
      err.hidden = true;
      input.removeAttribute('aria-invalid');
    }
    this.fifo.checked = Boolean(info.fifo);
    const back = oneWay ? null : this.info(y, x);
    const differ = back && ['kind', 'latency', 'fifo', ...this.inputs.keys()].some((k) => back[k] !== info[k]);
    this.setError(differ ? `The two directions have different settings; showing ${nodeName(x)} → ${nodeName(y)}. Only the fields you change are applied to both.` : '', 'note');
  }

  check(field) {
    const f = this.inputs.get(field);
    const msg = checkValue(f.bounds, f.input.value);
    f.err.textContent = msg ?? '';
    f.err.hidden = !msg;
    f.input.setAttribute('aria-invalid', String(Boolean(msg)));
    return !msg;
  }

  setError(text, kind = 'error') {
    this.formError.textContent = text;
    this.formError.hidden = !text;
    this.formError.classList.toggle('note', kind === 'note');
  }

  apply() {
    if (!this.loaded) return;
    const props = {};
    let ok = true;
    for (const [field, { input }] of this.inputs) {
      if (!this.check(field)) ok = false;
      else if (Number(input.value) !== this.loaded[field]) props[field] = Number(input.value);
    }
    if (!ok) return this.setError('Not applied: fix the value marked in red.');
    if (this.kindSel.value !== this.loaded.kind) props.kind = this.kindSel.value;
    if (this.latSel.value !== this.loaded.latency) props.latency = this.latSel.value;
    if (this.fifo.checked !== this.loaded.fifo) props.fifo = this.fifo.checked ? 1 : 0;
    if (!Object.keys(props).length) return this.setError('Nothing to apply: no setting was changed.', 'note');
    const [x, y, oneWay] = this.target();
    const err = this.app.tryAct('setLink', x, y, props, oneWay);
    if (err) return this.setError(`Not applied: ${err}`);
    this.load();
    this.setError(`Applied to ${oneWay ? `${nodeName(x)} → ${nodeName(y)}` : 'both directions'}: ${Object.keys(props).join(', ')}.`, 'note');
  }

  refresh() {
    const f = this.app.frame;
    if (!f) return;
    const { a, b } = this;
    const link = (x, y) => f.links.find((l) => l.from === x && l.to === y);
    const part = Array.isArray(f.partition) ? f.partition : null;
    const desc = (x, y) => {
      const l = link(x, y);
      const up = l?.up === false ? 'cut' : part && part[x] !== part[y] ? 'cut (partition)' : 'up';
      return `${nodeName(x)} → ${nodeName(y)}: ${up}${l?.config ? ' (own settings)' : ''}`;
    };
    const text = `${desc(a, b)}  ·  ${desc(b, a)}`;
    if (text !== this.stateText) this.state.textContent = this.stateText = text;
  }
}
