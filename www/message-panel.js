// The message inspector: click a message in flight on the graph, or its arrow on the timeline,
// and this panel shows what it carries — its bytes as hex (16 a row, with offsets and the
// printable characters) beside the fields the scenario decodes from them — and lets the student
// drop it while it is still on its way. Field names that start with a byte offset ("0–1 magic",
// "4–7 request id") are tied to their bytes: hover one to light up the other.
import { el } from './controls.js';
import { nodeName, fmtClock, fmtDuration, fmtValue } from './format.js';
import { findMessage } from './messages.js';

const PER_ROW = 16;
// Details remembered per run: the core keeps delivered messages only for a while.
const CACHE_MAX = 600;

/** "4–7 request id" → [4, 7]; "9 procedure" → [9, 9]; anything else → null. */
export function byteRange(name) {
  const m = /^(\d+)(?:\s*[–-]\s*(\d+))?\s/.exec(String(name));
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return b >= a ? [a, b] : null;
}

/** "52 50 01" → ['52', '50', '01']. */
export const hexBytes = (hex) => (hex ? String(hex).trim().split(/\s+/).filter(Boolean) : []);

export class MessagePanel {
  constructor(app) {
    this.app = app;
    this.box = el('div', { id: 'msg-panel', class: 'msg-panel', role: 'dialog', 'aria-label': 'Message inspector', hidden: true });
    this.box.tabIndex = -1;
    document.body.append(this.box);
    this.cache = new Map(); // message id -> detail from inspectMessage
    this.sim = null;
    this.msg = null; // what is shown: { id, from, to, label, sentAt, state, at, reason, progress }
  }

  get open() {
    return this.msg !== null;
  }

  /** A new run: details of the old one mean nothing now. */
  checkRun() {
    if (this.app.sim === this.sim) return;
    this.sim = this.app.sim;
    this.cache.clear();
    this.close();
  }

