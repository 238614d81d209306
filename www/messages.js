// Messages in flight arrive from the core as typed-array columns (frame.msgs: count, labels, id,
// from, to, label, progress, sentAt, arrivesAt, packet, packets). Drawing reads the columns;
// `frame.messages`, the same data as objects, is built only when something asks for it.

/** One message, as the object form has it. */
export function messageAt(cols, i) {
  return {
    id: cols.id[i], from: cols.from[i], to: cols.to[i], label: cols.labels[cols.label[i]],
    progress: cols.progress[i], sentAt: cols.sentAt[i], arrivesAt: cols.arrivesAt[i],
    packet: cols.packet[i], packets: cols.packets[i],
  };
}

/** Gives `frame` a lazy `messages` array (objects) over its columns; returns the frame. */
export function attachMessages(frame) {
  const cols = frame?.msgs;
  if (!cols || Object.prototype.hasOwnProperty.call(frame, 'messages')) return frame;
  let list = null;
  Object.defineProperty(frame, 'messages', {
    get() {
      if (!list) {
        list = new Array(cols.count);
        for (let i = 0; i < cols.count; i++) list[i] = messageAt(cols, i);
      }
      return list;
    },
    enumerable: true,
    configurable: true,
  });
  return frame;
}

/** Index of message (id, from) in the frame's columns, or -1. */
export function findMessage(frame, id, from) {
  const cols = frame?.msgs;
  if (!cols) return -1;
  for (let i = 0; i < cols.count; i++) if (cols.id[i] === id && cols.from[i] === from) return i;
  return -1;
}

/** How many messages are in flight, without building objects. */
export function messageCount(frame) {
  return frame?.msgs ? frame.msgs.count : (frame?.messages?.length ?? 0);
}
