// Drawing at scale: the per-phase timings the bench reads, the graph's cached layers staying
// put while only messages move, and the timeline's level of detail (thin rows) keeping every
// message hoverable and clickable.
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

test('1,000 nodes: per-phase timings, and the graph layers are not redrawn for moving messages', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=1000&play=1' });
  try {
    await waitReady(page);
    await until(page, () => window.dsviz.frame.messages.length > 500, null, 20000);
    const perf = await page.evaluate(() => window.dsviz.perf);
    assert.deepEqual(Object.keys(perf).sort(), ['advance', 'frame', 'graph', 'ingest', 'other', 'plots', 'timeline']);
    for (const [k, v] of Object.entries(perf)) assert.ok(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
    assert.ok(perf.graph > 0 && perf.frame > 0, JSON.stringify(perf));
    const redraws = await page.evaluate(() => new Promise((resolve) => {
      const g = window.dsviz.graph;
      let n = 0;
      let changed = 0;
      let keys = [g.under.key, g.over.key];
      const t0 = window.dsviz.frame.now;
      const tick = () => {
        if (g.under.key !== keys[0] || g.over.key !== keys[1]) changed++;
        keys = [g.under.key, g.over.key];
        if (++n < 30) requestAnimationFrame(tick);
        else resolve({ changed, moved: window.dsviz.frame.now - t0 });
      };
      requestAnimationFrame(tick);
    }));
    assert.ok(redraws.moved > 0, 'the run went on');
    assert.equal(redraws.changed, 0, 'links and nodes came from their cached layers');
    // A crash changes what the node layer shows: it is redrawn.
    const before = await page.evaluate(() => window.dsviz.graph.over.key);
    await page.evaluate(() => window.dsviz.act('crashNode', 10));
    await until(page, (k) => window.dsviz.graph.over.key !== k, before);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('dense timeline: arrows drawn at a level of detail are still hovered and clicked one by one', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=200&play=1&speed=5' });
  try {
    await waitReady(page);
    await until(page, () => window.dsviz.frame.now > 2500, null, 20000);
    await page.evaluate(() => window.dsviz.pause());
    await page.waitForTimeout(100);
    const rowH = await page.evaluate(() => window.dsviz.timeline.geom.rowH);
    assert.ok(rowH < 10, `thin rows (${rowH} px): the level of detail is on`);
    // A delivered message whose arrowhead end is in view: a point just along its arrow from there.
    const at = await page.evaluate(() => {
      const tl = window.dsviz.timeline;
      const g = tl.geom;
      const r = tl.canvas.getBoundingClientRect();
      for (const h of tl.hits) {
        if (h.kind !== 'seg' || h.ev?.kind !== 'deliver') continue;
        if (h.x2 < g.plotL + 20 || h.x2 > g.plotR - 20 || h.y2 < g.top + 20 || h.y2 > g.h - 20) continue;
        const len = Math.hypot(h.x2 - h.x1, h.y2 - h.y1);
        if (len < 20) continue;
        const u = 1 - 4 / len;
        const x = h.x1 + (h.x2 - h.x1) * u;
        const y = h.y1 + (h.y2 - h.y1) * u;
        const found = tl.hitTest(x, y);
        if (found?.kind === 'seg' && found.ev?.msg != null) return { x: r.left + x, y: r.top + y };
      }
      return null;
    });
    assert.ok(at, 'a delivered message to point at');
    await page.mouse.move(at.x, at.y);
    const tip = page.locator('#tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent(), /message|deliver/i);
    await page.mouse.click(at.x, at.y);
    await page.locator('#msg-panel').waitFor({ state: 'visible' });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