  remember(d) {
    if (!d) return;
    this.cache.set(d.id, d);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value);
  }

  /** Ask the core about a message, when the student opens it: the core answers while it is on
   *  its way and for a while after delivery (null once it is no longer kept). */
  ask(id) {
    const d = this.app.inspectMessage(id);
    this.remember(d);
    return d;
  }

  /** Called once per frame: notes what became of the shown message. No calls into the core. */
  ingest(frame) {
    this.checkRun();
    if (!frame) return;
    // After a seek or an undo the run may take another branch: what was learnt may not hold.
    if (frame.reset) {
      this.cache.clear();
      if (this.msg) this.msg.state = 'gone';
    }
    const s = this.msg;
    if (!s) return;
    for (const e of frame.events ?? []) {
      if (e.msg !== s.id || e.from !== s.from) continue;
      if (e.kind === 'deliver') Object.assign(s, { state: 'delivered', at: e.t, corrupt: e.corrupt });
      else if (e.kind === 'lost') Object.assign(s, { state: 'lost', at: e.t, reason: e.reason });
      else if (e.kind === 'discard' && s.state !== 'delivered') Object.assign(s, { state: 'discarded', at: e.t });
    }
    const live = findMessage(frame, s.id, s.from);
    if (live >= 0) Object.assign(s, { state: 'in flight', progress: frame.msgs.progress[live] });
    else if (s.state === 'in flight') s.state = 'gone';
    this.refresh();
  }

  /** Show message `ev` (a frame message, or a trace event about one), next to `anchor`. */
  show(ev, anchor) {
    this.checkRun();
    const id = ev.id ?? ev.msg;
    if (id == null) return;
    const from = ev.from ?? ev.node;
    const to = ev.kind === 'deliver' || ev.kind === 'discard' ? ev.node : ev.to ?? ev.node;
    const frame = this.app.frame;
    const live = findMessage(frame, id, from);
    const s = { id, from, to, label: ev.label, sentAt: ev.sentAt, state: live >= 0 ? 'in flight' : 'gone',
      progress: live >= 0 ? frame.msgs.progress[live] : undefined };
    if (ev.kind === 'deliver') Object.assign(s, { state: 'delivered', at: ev.t, corrupt: ev.corrupt });
    if (ev.kind === 'lost') Object.assign(s, { state: 'lost', at: ev.t, reason: ev.reason });
    if (ev.kind === 'discard') Object.assign(s, { state: 'discarded', at: ev.t });
    this.msg = s;
    const d = this.ask(id) ?? this.cache.get(id);
    this.detail = d ?? null;
    this.build();
    this.refresh(true);
    this.place(anchor);
  }

  close() {
    if (!this.msg) return;
    this.msg = null;
    this.detail = null;
    this.box.hidden = true;
    this.box.replaceChildren();
  }

  drop() {
    const s = this.msg;
    if (!s || s.state !== 'in flight') return;
    if (this.app.act('dropMessage', s.id)) {
      Object.assign(s, { state: 'lost', reason: 'dropped', at: this.app.frame?.now });
      this.refresh(true);
    }
  }

  // ------------------------------------------------------------------ building

  build() {
    const s = this.msg;
    const d = this.detail;
    const close = el('button', { type: 'button', class: 'close', title: 'Close (Esc)', text: '✕', 'aria-label': 'Close' });
    close.addEventListener('click', () => this.close());
    this.stateBadge = el('span', { class: 'badge' });
    this.meta = el('div', { class: 'meta' });
    this.dropBtn = el('button', { type: 'button', class: 'danger drop', text: 'Drop this message', title: 'Lose this message where it is now (recorded as dropped)' });
    this.dropBtn.addEventListener('click', () => this.drop());
    this.dropNote = el('span', { class: 'unit' });
    const head = el('h3', {},
      el('span', { class: 'title', text: `message ${fmtValue(d?.label ?? s.label)}` }),
      el('span', { class: 'sub', text: `${nodeName(s.from)} → ${nodeName(s.to)}` }),
      this.stateBadge, close);
    const body = el('div', { class: 'msg-body' });
    const bytes = hexBytes(d?.hex);
    this.cells = [];
    this.rows = [];
    if (bytes.length) body.append(this.hexView(bytes));
    body.append(this.fieldsView(d, bytes.length > 0));
    this.box.classList.toggle('with-bytes', bytes.length > 0);
    this.box.replaceChildren(head, this.meta, el('div', { class: 'row' }, this.dropBtn, this.dropNote), body);
  }

  hexView(bytes) {
    const grid = el('div', { class: 'hex', role: 'table', 'aria-label': `${bytes.length} bytes in hexadecimal` });
    grid.append(el('div', { class: 'hex-head', role: 'row' },
      el('span', { class: 'off', text: 'offset' }),
      el('span', { class: 'bytes', text: Array.from({ length: PER_ROW }, (_, i) => i.toString(16).padStart(2, '0')).join(' ') }),
      el('span', { class: 'ascii', text: 'text' })));
    for (let r = 0; r < bytes.length; r += PER_ROW) {
      const row = el('div', { class: 'hex-row', role: 'row' }, el('span', { class: 'off', text: r.toString(16).padStart(4, '0') }));
      const cells = el('span', { class: 'bytes' });
      const ascii = el('span', { class: 'ascii' });
      for (let i = r; i < Math.min(r + PER_ROW, bytes.length); i++) {
        const b = el('span', { class: 'b', text: bytes[i], 'data-i': String(i) });
        const code = parseInt(bytes[i], 16);
        const ch = el('span', { class: 'c', text: code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '·', 'data-i': String(i) });
        this.cells[i] = [b, ch];
        cells.append(b);
        ascii.append(ch);
      }
      row.append(cells, ascii);
      grid.append(row);
    }
    grid.addEventListener('pointerover', (e) => {
      const i = Number(e.target?.dataset?.i);
      if (!Number.isInteger(i)) return;
      const k = this.rows.findIndex((r) => r.range && i >= r.range[0] && i <= r.range[1]);
      this.light(k >= 0 ? this.rows[k].range : [i, i], k);
    });
    grid.addEventListener('pointerleave', () => this.light(null, -1));
    return el('div', { class: 'hex-box' }, el('div', { class: 'caps', text: `bytes · ${bytes.length}` }), grid);
  }

  fieldsView(d, hasBytes) {
    const wrap = el('div', { class: 'msg-fields' });
    const fields = Array.isArray(d?.fields) ? d.fields : [];
    wrap.append(el('div', { class: 'caps', text: hasBytes ? 'decoded fields' : 'fields' }));
    if (!d) {
      wrap.append(el('p', { class: 'explain', text: 'The simulator answers only for a message still on its way, and this one was not caught in flight: pause the run and click it (or its arrow) before it arrives to see what it carries.' }));
      return wrap;
    }
    if (!fields.length) {
      wrap.append(el('p', { class: 'explain', text: 'This scenario puts no fields in its messages: the label is all there is.' }));
      return wrap;
    }
    const table = el('table', { class: 'state-table' });
    fields.forEach(([k, v], n) => {
      const range = hasBytes ? byteRange(k) : null;
      const tr = el('tr', { class: range ? 'linked' : '' }, el('td', { text: String(k) }), el('td', { text: fmtValue(v) }));
      this.rows.push({ tr, range });
      if (range) {
        tr.addEventListener('pointerenter', () => this.light(range, n));
        tr.addEventListener('pointerleave', () => this.light(null, -1));
      }
      table.append(tr);
    });
    wrap.append(table);
    if (!hasBytes) wrap.append(el('p', { class: 'explain', text: 'This scenario does not encode its messages as real bytes; these are the fields it carries.' }));
    return wrap;
  }

  /** Highlight bytes a..b and field row k (either may be absent). */
  light(range, k) {
    for (const c of this.box.querySelectorAll('.lit')) c.classList.remove('lit');
    if (range) for (let i = range[0]; i <= range[1]; i++) for (const c of this.cells[i] ?? []) c.classList.add('lit');
    if (k >= 0) this.rows[k]?.tr.classList.add('lit');
  }

  // ------------------------------------------------------------------ live state

  refresh(force = false) {
    const s = this.msg;
    if (!s || !this.meta) return;
    const d = this.detail;
    const sig = `${s.state}|${s.reason}|${s.at}|${Math.round((s.progress ?? 0) * 20)}`;
    if (!force && sig === this.sig) return;
    this.sig = sig;
    const parts = [`id ${s.id}`];
    if (d?.size != null) parts.push(`${fmtValue(d.size)} bytes`);
    const sentAt = d?.sentAt ?? s.sentAt;
    if (sentAt != null) parts.push(`sent at ${fmtClock(sentAt)}`);
    let state = s.state;
    if (s.state === 'in flight') parts.push(`on its way (${Math.round((s.progress ?? 0) * 100)}%)`);
    else if (s.state === 'delivered') parts.push(`delivered at ${fmtClock(s.at)}${sentAt != null ? ` after ${fmtDuration(s.at - sentAt)}` : ''}${s.corrupt ? ', damaged' : ''}`);
    else if (s.state === 'lost') {
      parts.push(s.reason === 'dropped' ? 'dropped by you' : `lost: ${s.reason ?? 'on the way'}`);
      if (s.reason === 'dropped') state = 'dropped';
    } else if (s.state === 'discarded') parts.push('arrived again and was discarded as a duplicate');
    else parts.push('no longer in flight');
    this.meta.textContent = parts.join(' · ');
    this.stateBadge.textContent = state;
    this.stateBadge.className = `badge msg-${state.replace(/\s+/g, '-')}`;
    const inFlight = s.state === 'in flight';
    this.dropBtn.disabled = !inFlight;
    this.dropNote.textContent = inFlight ? '' : 'only a message in flight can be dropped';
  }

  /** Beside the clicked point if there is room, else above or below it: never over it. */
  place(anchor = { x: 200, y: 200 }) {
    const box = this.box;
    box.hidden = false;
    const r = box.getBoundingClientRect();
    const W = window.innerWidth;
    const H = window.innerHeight;
    const gap = 18;
    const clampX = (x) => Math.max(8, Math.min(x, W - r.width - 8));
    const clampY = (y) => Math.max(8, Math.min(y, H - r.height - 8));
    let x;
    let y;
    if (anchor.x + gap + r.width <= W - 8) [x, y] = [anchor.x + gap, clampY(anchor.y - 40)];
    else if (anchor.x - gap - r.width >= 8) [x, y] = [anchor.x - gap - r.width, clampY(anchor.y - 40)];
    else if (anchor.y + gap + r.height <= H - 8) [x, y] = [clampX(anchor.x - r.width / 2), anchor.y + gap];
    else if (anchor.y - gap - r.height >= 8) [x, y] = [clampX(anchor.x - r.width / 2), anchor.y - gap - r.height];
    else [x, y] = [clampX(anchor.x + gap), clampY(anchor.y - 40)];
    box.style.left = `${x}px`;
    box.style.top = `${y}px`;
    box.focus({ preventScroll: true });
  }
}
