// At scale: the 1,000-node sandbox keeps running with both views, crashes still land, and the
// page stays responsive (it must not fall over).
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

test('the 1,000-node sandbox keeps running with both views', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=1000&play=1' });
  try {
    await waitReady(page);
    const t0 = await page.evaluate(() => window.dsviz.frame.now);
    await until(page, (t) => window.dsviz.frame.now > t + 1500, t0, 30000);
    const f = await page.evaluate(() => {
      const fr = window.dsviz.frame;
      return { nodes: fr.nodes.length, inFlight: fr.messages.length, delivered: fr.stats.delivered };
    });
    assert.equal(f.nodes, 1000);
    assert.ok(f.inFlight > 500, `${f.inFlight} messages in flight`);
    assert.ok(f.delivered > 10000, `${f.delivered} delivered`);
    await page.evaluate(() => window.dsviz.sim.crashNode(777));
    await until(page, () => window.dsviz.frame.nodes[777].status === 'crashed');
    // Both canvases were drawn at full size.
    for (const id of ['#graph', '#timeline']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 150, `${id} is visible`);
    }
    await until(page, () => window.dsviz.frame.stats.lostDestCrashed > 0, null, 15000);
    assert.equal(await page.locator('#fatal').isHidden(), true, 'no error panel');
    assert.equal(await page.evaluate(() => window.dsviz.sim.nodeCount()), 1000);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
