// The timeline's time base: true (simulated) time, or each node's own clock. A two-way switch at
// the timeline's bottom-left and the L key. On local clocks every event sits at its node's clock
// reading, so a stepped clock jumps, a drifting one stretches, and a reply can land "before" its
// request — which is the lesson of the physical-clocks lecture.
import { el, isTyping } from './controls.js';

export class TimeBaseToggle {
  constructor(timeline, host, { status } = {}) {
    this.timeline = timeline;
    this.status = status ?? (() => {});
    this.btnTrue = el('button', { type: 'button', text: 'True time', title: 'Place events at the global simulated time (L)' });
    this.btnLocal = el('button', { type: 'button', text: 'Local clocks', title: "Place each event at its node's own clock reading: steps jump, drift stretches (L)" });
    this.box = el('div', { class: 'timebase', role: 'group', 'aria-label': 'Timeline time base' }, this.btnTrue, this.btnLocal);
    host.append(this.box);
    this.btnTrue.addEventListener('click', () => this.set(false));
    this.btnLocal.addEventListener('click', () => this.set(true));
    window.addEventListener('keydown', (e) => {
      if (e.key !== 'l' && e.key !== 'L') return;
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      this.set(!this.timeline.localTime);
    });
    timeline.onTimeBaseChange = () => this.show();
    this.show();
  }

  set(local) {
    this.timeline.setLocalTime(local);
    this.show();
    this.status(local
      ? "Timeline on local clocks: each event at its node's own clock reading (L for true time)."
      : 'Timeline on true time (L for local clocks).');
  }

  show() {
    const local = this.timeline.localTime;
    this.btnTrue.setAttribute('aria-pressed', String(!local));
    this.btnLocal.setAttribute('aria-pressed', String(local));
    this.btnTrue.classList.toggle('active', !local);
    this.btnLocal.classList.toggle('active', local);
    this.box.dataset.mode = local ? 'local' : 'true';
  }
}
