// Tooltip text for trace events, nodes and messages: field names a student can read.
import { nodeName, fmtClock, fmtDuration, fmtSigned, fmtValue } from './format.js';
import { describeGroups } from './timeline-bands.js';

const TITLES = {
  send: 'message sent',
  deliver: 'message delivered',
  lost: 'message lost',
  timer: 'timer fired',
  crash: 'node crashed',
  recover: 'node recovered',
  pause: 'node paused',
  resume: 'node resumed',
  'clock-step': 'clock stepped',
  drift: 'clock drift changed',
  'link-cut': 'link cut',
  'link-heal': 'link healed',
  note: 'note',
  packet: 'packet arrived',
  discard: 'duplicate discarded',
  'link-set': 'link settings changed',
  partition: 'network partitioned',
  'partition-heal': 'partition healed',
  'fault-model': 'fault model changed',
  metric: 'measurement',
  gst: 'global stabilisation time (GST)',
  'in flight': 'message in flight',
  crashed: 'crashed',
  paused: 'paused',
};

const LOSS = {
  random: 'random loss on the link',
  'link-cut': 'the link was cut',
  'dest-crashed': 'the receiver was crashed',
  corrupted: 'damaged on the way; the checksum caught it',
  dropped: 'dropped by hand (from the message inspector)',
};
const GLOBAL = new Set(['partition', 'partition-heal', 'gst']); // not about one node

/** [title, [[field, value], ...]] for a TraceEvent (or a drawn interval). */
export function eventRows(ev) {
  const rows = [];
  const add = (k, v) => rows.push([k, v]);
  let title = `${TITLES[ev.kind] ?? ev.kind}${GLOBAL.has(ev.kind) ? '' : ` · ${nodeName(ev.node)}`}`;
  if (ev.retransmission) title = `retransmission ${ev.kind === 'lost' ? 'lost' : ev.kind === 'discard' ? 'discarded' : 'delivered'} · ${nodeName(ev.node)}`;
  switch (ev.kind) {
    case 'crashed':
    case 'paused':
      add('from', fmtClock(ev.from));
      add('until', ev.until == null ? 'still now' : fmtClock(ev.until));
      return [title, rows];
    case 'in flight':
      return [title, messageRows(ev)];
    default:
  }
  add('time (global)', fmtClock(ev.t));
  if (ev.clock != null && !GLOBAL.has(ev.kind)) add("node's clock", fmtClock(ev.clock));
  switch (ev.kind) {
    case 'send':
      add('to', nodeName(ev.to));
      add('label', ev.label);
      if (ev.size != null) add('size', `${fmtValue(ev.size)} bytes`);
      if (ev.packets > 1) add('packets', ev.packets);
      if (ev.attempt > 0) add('attempt', `${ev.attempt + 1} (a retransmission)`);
      add('message id', ev.msg);
      break;
    case 'deliver':
      add('from', nodeName(ev.from));
      add('label', ev.label);
      add('sent at', fmtClock(ev.sentAt));
      if (ev.sentAt != null) add('latency', fmtDuration(ev.t - ev.sentAt));
      if (ev.size != null) add('size', `${fmtValue(ev.size)} bytes`);
      if (ev.corrupt) add('damaged', 'yes — handed over as if valid (no checksum)');
      add('message id', ev.msg);
      break;
    case 'discard':
      add('from', nodeName(ev.from));
      add('label', ev.label);
      add('sent at', fmtClock(ev.sentAt));
      add('why', 'a duplicate: the transport had delivered this message already');
      add('message id', ev.msg);
      break;
    case 'packet':
      add('from', nodeName(ev.from));
      add('packet', `${ev.index + 1} of ${ev.count}`);
      add('size', `${fmtValue(ev.size)} bytes`);
      add('onto the wire at', fmtClock(ev.sentAt));
      if (ev.sentAt != null) add('on the wire for', fmtDuration(ev.t - ev.sentAt));
      add('message id', ev.msg);
      break;
    case 'crash':
    case 'recover':
      add('cause', ev.random ? 'random fault (MTBF / MTTR)' : 'by hand');
      break;
    case 'link-set':
      add('link', `${nodeName(ev.node)} ${ev.oneWay ? '→' : '↔'} ${nodeName(ev.to)}`);
      add('now', ev.text);
      break;
    case 'partition':
      add('groups', describeGroups(ev.groups));
      break;
    case 'partition-heal':
      add('effect', 'the links the partition cut are up again');
      break;
    case 'fault-model':
      add('now fails as', ev.model);
      break;
    case 'metric':
      add(ev.name, ev.value);
      break;
    case 'gst':
      add('after it', `every delay ≤ ${fmtDuration(ev.bound)}`);
      break;
    case 'lost':
      add('from → to', `${nodeName(ev.from)} → ${nodeName(ev.to ?? ev.node)}`);
      add('label', ev.label);
      add('why', LOSS[ev.reason] ?? ev.reason);
      add('sent at', fmtClock(ev.sentAt));
      if (ev.progress != null) add('died at', `${Math.round(ev.progress * 100)}% of the way`);
      if (ev.packet > 0) add('packet', ev.packet + 1);
      add('message id', ev.msg);
      break;
    case 'timer':
      add('tag', ev.tag);
      break;
    case 'pause':
      add('until', fmtClock(ev.until));
      if (ev.until != null) add('for', fmtDuration(ev.until - ev.t));
      break;
    case 'clock-step':
      add('step', fmtSigned(ev.deltaMs));
      break;
    case 'drift':
      add('drift', `${fmtValue(ev.ppm)} ppm`);
      break;
    case 'link-cut':
    case 'link-heal':
      add('link', `${nodeName(ev.node)} ${ev.oneWay ? '→' : '↔'} ${nodeName(ev.to)}`);
      break;
    case 'note':
      add('text', ev.text);
      break;
    default: {
      // Kinds added later on the Rust side still show their fields.
      const skip = new Set(['seq', 't', 'node', 'clock', 'kind']);
      for (const [k, v] of Object.entries(ev)) if (!skip.has(k)) add(k, v);
    }
  }
  if (ev.seq != null) add('seq', ev.seq);
  return [title, rows];
}

export function nodeRows(nd, now) {
  const rows = [
    ['status', nd.status],
    ['kind', nd.kind],
    ['time-of-day clock', fmtClock(nd.clock)],
    ['offset from true time', fmtSigned(nd.clock - now)],
    ['monotonic clock', fmtClock(nd.mono)],
    ['drift', `${fmtValue(nd.driftPpm)} ppm`],
  ];
  if (nd.role) rows.unshift(['role', nd.role]);
  if (nd.status === 'paused' && nd.pausedUntil != null) rows.push(['paused until', fmtClock(nd.pausedUntil)]);
  if (nd.summary) rows.push(['protocol', nd.summary]);
  return rows;
}

export function messageRows(m) {
  return [
    ['from → to', `${nodeName(m.from)} → ${nodeName(m.to)}`],
    ['label', m.label],
    ['sent at', fmtClock(m.sentAt)],
    ['arrives at', fmtClock(m.arrivesAt)],
    ['progress', `${Math.round((m.progress ?? 0) * 100)}%`],
    ...(m.packets > 1 ? [['packet', `${(m.packet ?? 0) + 1} of ${m.packets}`]] : []),
    ['message id', m.id],
  ];
}
