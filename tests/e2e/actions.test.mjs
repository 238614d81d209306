// Breaking things with the mouse: crash a node, cut a link, pause with a bad value, and see the
// effect in the simulator's frame and on the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, waitReady, until, graphPixel } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

// Five nodes on a ring: adjacent nodes' link midpoints are clear of other links.
const QUERY = 'scenario=sandbox&seed=7&p.nodes=5&play=0';

const pos = (page, id) => page.evaluate((i) => window.dsviz.nodePosition(i), id);
const nodeStatus = (page, id) => page.evaluate((i) => window.dsviz.frame.nodes.find((n) => n.id === i).status, id);

test('clicking a node and choosing Crash crashes it, visibly', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const p = await pos(page, 2);
    assert.ok(p, 'nodePosition(2) is known');
    // Inside the node's disc but off the ✕ drawn on a crashed node.
    const probe = [p.x - 7, p.y];
    const pxBefore = await graphPixel(page, ...probe);

    await page.mouse.click(p.x, p.y);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    assert.match(await menu.locator('h3').textContent(), /n2/);
    await menu.getByRole('button', { name: 'Crash', exact: true }).click();

    await until(page, () => window.dsviz.frame.nodes[2].status === 'crashed');
    assert.equal(await page.evaluate(() => window.dsviz.sim.frame().nodes[2].status), 'crashed');
    assert.equal(await menu.locator('.badge').textContent(), 'crashed');
    // The inspector says the volatile state is gone; stable storage is still listed.
    await until(page, () => document.querySelector('#menu .lostvol') !== null);

    await page.waitForTimeout(100);
    const pxAfter = await graphPixel(page, ...probe);
    assert.notDeepEqual(pxAfter, pxBefore, `node pixel changed: ${pxBefore} -> ${pxAfter}`);

    // The action is in the simulator's log, at the current instant.
    const log = await page.evaluate(() => window.dsviz.sim.actions());
    assert.equal(log.at(-1).action, 'crashNode');
    assert.deepEqual(log.at(-1).args, [2]);

    // Recover from the same menu.
    await menu.getByRole('button', { name: 'Recover' }).click();
    await until(page, () => window.dsviz.frame.nodes[2].status === 'up');

    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('cutting a link in the graph makes its messages die with reason link-cut', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const a = await pos(page, 0);
    const b = await pos(page, 1);
    await page.mouse.click((a.x + b.x) / 2, (a.y + b.y) / 2);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    assert.match(await menu.locator('h3').textContent(), /n0 ↔ n1/);
    await menu.getByRole('button', { name: 'Cut both ways' }).click();
    await until(page, () => window.dsviz.frame.links.filter((l) => !l.up).length === 2);
    const links = await page.evaluate(() => window.dsviz.frame.links.map((l) => `${l.from}>${l.to}`).sort());
    assert.deepEqual(links, ['0>1', '1>0']);

    const lost0 = await page.evaluate(() => window.dsviz.frame.stats.lostLinkCut);
    await page.evaluate(() => {
      window.dsviz.setSpeed(20);
      window.dsviz.play();
    });
    await until(page, (n) => window.dsviz.frame.stats.lostLinkCut > n, lost0);
    // The page's own trace buffer (built from frame().events) has the lost messages, on that link only.
    const lost = await page.evaluate(() => window.dsviz.trace.events.filter((e) => e.kind === 'lost' && e.reason === 'link-cut'));
    assert.ok(lost.length > 0);
    for (const e of lost) assert.deepEqual([e.from, e.to].sort(), [0, 1]);

    // Heal from the menu: the link is up again.
    await page.evaluate(() => window.dsviz.pause());
    await page.mouse.click((a.x + b.x) / 2, (a.y + b.y) / 2);
    await menu.getByRole('button', { name: 'Heal both ways' }).click();
    await until(page, () => window.dsviz.frame.links.length === 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a one-way cut drops only that direction', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const a = await pos(page, 3);
    const b = await pos(page, 4);
    await page.mouse.click((a.x + b.x) / 2, (a.y + b.y) / 2);
    const menu = page.locator('#menu');
    await menu.getByRole('button', { name: 'Cut n3 → n4 only' }).click();
    await until(page, () => window.dsviz.frame.links.length === 1);
    await page.evaluate(() => {
      window.dsviz.setSpeed(20);
      window.dsviz.play();
    });
    await until(page, () => window.dsviz.frame.stats.lostLinkCut >= 3);
    const dirs = await page.evaluate(() => [...new Set(window.dsviz.trace.events
      .filter((e) => e.kind === 'lost' && e.reason === 'link-cut').map((e) => `${e.from}>${e.to}`))]);
    assert.deepEqual(dirs, ['3>4']);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a bad input (pause for negative ms) shows a message and the page keeps running', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=5&play=1' });
  try {
    await waitReady(page);
    const p = await pos(page, 1);
    await page.mouse.click(p.x, p.y);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    await menu.locator('input[name="pause-ms"]').fill('-500');
    await menu.getByRole('button', { name: 'Pause', exact: true }).click();
    const toast = page.locator('.toast.error').first();
    await toast.waitFor({ state: 'visible' });
    assert.match(await toast.textContent(), /pause|negative|ms/i);
    assert.equal(await nodeStatus(page, 1), 'up');
    // Still alive: time moves on and no error panel.
    const t0 = await page.evaluate(() => window.dsviz.frame.now);
    await until(page, (t) => window.dsviz.frame.now > t + 100, t0);
    assert.equal(await page.locator('#fatal').isVisible(), false);

    // A good value pauses it.
    await menu.locator('input[name="pause-ms"]').fill('5000');
    await menu.getByRole('button', { name: 'Pause', exact: true }).click();
    await until(page, () => window.dsviz.frame.nodes[1].status === 'paused');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the timeline row label opens the node menu; hovering shows event details', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=5&play=1' });
  try {
    await waitReady(page);
    await until(page, () => window.dsviz.frame.now > 1200);
    await page.evaluate(() => window.dsviz.pause());
    const box = await page.locator('#timeline').boundingBox();
    const g = await page.evaluate(() => {
      const t = window.dsviz.timeline.geom;
      return { gutter: t.gutter, y3: t.yRow(3) };
    });
    await page.mouse.click(box.x + g.gutter / 2 + 10, box.y + g.y3);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    assert.match(await menu.locator('h3').textContent(), /n3/);
    await page.keyboard.press('Escape');

    // Hover over a drawn message arrow: the tooltip lists the event's fields.
    const target = await page.evaluate(() => {
      const h = window.dsviz.timeline.hits.find((x) => x.kind === 'seg' && x.ev.kind === 'deliver');
      return h && { x: (h.x1 + h.x2) / 2, y: (h.y1 + h.y2) / 2 };
    });
    assert.ok(target, 'a delivered message is drawn');
    await page.mouse.move(box.x + target.x, box.y + target.y);
    const tip = page.locator('#tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent(), /delivered/);
    assert.match(await tip.textContent(), /latency/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
