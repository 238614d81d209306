// Which inspector rows deserve the student's eye, per scenario: the core names its fields in
// words, and these few patterns pick out the ones a lecture points at (a payment charged twice,
// a negative duration, a forged message). A rule returns a class for the row ('flag': something
// went wrong here; 'note': worth a look) or nothing. Rules see the whole section so they can
// compare rows. Keep this file small: one entry per scenario, patterns on the core's own words.

const RULES = {
  rpc: (rows) => {
    // The server's ledger: every transaction for a request that was charged more than once.
    const times = new Map();
    for (const [, v] of rows) {
      const m = /for request #(\d+)/.exec(String(v));
      if (m) times.set(m[1], (times.get(m[1]) ?? 0) + 1);
    }
    return (k, v) => {
      if (k === 'charged more than once') return ['flag', 'the same payment ran more than once: at-least-once execution'];
      const m = /for request #(\d+)/.exec(String(v));
      if (m && times.get(m[1]) > 1) return ['flag', `request #${m[1]} was charged ${times.get(m[1])} times`];
      if (/^gave up/.test(String(v))) return ['note', 'the client cannot know whether this call ran'];
      return null;
    };
  },
  'physical-clocks': () => (k, v) => {
    const s = String(v);
    if (/time of day/.test(k) && /^[-−]/.test(s)) return ['flag', 'negative: the time-of-day clock was stepped back during this interval'];
    if (/^(negative time-of-day durations|timestamps against causality)$/.test(k) && !/^0\b/.test(s)) return ['flag', null];
    return null;
  },
  'failure-detector': () => (k, v) => (/^suspect/.test(String(v)) && k !== 'suspect list' ? ['flag', 'suspected by the monitor'] : null),
  'byzantine-generals': () => (k, v) => {
    const s = String(v);
    if (k === 'loyalty' && /^traitor/.test(s)) return ['flag', null];
    if (/^rejected/.test(s) || /^rejected #/.test(k)) return ['flag', 'a forged or altered message, caught by its signature'];
    if (/^altered messages taken as true/.test(k) && !/^0$/.test(s)) return ['flag', 'with oral messages a relayer can lie undetected'];
    return null;
  },
  'two-generals': () => (k) => (k === 'cannot know' ? ['note', null] : null),
  'clock-sync': () => (k, v) => (k === 'errors beyond δ/2' && !/^0$/.test(String(v)) ? ['flag', null] : null),
};

/** Sections that start folded, per scenario ('v' volatile, 's' stable): RPC's volatile part is
 *  the last messages in bytes (the message inspector shows them better); its ledger comes first. */
const FOLDED = { rpc: ['v'] };

export const startsFolded = (scenario, section) => FOLDED[scenario]?.includes(section) ?? false;

/** A function (key, value) → [class, title|null] | null for one section's rows of `scenario`. */
export function rowRules(scenario, rows) {
  const make = RULES[scenario];
  return make ? make(rows) : () => null;
}
