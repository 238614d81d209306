// The two views beyond the basics: hundreds of nodes, the timeline's zoom / look-back, dark mode,
// and that a menu left open never turns the next key press into an action.
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

test('hundreds of nodes: spiral layout, clickable nodes, scrollable timeline rows', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=400&play=1' });
  try {
    await waitReady(page);
    await until(page, () => window.dsviz.frame.now > 300);
    const pts = await page.evaluate(() => [0, 1, 199, 399].map((i) => window.dsviz.nodePosition(i)));
    for (const p of pts) assert.ok(p && Number.isFinite(p.x) && Number.isFinite(p.y));
    const graph = await page.locator('#graph').boundingBox();
    for (const p of pts) {
      assert.ok(p.x > graph.x && p.x < graph.x + graph.width && p.y > graph.y && p.y < graph.y + graph.height, 'inside the graph');
    }
    await page.evaluate(() => window.dsviz.pause());
    await page.mouse.click(pts[2].x, pts[2].y);
    await page.locator('#menu').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#menu h3 span').first().textContent(), 'n199');
    await page.keyboard.press('Escape');

    // More rows than fit: shift + wheel scrolls them.
    const box = await page.locator('#timeline').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 400);
    await page.keyboard.up('Shift');
    await until(page, () => window.dsviz.timeline.rowScroll > 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('timeline: wheel zooms, dragging looks back, "Follow now" returns to the live edge', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=5&play=1' });
  try {
    await waitReady(page);
    await page.evaluate(() => window.dsviz.setSpeed(5));
    await until(page, () => window.dsviz.frame.now > 6000);
    const box = await page.locator('#timeline').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const w0 = await page.evaluate(() => window.dsviz.timeline.windowMs);
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -300);
    await until(page, (w) => window.dsviz.timeline.windowMs < w, w0);

    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 200, cy, { steps: 5 });
    await page.mouse.up();
    assert.equal(await page.evaluate(() => window.dsviz.timeline.follow), false);
    const follow = page.locator('#btn-follow');
    await follow.waitFor({ state: 'visible' });
    await follow.click();
    assert.equal(await page.evaluate(() => window.dsviz.timeline.follow), true);
    await follow.waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('space with a node menu open toggles play and does not press a menu button', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=5&play=1' });
  try {
    await waitReady(page);
    const p = await page.evaluate(() => window.dsviz.nodePosition(0));
    await page.mouse.click(p.x, p.y);
    await page.locator('#menu').waitFor({ state: 'visible' });
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.dsviz.playing), false);
    await page.waitForTimeout(50);
    assert.equal(await page.evaluate(() => window.dsviz.frame.nodes[0].status), 'up');
    assert.equal(await page.evaluate(() => window.dsviz.sim.actions().length), 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('dark colour scheme reaches the canvases', async () => {
  const { page, problems, close } = await openPage(env, { query: 'play=0' });
  try {
    await page.emulateMedia({ colorScheme: 'dark' });
    await waitReady(page);
    await page.waitForTimeout(100);
    const box = await page.locator('#graph').boundingBox();
    const [r, g, b] = await graphPixel(page, box.x + 5, box.y + 5);
    assert.ok(r + g + b < 150, `dark background, got ${[r, g, b]}`);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(100);
    const [r2, g2, b2] = await graphPixel(page, box.x + 5, box.y + 5);
    assert.ok(r2 + g2 + b2 > 600, `light background, got ${[r2, g2, b2]}`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
