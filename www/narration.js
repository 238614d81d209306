// The scenario's narration: title, summary and "try this" prompts from its spec, the claims
// panel from frame().verdicts, and the timing model in force (a chip over the graph). Updated
// every frame but touched only when something changed, so nothing flickers or loses a selection.
import { el } from './controls.js';
import { fmtDuration, fmtClock } from './format.js';

const $ = (id) => document.getElementById(id);

const STATUS = {
  holds: { mark: '✓', word: 'holds' },
  fails: { mark: '✗', word: 'fails' },
  pending: { mark: '…', word: 'not yet decided' },
};

/** One line saying what the timing model promises, in the course's words. */
export function timingText(timing, now = 0) {
  if (!timing) return { short: 'no timing model', long: 'No timing model: delays are whatever the links’ latency settings give.' };
  const d = fmtDuration(timing.bound ?? timing.scale ?? 0);
  switch (timing.model) {
    case 'synchronous':
      return { short: `synchronous: every delay ≤ ${d}`, long: `Synchronous: every network delay is at most Δ = ${d}, and the nodes may rely on it.` };
    case 'partially-synchronous': {
      const after = now >= timing.gst;
      return {
        short: `partially synchronous: ${after ? `GST passed, every delay ≤ ${d}` : `no bound until GST (${fmtClock(timing.gst)}), then ≤ ${d}`}`,
        long: `Partially synchronous: delays are unbounded until the global stabilisation time GST = ${fmtClock(timing.gst)}, and at most Δ = ${d} after it. The nodes don’t know when GST is.`,
      };
    }
    case 'asynchronous':
      return { short: 'asynchronous: no bound on delays', long: `Asynchronous: delays have no bound at all (heavy-tailed, typically around ${fmtDuration(timing.scale ?? 0)} extra). A slow node and a crashed one look the same.` };
    default:
      return { short: String(timing.model), long: String(timing.model) };
  }
}

export class Narration {
  constructor() {
    this.claimRows = new Map(); // claim text -> {li, status, detail}
    this.timingKey = '';
  }

  show(spec) {
    $('scenario-title').textContent = spec?.title ?? '';
    $('scenario-summary').textContent = spec?.summary ?? '';
    const tries = spec?.tryThis ?? [];
    $('try-list').replaceChildren(...tries.map((text) => el('li', { text })));
    $('try-this').hidden = tries.length === 0;
    this.claimRows.clear();
    $('claims-list').replaceChildren();
    $('claims').hidden = true;
    this.timingKey = '';
  }

  /** Claims as this run bears them out; rows are kept and patched so a live update doesn't flicker. */
  updateVerdicts(verdicts) {
    const list = Array.isArray(verdicts) ? verdicts : [];
    $('claims').hidden = list.length === 0;
    const seen = new Set();
    let prev = null;
    for (const v of list) {
      seen.add(v.claim);
      let row = this.claimRows.get(v.claim);
      if (!row) {
        const mark = el('span', { class: 'mark', 'aria-hidden': 'true' });
        const word = el('span', { class: 'visually-hidden' });
        const detail = el('div', { class: 'detail' });
        const li = el('li', {}, mark, el('div', { class: 'body' }, el('div', { class: 'claim', text: v.claim }), word, detail));
        row = { li, mark, word, detail, status: null, text: null };
        this.claimRows.set(v.claim, row);
      }
      if (row.status !== v.status) {
        const s = STATUS[v.status] ?? { mark: '?', word: String(v.status) };
        if (row.status !== null) {
          // A claim that changes its verdict deserves a glance: flash the row once.
          row.li.classList.remove('changed', `claim-${row.status}`);
          void row.li.offsetWidth; // restart the animation
          row.li.classList.add('changed');
        }
        row.li.classList.add(`claim-${v.status}`);
        row.status = v.status;
        row.mark.textContent = s.mark;
        row.word.textContent = ` (${s.word})`;
      }
      const detail = v.detail ?? '';
      if (row.text !== detail) {
        row.text = detail;
        row.detail.textContent = detail;
        row.detail.hidden = !detail;
      }
      // Keep the order the scenario gives, moving a row only if it is out of place.
      const want = prev ? prev.nextSibling : $('claims-list').firstChild;
      if (want !== row.li) $('claims-list').insertBefore(row.li, want);
      prev = row.li;
    }
    for (const [claim, row] of this.claimRows) {
      if (!seen.has(claim)) {
        row.li.remove();
        this.claimRows.delete(claim);
      }
    }
  }

  updateTiming(timing, now) {
    const { short, long } = timingText(timing, now);
    const key = `${short}|${long}`;
    if (key === this.timingKey) return;
    this.timingKey = key;
    const chip = $('timing-chip');
    chip.hidden = !timing;
    chip.replaceChildren(el('span', { class: 'caps', text: 'timing' }), ' ', short);
    chip.title = long;
    chip.dataset.model = timing?.model ?? '';
  }
}
