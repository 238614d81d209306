// The page's URL: a shareable starting point (scenario, parameters that differ from the
// defaults, seed, speed, play). Reading tolerates anything a hand-edited link may contain.
import { defaults } from './params.js';
import { parseSeed } from './controls.js';

export function readUrl(scenarios) {
  const q = new URLSearchParams(location.search);
  const spec = scenarios.find((s) => s.id === q.get('scenario')) ?? scenarios[0];
  const params = defaults(spec);
  for (const p of spec.params ?? []) {
    const v = q.get(`p.${p.name}`);
    if (v !== null) params[p.name] = p.choices ? v : Number(v);
  }
  let seed = 1;
  try {
    if (q.has('seed')) seed = parseSeed(q.get('seed'));
  } catch {
    /* a malformed seed in a link: start with the default one */
  }
  const speed = Number(q.get('speed'));
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  // Embedded in a course page: still until the reader presses play, unless the page asks (autoplay=1).
  const embed = q.get('embed') === '1' || q.get('embed') === 'true';
  const asked = q.get('play') === '1' || q.get('autoplay') === '1';
  const play = q.has('paused') || q.get('play') === '0' || q.get('autoplay') === '0' ? false : asked || (!embed && !reduced);
  return { spec, params, seed, speed: speed > 0 ? speed : 1, play };
}

export function writeUrl(app) {
  const q = new URLSearchParams(location.search);
  q.set('scenario', app.scenarioId);
  q.set('seed', String(app.seed));
  const spec = app.scenarios.find((s) => s.id === app.scenarioId);
  for (const p of spec?.params ?? []) {
    if (app.params[p.name] !== p.default) q.set(`p.${p.name}`, String(app.params[p.name]));
    else q.delete(`p.${p.name}`);
  }
  try {
    history.replaceState(null, '', `${location.pathname}?${q}`);
  } catch {
    /* file:// or sandboxed iframes may refuse; the page works without it */
  }
}
