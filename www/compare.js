// Side by side: for scenarios where the point is what two nodes know of each other (the two
// generals), a card under the graph shows the same inspector fields of each, in columns, kept
// current a few times a second. Which nodes and fields: COMPARE below, by the core's field names.
import { el } from './controls.js';
import { nodeName, fmtValue } from './format.js';

const EVERY_MS = 250; // inspectNode() is an extra call per node: a few times a second, not per frame

const COMPARE = {
  'two-generals': {
    title: 'What each general knows',
    nodes: [0, 1],
    lead: 'knowledge', // the big line
    formula: 'formally', // under it, in monospace
    rows: ['decision', 'cannot know'],
    down: 'down: what it knew is lost',
  },
};

export class ComparePanel {
  constructor(app, host) {
    this.app = app;
    this.box = el('section', { class: 'compare-card', id: 'compare', hidden: true, 'aria-live': 'polite' });
    host.append(this.box);
    this.spec = null;
    this.last = 0;
    this.sig = '';
  }

  /** Called every frame: rebuilt when the scenario changes, refreshed a few times a second. */
  update(frame) {
    const spec = COMPARE[this.app.scenarioId] ?? null;
    if (spec !== this.spec) {
      this.spec = spec;
      this.sig = '';
      this.last = 0;
      this.box.hidden = !spec;
    }
    if (!spec || !frame) return;
    const now = performance.now();
    if (now - this.last < EVERY_MS) return;
    this.last = now;
    const cols = spec.nodes.filter((id) => frame.nodes.some((n) => n.id === id)).map((id) => {
      const nd = frame.nodes.find((n) => n.id === id);
      const info = this.app.inspect(id);
      const fields = new Map([...(info?.volatile ?? []), ...(info?.stable ?? [])].map(([k, v]) => [String(k), v]));
      return { id, role: nd.role, down: info?.volatile == null, fields };
    });
    const sig = JSON.stringify(cols.map((c) => [c.id, c.down, [...c.fields]]), (_, v) => (typeof v === 'bigint' ? String(v) : v));
    if (sig === this.sig) return;
    this.sig = sig;
    this.draw(spec, cols);
  }

  draw(spec, cols) {
    const levels = cols.map((c) => Number(c.fields.get('level')));
    const grid = el('div', { class: 'compare-cols' }, ...cols.map((c, i) => {
      const col = el('div', { class: 'compare-col', 'data-node': String(c.id) });
      col.append(el('div', { class: 'who' }, el('b', { text: c.role ?? nodeName(c.id) }), el('span', { class: 'muted', text: ` ${nodeName(c.id)}` })));
      if (c.down) {
        col.append(el('div', { class: 'lead down', text: spec.down }));
      } else {
        const behind = levels.length === 2 && levels[i] < levels[1 - i];
        col.append(el('div', { class: `lead${behind ? ' behind' : ''}`, text: fmtValue(c.fields.get(spec.lead) ?? '—') }));
        if (c.fields.has(spec.formula)) col.append(el('div', { class: 'formula', text: fmtValue(c.fields.get(spec.formula)) }));
      }
      const dl = el('dl');
      for (const k of spec.rows) {
        if (!c.fields.has(k)) continue;
        dl.append(el('dt', { text: k }), el('dd', { class: k === 'cannot know' ? 'unsure' : '', text: fmtValue(c.fields.get(k)) }));
      }
      col.append(dl);
      return col;
    }));
    this.box.replaceChildren(el('div', { class: 'caps', text: spec.title }), grid);
  }
}
