// The legend: every mark the graph and the timeline draw, as small swatches drawn with the same
// colours and strokes as the canvases (grouped: nodes, messages, network and time), and one entry
// per message kind seen in this run.
import { el } from './controls.js';
import { theme, onThemeChange, drawCross, drawArrowHead } from './format.js';

const $ = (id) => document.getElementById(id);

function swatch(draw) {
  const c = el('canvas', { width: 44, height: 28 });
  c.style.width = '22px';
  c.style.height = '14px';
  const ctx = c.getContext('2d');
  ctx.scale(2, 2);
  draw(ctx);
  return c;
}

const line = (ctx, colour, dash = [], width = 1.5, alpha = 1) => {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.globalAlpha = alpha;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(1, 7);
  ctx.lineTo(17, 7);
  ctx.stroke();
  ctx.restore();
};

const disc = (ctx, x, y, r, fill) => {
  ctx.fillStyle = fill;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
};

/** A band over a node's line (note-bands.js): tinted, with a solid top edge. */
const band = (colour) => (ctx) => {
  ctx.fillStyle = colour;
  ctx.globalAlpha = 0.2;
  ctx.fillRect(1, 2, 20, 10);
  ctx.globalAlpha = 0.9;
  ctx.fillRect(1, 2, 20, 1.5);
  ctx.fillRect(1, 2, 1.5, 10);
  ctx.globalAlpha = 1;
};

function noteBandItems(t) {
  return [
    ['suspected', band(t.crash), 'the failure detector suspects a node that is down (also: an outage a client of the service lived through)'],
    ['false suspicion', band(t.pause), 'the failure detector suspects a node that is alive (it cannot tell slow from crashed)'],
    ['backwards', (ctx) => {
      ctx.strokeStyle = t.crash;
      ctx.globalAlpha = 0.28;
      ctx.lineWidth = 6;
      ctx.beginPath();
      ctx.moveTo(19, 3);
      ctx.lineTo(3, 11);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1.4;
      ctx.strokeStyle = t.msg[0];
      ctx.beginPath();
      ctx.moveTo(19, 3);
      ctx.lineTo(3, 11);
      ctx.stroke();
    }, 'timeline on local clocks (L): a message received at an earlier clock reading than it was sent at'],
  ];
}

