// The partition tool: the student puts nodes into two or more groups (click a node, or drag a
// box around several, to move them into the chosen group), then Apply cuts every link between
// groups through partition(); Heal restores exactly the links the partition cut. While the tool
// is open the graph shows the draft groups as coloured rings; once applied, the groups are
// shaded (graph-overlays.js) and the timeline marks the partition and the heal.
import { el } from './controls.js';
import { theme, groupColour, groupName, nodeList, GROUP_COLOURS } from './format.js';

export class PartitionTool {
  constructor(app) {
    this.app = app;
    this.active = false;
    this.draft = new Map(); // node id -> group index
    this.groups = 2;
    this.current = 1;
    this.version = 0; // bumped on every change, so the panel knows when to redraw its list
  }

  /** Open the tool, starting from the partition in force if there is one. */
  start(frame) {
    this.active = true;
    this.draft.clear();
    const ids = frame?.nodes.map((n) => n.id) ?? [];
    const part = frame?.partition;
    if (Array.isArray(part)) {
      // Renumber the groups in force 0, 1, 2… in order of first appearance.
      const map = new Map();
      ids.forEach((id) => {
        const g = part[id] ?? 0;
        if (!map.has(g)) map.set(g, map.size);
        this.draft.set(id, map.get(g));
      });
      this.groups = Math.max(2, map.size);
      this.current = Math.min(1, this.groups - 1);
    } else {
      for (const id of ids) this.draft.set(id, 0);
      this.groups = 2;
      this.current = 1;
    }
    this.version++;
  }

  stop() {
    this.active = false;
    this.version++;
  }

  assign(ids) {
    for (const id of ids) if (this.draft.has(id)) this.draft.set(id, this.current);
    this.version++;
  }

  choose(g) {
    this.current = Math.max(0, Math.min(g, this.groups - 1));
    this.version++;
  }

  addGroup() {
    if (this.groups >= GROUP_COLOURS) return;
    this.groups++;
    this.current = this.groups - 1;
    this.version++;
  }

  clear() {
    for (const id of this.draft.keys()) this.draft.set(id, 0);
    this.groups = 2;
    this.current = 1;
    this.version++;
  }

  /** The draft as partition() wants it: non-empty groups only, in group order. */
  groupsList() {
    const out = Array.from({ length: this.groups }, () => []);
    for (const [id, g] of this.draft) out[g].push(id);
    for (const list of out) list.sort((a, b) => a - b);
    return out;
  }

  /** How many links (pairs of nodes) the draft would cut. */
  cutCount() {
    const sizes = this.groupsList().map((g) => g.length);
    const n = sizes.reduce((a, b) => a + b, 0);
    return (n * (n - 1)) / 2 - sizes.reduce((a, s) => a + (s * (s - 1)) / 2, 0);
  }

  apply() {
    const groups = this.groupsList().filter((g) => g.length);
    if (groups.length < 2) return 'Put at least one node in a second group first.';
    return this.app.tryAct('partition', groups);
  }
}

export class PartitionPanel {
  constructor(menus, tool) {
    this.menus = menus;
    this.app = menus.app;
    this.tool = tool;
    this.kind = 'partition';
    this.seen = -1;
    this.partSig = '';
  }

  build() {
    const { menus, tool } = this;
    this.list = el('div', { class: 'groups', role: 'radiogroup', 'aria-label': 'Group to put clicked nodes into' });
    this.summary = el('div', { class: 'meta' });
    this.error = el('div', { class: 'form-error', role: 'alert', hidden: true });
    this.btnAdd = menus.button('+ Group', () => tool.addGroup(), '', 'Add another group (up to six)');
    this.btnHeal = menus.button('Heal partition', () => this.heal(), '', 'Restore exactly the links the partition cut');
    return [
      menus.header('Partition tool', null),
      el('p', { class: 'explain', text: 'Choose a group, then click nodes in the graph (or drag a box around several) to move them into it. Apply cuts every link between different groups; Heal restores exactly those links — a link you cut by hand stays cut.' }),
      this.list,
      el('div', { class: 'row' }, this.btnAdd, menus.button('Clear', () => tool.clear(), '', 'Put every node back in group A')),
      this.summary,
      el('div', { class: 'row' },
        menus.button('Apply partition', () => this.apply(), 'primary', 'Cut every link between groups (recorded in the action log)'),
        this.btnHeal),
      this.error,
      el('div', { class: 'row' }, menus.button('Done', () => menus.close(), '', 'Leave the partition tool (p)')),
    ];
  }

  apply() {
    const err = this.tool.apply();
    this.error.textContent = err ? `Not applied: ${err}` : '';
    this.error.hidden = !err;
  }

  heal() {
    const err = this.app.tryAct('healPartition');
    this.error.textContent = err ? `Not healed: ${err}` : '';
    this.error.hidden = !err;
  }

  refresh() {
    const { tool } = this;
    const partitioned = Array.isArray(this.app.frame?.partition);
    this.btnHeal.disabled = !partitioned;
    const sig = `${partitioned}|${this.app.frame?.partition}`;
    if (tool.version === this.seen && sig === this.partSig) return;
    this.seen = tool.version;
    this.partSig = sig;
    const t = theme();
    const groups = tool.groupsList();
    this.list.replaceChildren(...groups.map((members, g) => {
      const b = el('button', { type: 'button', class: `group-pick${g === tool.current ? ' current' : ''}`, role: 'radio', 'aria-checked': String(g === tool.current) },
        el('span', { class: 'swatch' }), el('b', { text: `Group ${groupName(g)}` }),
        el('span', { class: 'members', text: members.length ? nodeList(members) : 'empty' }));
      b.style.setProperty('--c', groupColour(g, t));
      b.addEventListener('click', () => tool.choose(g));
      return b;
    }));
    this.btnAdd.disabled = tool.groups >= GROUP_COLOURS;
    const cuts = tool.cutCount();
    const nonEmpty = groups.filter((g) => g.length).length;
    this.summary.textContent = nonEmpty < 2
      ? `Clicking a node now puts it in group ${groupName(tool.current)}.`
      : `Applying cuts ${cuts} link${cuts === 1 ? '' : 's'} (both ways) between ${nonEmpty} groups.${partitioned ? ' A partition is in force now.' : ''}`;
  }

  closed() {
    this.tool.stop();
    this.app.onPartitionToolClosed?.();
  }
}
