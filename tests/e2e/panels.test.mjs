// The scenario panels: narration and "try this", the live claims panel, the timing model line and
// GST, and the plots (declared metrics and the message-rate plot), including their reset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, waitReady, until } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Pixels of a plot card's canvas close to a CSS colour variable (the series' colour). */
const countColour = (page, metric, cssVar) => page.evaluate(([m, v]) => {
  const c = document.querySelector(`.plot-card[data-metric="${m}"] .plot-canvas canvas`);
  const probe = document.createElement('canvas').getContext('2d');
  probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(v).trim();
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60) n++;
  return n;
}, [metric, cssVar]);

test('narration, try-this prompts and a live claims panel that updates in place', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&play=0' });
  try {
    await waitReady(page);
    const spec = await page.evaluate(() => window.dsviz.Simulation.scenarios().find((s) => s.id === 'sandbox'));
    assert.equal(await page.locator('#scenario-title').textContent(), spec.title);
    assert.equal(await page.locator('#try-list li').count(), spec.tryThis.length);
    if (spec.tryThis.length) assert.equal(await page.locator('#try-list li').first().textContent(), spec.tryThis[0]);
    // Verdicts come from frame(); stand in for a scenario that states claims.
    await page.evaluate(() => {
      const sim = window.dsviz.sim;
      const frame = sim.frame.bind(sim);
      window.verdict = { claim: 'Every message is delivered exactly once', status: 'pending', detail: '3 in flight' };
      sim.frame = () => ({ ...frame(), verdicts: [window.verdict] });
    });
    const claims = page.locator('#claims');
    await claims.waitFor({ state: 'visible' });
    const li = page.locator('#claims-list li');
    assert.match(await li.textContent(), /…/);
    const handle = await li.elementHandle();
    await page.evaluate(() => {
      window.verdict = { ...window.verdict, status: 'holds', detail: '12 of 12 delivered once' };
    });
    await until(page, () => document.querySelector('#claims-list li').classList.contains('claim-holds'));
    assert.match(await li.textContent(), /✓.*12 of 12/);
    await page.evaluate(() => {
      window.verdict = { ...window.verdict, status: 'fails', detail: 'message 7 delivered twice' };
    });
    await until(page, () => document.querySelector('#claims-list li').classList.contains('claim-fails'));
    assert.match(await li.textContent(), /✗.*delivered twice/);
    assert.equal(await page.evaluate((h) => h === document.querySelector('#claims-list li'), handle), true, 'the row was patched, not rebuilt');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the timing model in force is named, and GST is a line on the timeline', async () => {
  const q = 'scenario=sandbox&p.timing=partially-synchronous&p.gst_ms=1500&play=1&speed=4';
  const { page, problems, close } = await openPage(env, { query: q });
  try {
    await waitReady(page);
    assert.match(await page.locator('#timing-chip').textContent(), /partially synchronous: no bound until GST/);
    await until(page, () => window.dsviz.timeline.hits.some((h) => h.ev?.kind === 'gst'));
    await until(page, () => window.dsviz.frame.now > 1600);
    assert.match(await page.locator('#timing-chip').textContent(), /GST passed/);
    await page.evaluate(() => window.dsviz.setScenario('sandbox', { timing: 'synchronous', bound_ms: 150 }));
    await until(page, () => /synchronous: every delay ≤ 150 ms/.test(document.querySelector('#timing-chip').textContent));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('plots: a declared metric is drawn from its events, bounded, and cleared on reset', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&play=0' });
  try {
    await waitReady(page);
    // A scenario that declares metrics, if one is registered: its plot fills as it runs.
    const real = await page.evaluate(() => window.dsviz.Simulation.scenarios().find((s) => s.metrics?.length));
    if (real) {
      await page.evaluate((id) => {
        window.dsviz.setScenario(id, {});
        window.dsviz.setSpeed(10);
        window.dsviz.play();
      }, real.id);
      const name = real.metrics[0].name;
      await until(page, (n) => window.dsviz.trace.events.some((e) => e.kind === 'metric' && e.name === n), name, 20000);
      await page.locator(`.plot-card[data-metric="${name}"]`).waitFor();
      await until(page, (n) => document.querySelector(`.plot-card[data-metric="${n}"] .plot-value`).textContent !== '—', name);
      await page.evaluate(() => window.dsviz.pause());
    }
    // The plot module on synthetic events (a stand-in scenario spec).
    await page.evaluate(() => {
      window.dsviz.plots.configure({ metrics: [{ name: 'latency', label: 'Request latency', unit: 'ms' }] });
      const events = [];
      for (let i = 0; i < 3000; i++) events.push({ kind: 'metric', name: 'latency', node: 0, t: i * 10, value: 40 + 30 * Math.sin(i / 40) });
      window.dsviz.plots.ingest({ events, now: 30000 });
    });
    const card = page.locator('.plot-card[data-metric="latency"]');
    await card.waitFor();
    assert.equal(await card.locator('.plot-title').textContent(), 'Request latency');
    await until(page, () => /ms/.test(document.querySelector('.plot-card[data-metric="latency"] .plot-value').textContent));
    const series = await page.evaluate(() => window.dsviz.plots.metrics.get('latency').byNode.get(0));
    assert.ok(series.t.length <= 2500 && series.t.length >= 2000, `bounded buffer, got ${series.t.length}`);
    await until(page, () => window.dsviz.plots.drawKey !== '');
    const drawn = await countColour(page, 'latency', '--msg-0');
    assert.ok(drawn > 40, `the latency line is drawn (${drawn} px)`);
    // A reset frame (after a seek or an undo) starts the plot afresh.
    await page.evaluate(() => window.dsviz.plots.ingest({ reset: true, events: [], now: 0 }));
    assert.equal(await page.evaluate(() => window.dsviz.plots.metrics.get('latency').byNode.size), 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the message-rate plot is computed from events and rebuilt after a seek', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.loss=0.3&play=1&speed=10' });
  try {
    await waitReady(page);
    await until(page, () => window.dsviz.frame.now > 4000);
    await page.evaluate(() => window.dsviz.pause());
    const sums = await page.evaluate(() => {
      const r = window.dsviz.plots.rates;
      const sum = (b) => b.counts.reduce((x, y) => x + y, 0);
      return { delivered: sum(r.delivered), lost: sum(r.lost), stats: window.dsviz.frame.stats };
    });
    assert.equal(sums.delivered, sums.stats.delivered, 'delivered per second adds up to the run total');
    assert.equal(sums.lost, sums.stats.lostRandom);
    await page.waitForTimeout(100);
    assert.ok(await countColour(page, 'rates', '--recover') > 20, 'delivered line drawn');
    assert.ok(await countColour(page, 'rates', '--crash') > 20, 'lost line drawn');
    // Seek back: the frame says reset, and trace and plots hold only the history up to then.
    await page.evaluate(() => window.dsviz.sim.seek(2000));
    await until(page, () => window.dsviz.frame.now === 2000);
    const after = await page.evaluate(() => ({
      maxT: Math.max(...window.dsviz.trace.events.map((e) => e.t)),
      delivered: window.dsviz.plots.rates.delivered.counts.reduce((x, y) => x + y, 0),
      stats: window.dsviz.frame.stats.delivered,
    }));
    assert.ok(after.maxT <= 2000, `no events from the future: ${after.maxT}`);
    assert.equal(after.delivered, after.stats);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('every registered scenario runs in the page with its narration, parameters and plots', async () => {
  const { page, problems, close } = await openPage(env, { query: 'play=0' });
  try {
    await waitReady(page);
    const specs = await page.evaluate(() => window.dsviz.Simulation.scenarios());
    for (const spec of specs) {
      await page.evaluate((id) => {
        window.dsviz.setScenario(id, {});
        window.dsviz.setSpeed(5);
        window.dsviz.play();
      }, spec.id);
      await until(page, () => window.dsviz.frame?.now > 1500, null, 8000);
      await page.evaluate(() => window.dsviz.pause());
      assert.equal(await page.locator('#scenario-title').textContent(), spec.title, spec.id);
      assert.equal(await page.locator('#try-list li').count(), spec.tryThis?.length ?? 0, `${spec.id}: try this`);
      assert.equal(await page.locator('.param-group .field').count(), spec.params.length, `${spec.id}: a field per parameter`);
      assert.equal(await page.locator('.plot-card').count(), (spec.metrics?.length ?? 0) + 1, `${spec.id}: a plot per metric + rates`);
      const verdicts = await page.evaluate(() => window.dsviz.frame.verdicts?.length ?? 0);
      assert.equal(await page.locator('#claims-list li').count(), verdicts, `${spec.id}: a row per claim`);
      assert.deepEqual(problems, [], spec.id);
    }
  } finally {
    await close();
  }
});
