// The floating (or docked) panel that holds one of: the node menu, the link editor, or the
// partition tool. This file owns the box and its placement; the contents live in node-menu.js,
// link-menu.js and partition.js. Built with DOM APIs only: simulator data reaches the page as
// textContent, never as markup.
import { el } from './controls.js';
import { NodeMenu } from './node-menu.js';
import { LinkMenu } from './link-menu.js';
import { PartitionPanel } from './partition.js';

export class Menus {
  constructor(app, box) {
    this.app = app;
    this.box = box;
    box.tabIndex = -1;
    this.view = null; // NodeMenu | LinkMenu | PartitionPanel
    document.addEventListener('pointerdown', (e) => {
      // A floating menu closes on a click elsewhere; a docked one stays while the student plays,
      // steps or resets. Canvases decide for themselves (a click may open another menu).
      if (this.view && !this.docked && !this.box.contains(e.target) && e.target.tagName !== 'CANVAS' && !e.target.closest?.('.toolbar')) this.close();
    });
  }

  get open() {
    return this.view !== null;
  }

  /** 'node' | 'link' | 'partition' | null */
  get kind() {
    return this.view?.kind ?? null;
  }

  get nodeId() {
    return this.view?.kind === 'node' ? this.view.id : null;
  }

  close() {
    if (!this.view) return;
    const v = this.view;
    this.view = null;
    this.box.hidden = true;
    this.box.replaceChildren();
    v.closed?.();
    this.app.onMenuClosed?.(v.kind);
  }

  show(view, anchor) {
    this.close();
    this.view = view;
    this.box.dataset.kind = view.kind;
    this.box.replaceChildren(...view.build());
    view.refresh(true);
    this.place(anchor);
  }

  openNode(id, anchor) {
    this.show(new NodeMenu(this, id), anchor);
  }

  openLink(a, b, anchor) {
    this.show(new LinkMenu(this, a, b), anchor);
  }

  openPartition(tool, anchor) {
    this.show(new PartitionPanel(this, tool), anchor);
  }

  place(anchor = { x: 200, y: 200 }) {
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

  /** Update the live parts of the open panel; called every frame by main.js. */
  refresh(force = false) {
    this.view?.refresh(force);
  }

  // ------------------------------------------------------------------ shared builders

  header(title, badge, sub) {
    const close = el('button', { type: 'button', class: 'close', title: 'Close (Esc)', text: '✕', 'aria-label': 'Close' });
    close.addEventListener('click', () => this.close());
    return el('h3', {}, el('span', { class: 'title', text: title }), sub ? el('span', { class: 'sub', text: sub }) : null, badge, close);
  }

  button(text, onClick, cls = '', title = '') {
    const b = el('button', { type: 'button', text, class: cls, title });
    b.addEventListener('click', onClick);
    return b;
  }

  numberInput(name, value, label, attrs = {}) {
    return el('input', { type: 'number', name, value: String(value), step: 'any', 'aria-label': label, ...attrs });
  }

  /** The number typed in `input`, or null after telling the student what is wrong. */
  num(input, what) {
    const v = input.valueAsNumber;
    if (!Number.isFinite(v)) {
      this.app.error(`${what}: enter a number.`);
      return null;
    }
    return v;
  }

  onEnter(input, f) {
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') f();
    });
  }
}