/** [section, [[text, draw(ctx, t), title?], …]] */
function items(t) {
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
  const cross = (ctx) => {
    ctx.strokeStyle = t.crash;
    ctx.beginPath();
    drawCross(ctx, 11, 7, 2.8);
    ctx.stroke();
  };
  const m = t.msg[0];
  return [
    ['Nodes', [
      ['up', node(t.nodeFill, t.nodeStroke)],
      ['crashed', node(t.nodeCrashed, t.crash, cross)],
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
      ['random crash', node(t.nodeCrashed, t.crash, (ctx) => {
        cross(ctx);
        ctx.setLineDash([2, 2]);
        ctx.beginPath();
        ctx.arc(11, 7, 6.8, 0, Math.PI * 2);
        ctx.stroke();
      }), 'a crash drawn from the mean time between failures, not by a hand'],
      ['recovered', (ctx) => {
        ctx.fillStyle = t.recover;
        ctx.beginPath();
        ctx.moveTo(11, 2);
        ctx.lineTo(16, 12);
        ctx.lineTo(6, 12);
        ctx.fill();
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
      ['fault model set', (ctx) => {
        ctx.fillStyle = t.byz;
        ctx.fillRect(7, 3, 8, 8);
      }, 'the node’s fault model was changed (crash-stop, crash-recovery, Byzantine)'],
    ]],
    ['Messages', [
      ['delivered', (ctx) => {
        line(ctx, m);
        ctx.strokeStyle = m;
        ctx.beginPath();
        drawArrowHead(ctx, 1, 7, 19, 7, 5);
        ctx.stroke();
      }],
      ['in flight', (ctx) => line(ctx, m, [2, 3])],
      ['lost', (ctx) => {
        line(ctx, m);
        ctx.strokeStyle = t.crash;
        ctx.lineWidth = 2;
        ctx.beginPath();
        drawCross(ctx, 17, 7, 3.5);
        ctx.stroke();
      }],
      ['retransmitted', (ctx) => line(ctx, m, [4, 2.5]), 'sent again by the transport: no acknowledgement came back in time'],
      ['duplicate dropped', (ctx) => {
        line(ctx, m, [], 1.5, 0.45);
        ctx.fillStyle = t.panel;
        ctx.strokeStyle = t.muted;
        ctx.lineWidth = 1.3;
        ctx.beginPath();
        ctx.arc(16, 7, 4, 0, Math.PI * 2);
        ctx.fill();
        ctx.moveTo(13.2, 9.8);
        ctx.lineTo(18.8, 4.2);
        ctx.stroke();
      }, 'arrived, and thrown away: the transport had delivered it already'],
      ['corrupted', (ctx) => {
        line(ctx, m);
        ctx.strokeStyle = t.corrupt;
        ctx.lineWidth = 1.8;
        ctx.beginPath();
        ctx.moveTo(16, 1.5);
        ctx.lineTo(21.5, 7);
        ctx.lineTo(16, 12.5);
        ctx.lineTo(10.5, 7);
        ctx.closePath();
        ctx.stroke();
      }, 'damaged on the way and handed over as if valid (no checksum)'],
      ['checksum drop', (ctx) => {
        line(ctx, m);
        ctx.strokeStyle = t.corrupt;
        ctx.lineWidth = 2;
        ctx.beginPath();
        drawCross(ctx, 17, 7, 3.5);
        ctx.stroke();
      }, 'damaged on the way; the checksum noticed and dropped it: corruption became loss'],
      ['packet', (ctx) => {
        ctx.strokeStyle = t.muted;
        ctx.globalAlpha = 0.6;
        ctx.beginPath();
        for (const dx of [0, 4, 8]) {
          ctx.moveTo(1 + dx, 3);
          ctx.lineTo(9 + dx, 11);
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
      }, 'one packet of a message larger than the MTU; packets queue one behind another'],
      ['transport ack', (ctx) => {
        line(ctx, t.ack);
        disc(ctx, 17, 7, 2.5, t.ack);
      }, 'the transport’s acknowledgements (retransmission on)'],
    ]],
    ['Network and time', [
      ['link cut', (ctx) => line(ctx, t.cut, [4, 3], 2)],
      ['own settings', (ctx) => {
        line(ctx, t.configured, [], 2.5);
        ctx.fillStyle = t.configured;
        ctx.fillRect(7, 3, 8, 8);
      }, 'a link with its own settings (set in the link editor)'],
      ['queued packets', (ctx) => {
        line(ctx, t.link, [], 1.5);
        ctx.fillStyle = t.muted;
        for (const x of [3, 8, 13]) ctx.fillRect(x, 8.5, 3.5, 3.5);
      }, 'packets waiting for the ones ahead of them to go onto the link (congestion); the count is beside them'],
      ['partition', (ctx) => {
        disc(ctx, 5, 7, 4.5, t.group[0]);
        disc(ctx, 17, 7, 4.5, t.group[1]);
        ctx.strokeStyle = t.cut;
        ctx.setLineDash([2, 2]);
        ctx.beginPath();
        ctx.moveTo(11, 0);
        ctx.lineTo(11, 14);
        ctx.stroke();
      }, 'groups of a partition; every link between groups is cut until healed'],
      ['GST', (ctx) => {
        ctx.strokeStyle = t.gst;
        ctx.lineWidth = 2;
        ctx.setLineDash([4, 2]);
        ctx.beginPath();
        ctx.moveTo(11, 0);
        ctx.lineTo(11, 14);
        ctx.stroke();
      }, 'global stabilisation time: from here a partially synchronous network keeps its delay bound'],
      ['clock step', (ctx) => {
        ctx.strokeStyle = t.clock;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(11, 1);
        ctx.lineTo(11, 13);
        ctx.lineTo(15, 13);
        ctx.stroke();
      }],
      ['timer fired', (ctx) => {
        line(ctx, t.muted, [], 1);
        ctx.strokeStyle = t.muted;
        ctx.beginPath();
        ctx.moveTo(9, 3);
        ctx.lineTo(9, 11);
        ctx.stroke();
      }],
      ['metric sample', (ctx) => {
        line(ctx, t.faint, [], 1);
        disc(ctx, 9, 10.5, 1.8, t.accent);
      }, 'a measurement; the plots draw them'],
      ['note', (ctx) => {
        ctx.fillStyle = t.accent;
        ctx.beginPath();
        ctx.moveTo(11, 2.5);
        ctx.lineTo(15.5, 7);
        ctx.lineTo(11, 11.5);
        ctx.lineTo(6.5, 7);
        ctx.fill();
      }, 'something the protocol wrote down; hover for the text'],
      ...noteBandItems(t),
    ]],
  ];
}

export class Legend {
  constructor(colours) {
    this.colours = colours;
    this.legendKeys = '';
    // Forty small canvases: drawn once the page is up, not before its first frame (start-up).
    const later = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));
    later(() => this.buildMarkerLegend(), { timeout: 500 });
    onThemeChange(() => {
      this.buildMarkerLegend();
      this.legendKeys = '';
      this.updateMessageLegend();
    });
  }

  buildMarkerLegend() {
    const t = theme();
    const out = [];
    for (const [section, list] of items(t)) {
      out.push(el('li', { class: 'legend-head caps', text: section }));
      for (const [text, draw, title] of list) {
        out.push(el('li', title ? { title } : {}, swatch(draw), el('span', { class: 'text', text })));
      }
    }
    $('legend-markers').replaceChildren(...out);
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
    list.replaceChildren(...keys.slice(0, 16).map(([k, i]) => el('li', { title: k }, swatch((ctx) => {
      line(ctx, t.msg[i]);
      disc(ctx, 17, 7, 3.5, t.msg[i]);
    }), el('span', { class: 'text', text: k }))));
  }
}
