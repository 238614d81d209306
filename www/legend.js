// The legend: marker swatches drawn with the same colours as the canvases, and one entry per
// message kind seen in this run (the colours the graph and the timeline use for it).
import { el } from './controls.js';
import { theme, onThemeChange, drawCross } from './format.js';

const $ = (id) => document.getElementById(id);

export class Legend {
  constructor(colours) {
    this.colours = colours;
    this.legendKeys = '';
    this.buildMarkerLegend();
    onThemeChange(() => {
      this.buildMarkerLegend();
      this.legendKeys = '';
      this.updateMessageLegend();
    });
  }

  buildMarkerLegend() {
    const t = theme();
    const sw = (draw) => {
      const c = el('canvas', { width: 44, height: 28 });
      c.style.width = '22px';
      c.style.height = '14px';
      const ctx = c.getContext('2d');
      ctx.scale(2, 2);
      draw(ctx);
      return c;
    };
    const node = (fill, stroke, extra) => (ctx) => {
      ctx.beginPath();
      ctx.arc(11, 7, 5.5, 0, Math.PI * 2);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = stroke;
      ctx.stroke();
      extra?.(ctx);
    };
    const items = [
      ['node up', node(t.nodeFill, t.nodeStroke)],
      ['crashed', node(t.nodeCrashed, t.crash, (ctx) => {
        ctx.beginPath();
        drawCross(ctx, 11, 7, 2.8);
        ctx.stroke();
      })],
      ['paused', node(t.nodeFill, t.pause, (ctx) => {
        ctx.fillStyle = t.pause;
        ctx.fillRect(9, 4.5, 1.4, 5);
        ctx.fillRect(11.8, 4.5, 1.4, 5);
      })],
      ['Byzantine', node(t.nodeFill, t.byz, (ctx) => {
        ctx.setLineDash([2, 2]);
        ctx.beginPath();
        ctx.arc(11, 7, 6.8, 0, Math.PI * 2);
        ctx.stroke();
      })],
      ['link cut', (ctx) => {
        ctx.strokeStyle = t.cut;
        ctx.lineWidth = 2;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(1, 7);
        ctx.lineTo(21, 7);
        ctx.stroke();
      }],
      ['message lost', (ctx) => {
        ctx.strokeStyle = t.crash;
        ctx.lineWidth = 2;
        ctx.beginPath();
        drawCross(ctx, 11, 7, 4);
        ctx.stroke();
      }],
      ['clock step', (ctx) => {
        ctx.strokeStyle = t.clock;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(11, 1);
        ctx.lineTo(11, 13);
        ctx.lineTo(15, 13);
        ctx.stroke();
      }],
      ['recovered', (ctx) => {
        ctx.fillStyle = t.recover;
        ctx.beginPath();
        ctx.moveTo(11, 2);
        ctx.lineTo(16, 12);
        ctx.lineTo(6, 12);
        ctx.fill();
      }],
      ['timer fired', (ctx) => {
        ctx.strokeStyle = t.muted;
        ctx.beginPath();
        ctx.moveTo(1, 7);
        ctx.lineTo(21, 7);
        ctx.moveTo(11, 3);
        ctx.lineTo(11, 11);
        ctx.stroke();
      }],
      ['paused time', (ctx) => {
        ctx.strokeStyle = t.pause;
        ctx.globalAlpha = 0.7;
        ctx.beginPath();
        for (let x = -6; x < 22; x += 4) {
          ctx.moveTo(x, 12);
          ctx.lineTo(x + 8, 2);
        }
        ctx.stroke();
      }],
    ];
    $('legend-markers').replaceChildren(...items.map(([text, draw]) => el('li', {}, sw(draw), el('span', { class: 'text', text }))));
  }

  /** Message colours: one entry per label kind seen so far in this run. */
  updateMessageLegend() {
    const keys = this.colours ? [...this.colours.keys.entries()] : [];
    const sig = keys.map(([k, i]) => `${k}:${i}`).join('|');
    if (sig === this.legendKeys) return;
    this.legendKeys = sig;
    const t = theme();
    const list = $('legend-messages');
    if (!keys.length) {
      list.replaceChildren(el('li', { class: 'muted', text: 'none yet' }));
      return;
    }
    list.replaceChildren(...keys.slice(0, 16).map(([k, i]) => {
      const c = el('canvas', { width: 44, height: 28 });
      c.style.width = '22px';
      c.style.height = '14px';
      const ctx = c.getContext('2d');
      ctx.scale(2, 2);
      ctx.strokeStyle = t.msg[i];
      ctx.fillStyle = t.msg[i];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(1, 7);
      ctx.lineTo(16, 7);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(17, 7, 3.5, 0, Math.PI * 2);
      ctx.fill();
      return el('li', { title: k }, c, el('span', { class: 'text', text: k }));
    }));
  }
}
