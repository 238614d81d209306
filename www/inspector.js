// The node inspector's table: a node's volatile and stable fields, made readable when there are
// many. Keys that are paths ("via 0→2→3") nest under their parent ("via 0→2") and fold; a run
// of rows that start with the same word ("txn 4", "txn 3", …) folds into one group; rows a
// scenario rule picks out (inspector-rules.js) are highlighted. What the student opened or
// closed is remembered across refreshes in `open` (a Map the caller keeps).
import { el } from './controls.js';
import { fmtValue } from './format.js';
import { rowRules, startsFolded } from './inspector-rules.js';

const GROUP_MIN = 5; // consecutive rows with the same first word that make a group
const LONG = 16; // a section longer than this starts with its subtrees folded

const firstWord = (k) => /^[^\s#:→·]+/.exec(k)?.[0] ?? k;
const parentOf = (k) => (k.includes('→') ? k.replace(/→[^→]*$/, '') : null);

/**
 * Rows → items: [{ key, value, depth, children: [items] }], path keys nested under their parent
 * when the parent is listed too.
 */
export function nest(rows) {
  const items = rows.map(([k, v]) => ({ key: String(k), value: v, children: [], depth: 0 }));
  const byKey = new Map(items.map((it) => [it.key, it]));
  const top = [];
  for (const it of items) {
    const p = parentOf(it.key);
    const parent = p !== null ? byKey.get(p) : undefined;
    if (parent && parent !== it) parent.children.push(it);
    else top.push(it);
  }
  const setDepth = (it, d) => {
    it.depth = d;
    it.children.forEach((c) => setDepth(c, d + 1));
  };
  top.forEach((it) => setDepth(it, 0));
  return top;
}

/** Top-level items → runs: { group: word|null, items }. */
export function groupRuns(items) {
  const runs = [];
  for (const it of items) {
    const w = firstWord(it.key);
    const last = runs[runs.length - 1];
    if (last && last.word === w) last.items.push(it);
    else runs.push({ word: w, items: [it] });
  }
  return runs.map((r) => ({ group: r.items.length >= GROUP_MIN ? r.word : null, items: r.items }));
}

const count = (items) => items.reduce((n, it) => n + 1 + count(it.children), 0);

/** Fill `table` with the inspection `info` of a node of `scenario`. */
export function renderInspection(table, info, { scenario, open }) {
  const body = [];
  const section = (name, title, rows, empty) => {
    if (rows === null || !rows.length) {
      body.push(el('tr', { class: 'section' }, el('th', { colSpan: 2, text: title })));
      if (rows === null) return body.push(el('tr', { class: 'lostvol' }, el('td', { colSpan: 2, text: empty })));
      return body.push(el('tr', {}, el('td', { colSpan: 2, class: 'muted', text: '(empty)' })));
    }
    const sid = `${name}|section`;
    const sectionOpen = open.get(sid) ?? !startsFolded(scenario, name);
    const b = foldButton(sectionOpen, () => open.set(sid, !sectionOpen));
    body.push(el('tr', { class: 'section' }, el('th', { colSpan: 2 }, b, title, sectionOpen ? '' : el('span', { class: 'more', text: ` (${rows.length} rows)` }))));
    if (!sectionOpen) return undefined;
    const rule = rowRules(scenario, rows);
    const long = rows.length > LONG;
    for (const run of groupRuns(nest(rows))) {
      let hideAll = false;
      if (run.group) {
        const id = `${name}|group|${run.group}`;
        const isOpen = open.get(id) ?? run.items.length <= 12;
        const n = count(run.items);
        body.push(toggleRow(`${run.group} …`, `${run.items.length} ${run.items.length === n ? 'entries' : `entries, ${n} in all`}`, isOpen, 0, () => open.set(id, !isOpen), 'group-head'));
        hideAll = !isOpen;
      }
      const add = (it, hidden, depth) => {
        const id = `${name}|tree|${it.key}`;
        const hasKids = it.children.length > 0;
        const isOpen = open.get(id) ?? (!long || it.depth === 0);
        const flag = rule(it.key, it.value);
        const tr = hasKids
          ? toggleRow(it.key, it.value, isOpen, depth, () => open.set(id, !isOpen), '', `${count(it.children)} below`)
          : valueRow(it.key, it.value, depth);
        if (flag) {
          tr.classList.add(flag[0]);
          if (flag[1]) tr.title = flag[1];
        }
        tr.hidden = hidden;
        body.push(tr);
        for (const c of it.children) add(c, hidden || !isOpen, depth + 1);
      };
      for (const it of run.items) add(it, hideAll, run.group ? 1 : 0);
    }
  };
  section('v', 'Volatile (lost on crash)', info.volatile ?? null, 'lost — the node is crashed');
  section('s', 'Stable storage (survives crashes)', info.stable ?? [], '');
  table.replaceChildren(...body);
  // A click on a toggle re-renders from `open` at once (the caller's refresh would come later).
  table.onclick = (e) => {
    const b = e.target.closest?.('button.fold');
    if (!b) return;
    b.onfold?.();
    renderInspection(table, info, { scenario, open });
  };
}

function valueRow(key, value, depth) {
  const k = el('td', { text: key });
  if (depth) k.style.paddingLeft = `${depth * 1.1 + (depth ? 1.25 : 0)}em`;
  return el('tr', { 'data-depth': String(depth) }, k, valueCell(value));
}

function foldButton(isOpen, onFold) {
  const b = el('button', { type: 'button', class: 'fold', text: isOpen ? '▾' : '▸', 'aria-expanded': String(isOpen), title: isOpen ? 'Fold' : 'Unfold' });
  b.onfold = onFold;
  return b;
}

/** Hex, numbers and durations keep the monospace font; words read better in the page's font. */
const mono = (v) => /^([0-9a-f]{2} )*[0-9a-f]{2}$|^[-−+]?[\d.,:]+(\s?[a-zµ%]{1,5})?$/i.test(String(v).trim());

function valueCell(value) {
  const text = fmtValue(value);
  return el('td', { text, class: mono(text) ? 'mono' : 'words' });
}

function toggleRow(key, value, isOpen, depth, onFold, cls = '', more = '') {
  const b = foldButton(isOpen, onFold);
  const k = el('td', {}, b, el('span', { text: key }));
  if (depth) k.style.paddingLeft = `${depth * 1.1}em`;
  const v = valueCell(value);
  if (more && !isOpen) v.append(el('span', { class: 'more', text: ` (${more})` }));
  return el('tr', { class: `fold-row ${cls}`, 'data-depth': String(depth) }, k, v);
}
