// The parameter panel, generated from the scenario's declared parameters: one field per
// parameter with its help and bounds, grouped the way the course describes a system model,
// and checked here before the simulator sees them so a bad value gets its message next to
// the field it belongs to (the simulator still checks everything; its messages land there too).
import { el } from './controls.js';
import { fmtValue, groupDigits } from './format.js';

const $ = (id) => document.getElementById(id);

// The shared system-model parameters (src/scenarios/model.rs) by name; everything a scenario
// declares beyond these is its own and comes first, under the scenario's name.
const GROUPS = [
  ['Links', ['link_kind', 'latency', 'latency_ms', 'spread_ms', 'loss', 'duplicate', 'corrupt', 'fifo', 'bandwidth_kbps', 'mtu']],
  ['Transport', ['retransmit', 'rto_ms', 'checksum']],
  ['Timing', ['timing', 'bound_ms', 'gst_ms']],
  ['Faults', ['fault_model', 'traitors', 'mtbf_s', 'mttr_s']],
];
const GROUP_OF = new Map(GROUPS.flatMap(([g, names]) => names.map((n) => [n, g])));

export function defaults(spec) {
  return Object.fromEntries((spec.params ?? []).map((p) => [p.name, p.default]));
}

const fmtBound = (v) => (Math.abs(v) >= 10000 ? groupDigits(v) : fmtValue(v));

/** "0 – 1", "≥ 0", "whole number, 1 – 2,000". */
export function boundsText(p) {
  if (Array.isArray(p.choices)) return '';
  const lo = p.min != null;
  const hi = p.max != null;
  const range = lo && hi ? `${fmtBound(p.min)} – ${fmtBound(p.max)}` : lo ? `≥ ${fmtBound(p.min)}` : hi ? `≤ ${fmtBound(p.max)}` : '';
  return [p.integer ? 'whole number' : '', range].filter(Boolean).join(', ');
}

/** Why `text` is not an acceptable value for numeric parameter p, or null if it is. */
export function checkValue(p, text) {
  const s = String(text).trim();
  if (s === '') return 'Enter a number.';
  const v = Number(s);
  if (!Number.isFinite(v)) return `“${s}” is not a number.`;
  if (p.integer && !Number.isInteger(v)) return 'Must be a whole number.';
  if (p.min != null && v < p.min) return `Too small: the least allowed is ${fmtBound(p.min)}.`;
  if (p.max != null && v > p.max) return `Too large: the most allowed is ${fmtBound(p.max)}.`;
  return null;
}

export class ParamsPanel {
  constructor({ onApply, onError }) {
    this.spec = null;
    this.onApply = onApply;
    this.onError = onError;
    $('params-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    $('btn-defaults').addEventListener('click', () => {
      if (this.spec) this.build(this.spec, defaults(this.spec));
    });
  }

  build(spec, values) {
    this.spec = spec;
    this.fields = new Map();
    const groups = new Map([[spec.title || 'Scenario', []]]);
    for (const [g] of GROUPS) groups.set(g, []);
    for (const p of spec.params ?? []) groups.get(GROUP_OF.get(p.name) ?? (spec.title || 'Scenario')).push(this.field(p, values?.[p.name] ?? p.default));
    const sections = [...groups].filter(([, f]) => f.length).map(([name, fields], i) => {
      const d = el('details', { class: 'param-group', open: i === 0 }, el('summary', { text: name }), ...fields);
      d.dataset.group = name;
      return d;
    });
    $('params').replaceChildren(...(sections.length ? sections : [el('p', { class: 'none muted', text: 'This scenario has no parameters.' })]));
    this.showFormError('');
  }

  field(p, v) {
    const id = `param-${p.name}`;
    let input;
    if (Array.isArray(p.choices)) {
      input = el('select', { id, name: p.name }, ...p.choices.map((c) => el('option', { value: c, text: c })));
      input.value = String(v);
    } else {
      // type=text with inputmode: a number input silently turns "1e" or "0,5" into "" and
      // then we could not say what was wrong with what the student typed.
      input = el('input', { id, name: p.name, type: 'text', inputMode: p.integer ? 'numeric' : 'decimal', value: String(v), spellcheck: false });
      input.classList.add('num');
      input.addEventListener('input', () => this.check(p));
      input.addEventListener('blur', () => this.check(p));
    }
    const bounds = boundsText(p);
    const help = el('div', { class: 'help', id: `${id}-help` });
    if (p.help) help.append(p.help);
    if (bounds) help.append(el('span', { class: 'bounds', text: `${p.help ? ' ' : ''}(${bounds})` }));
    const error = el('div', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
    input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
    const label = el('label', { htmlFor: id, text: p.label || p.name });
    if (p.help) label.title = p.help;
    const box = el('div', { class: 'field' }, label, input, help, error);
    box.dataset.param = p.name;
    this.fields.set(p.name, { p, input, error, box });
    return box;
  }

  /** Show (or clear) the message under one field; returns whether the value is acceptable. */
  check(p) {
    const f = this.fields.get(p.name);
    if (!f || Array.isArray(p.choices)) return true;
    const msg = checkValue(p, f.input.value);
    this.setFieldError(p.name, msg);
    return !msg;
  }

  setFieldError(name, msg) {
    const f = this.fields.get(name);
    if (!f) return;
    f.error.textContent = msg ?? '';
    f.error.hidden = !msg;
    f.box.classList.toggle('invalid', Boolean(msg));
    f.input.setAttribute('aria-invalid', String(Boolean(msg)));
    if (msg) f.box.closest('details').open = true;
  }

  showFormError(msg) {
    $('params-error').textContent = msg;
    $('params-error').hidden = !msg;
  }

  /** The values in the form, or null (with messages shown) if any is refused. */
  read() {
    const out = {};
    let firstBad = null;
    for (const { p, input } of this.fields.values()) {
      if (Array.isArray(p.choices)) {
        out[p.name] = input.value;
      } else if (this.check(p)) {
        out[p.name] = Number(input.value.trim());
      } else firstBad ??= input;
    }
    if (firstBad) {
      $('params-panel').open = true;
      firstBad.focus({ preventScroll: true });
      firstBad.scrollIntoView({ block: 'nearest' });
      return null;
    }
    return out;
  }

  submit() {
    if (!this.spec) return;
    const values = this.read();
    if (!values) {
      this.showFormError('Not applied: fix the value marked in red.');
      this.onError?.('Not applied: a parameter is out of bounds (see the parameter panel).');
      return;
    }
    this.showFormError('');
    const err = this.onApply(this.spec.id, values);
    if (err) this.showSimError(err);
  }

  /** The simulator refused the parameters: put its message next to the field it names. */
  showSimError(message) {
    const m = /parameter '([^']+)'/.exec(message);
    if (m && this.fields.has(m[1])) {
      this.setFieldError(m[1], message.replace(/^parameter '[^']+':\s*/, ''));
      this.showFormError('Not applied: fix the value marked in red.');
    } else this.showFormError(`Not applied: ${message}`);
  }
}
