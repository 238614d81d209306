// Zoom and pan of the graph at 1,000 nodes: the wheel zooms about the pointer until node labels
// fit, a click at high zoom opens the node under it, a drag on empty space pans, `0` and the Fit
// button fit the whole graph again; a new scenario starts fitted; two fingers pinch to zoom.
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

const ID = 500;
const pos = (page, id = ID) => page.evaluate((i) => window.dsviz.nodePosition(i), id);
const view = (page) => page.evaluate(() => {
  const g = window.dsviz.graph;
  return { k: g.zoom.k, labelMode: g.labelMode, r: g.r };
});

async function zoomIn(page, at, until) {
  await page.mouse.move(at.x, at.y);
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, -240);
    await page.waitForTimeout(30);
    if (await until()) return;
  }
}

test('zoom about the pointer shows labels, clicks hit the node, drag pans, 0 and Fit fit', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&p.nodes=1000' });
  try {
    await waitReady(page);
    const fitted = await view(page);
    assert.equal(fitted.k, 1);
    assert.equal(fitted.labelMode, 'none', 'at fit, 1,000 nodes are too close for labels');
    assert.equal(await page.locator('.zoom-chip').isHidden(), true, 'no zoom indicator at fit');
    const p0 = await pos(page);

    // Zoom in with the wheel over node 500 until names fit: it stays under the pointer.
    await zoomIn(page, p0, async () => (await view(page)).labelMode !== 'none');
    const zoomed = await view(page);
    assert.ok(zoomed.k > 2, `zoomed in (×${zoomed.k})`);
    assert.notEqual(zoomed.labelMode, 'none', 'labels appear once they fit');
    assert.ok(zoomed.r > fitted.r, 'nodes grow with the zoom');
    const p1 = await pos(page);
    assert.ok(Math.hypot(p1.x - p0.x, p1.y - p0.y) < 6, `the node under the pointer stays there (${JSON.stringify([p0, p1])})`);
    await until(page, () => !document.querySelector('.zoom-chip').hidden);
    assert.match(await page.locator('.zoom-chip').innerText(), /×\d/);

    // Hover names the node under the pointer; a click opens that node's menu.
    await page.mouse.move(p1.x + 2, p1.y + 1);
    await until(page, (id) => document.getElementById('tooltip').textContent.includes(`n${id} `), ID);
    await page.mouse.click(p1.x, p1.y);
    await until(page, (id) => window.dsviz.selected === id, ID);
    assert.equal(await page.locator('#menu').isVisible(), true);
    await page.keyboard.press('Escape');

    // Another node at high zoom, off the first one: the click still finds the right node.
    const other = await page.evaluate(() => {
      const g = window.dsviz.graph;
      const f = window.dsviz.frame;
      for (let i = 0; i < f.nodes.length; i++) {
        const p = g.pos[i];
        if (p.x > 80 && p.x < g.w - 80 && p.y > 60 && p.y < g.h - 60 && f.nodes[i].id !== 500) return f.nodes[i].id;
      }
      return null;
    });
    assert.notEqual(other, null, 'another node is on screen');
    const po = await pos(page, other);
    await page.mouse.click(po.x, po.y);
    await until(page, (id) => window.dsviz.selected === id, other);
    await page.keyboard.press('Escape');

    // Drag on empty space pans the view by the drag.
    const empty = await page.evaluate(() => {
      const g = window.dsviz.graph;
      const c = g.canvas.getBoundingClientRect();
      for (let y = g.h * 0.3; y < g.h * 0.7; y += 3) {
        for (let x = g.w * 0.3; x < g.w * 0.7; x += 3) {
          if (!g.hitTest(x, y, window.dsviz.frame)) return { x: c.left + x, y: c.top + y };
        }
      }
      return null;
    });
    assert.ok(empty, 'some empty space to drag on');
    const before = await pos(page);
    await page.mouse.move(empty.x, empty.y);
    await page.mouse.down();
    await page.mouse.move(empty.x + 30, empty.y + 20, { steps: 4 });
    await page.mouse.move(empty.x + 60, empty.y + 40, { steps: 4 });
    await page.mouse.up();
    const after = await pos(page);
    assert.ok(Math.abs(after.x - before.x - 60) < 3 && Math.abs(after.y - before.y - 40) < 3,
      `panned by the drag (${JSON.stringify([before, after])})`);
    assert.equal((await view(page)).k, zoomed.k, 'a pan keeps the zoom');
    assert.equal(await page.evaluate(() => window.dsviz.selected), null, 'a pan is not a click');

    // The zoom survives frames: play a little.
    await page.evaluate(() => window.dsviz.play());
    const t0 = await page.evaluate(() => window.dsviz.frame.now);
    await until(page, (t) => window.dsviz.frame.now > t + 300, t0);
    assert.equal((await view(page)).k, zoomed.k, 'the zoom survives frames');

    // `0` fits again; so does the Fit button.
    await page.keyboard.press('0');
    assert.equal((await view(page)).k, 1);
    await until(page, () => document.querySelector('.zoom-chip').hidden);
    const p2 = await pos(page);
    assert.ok(Math.hypot(p2.x - p0.x, p2.y - p0.y) < 1, 'back where it was at fit');
    await zoomIn(page, p0, async () => (await view(page)).k > 3);
    await page.locator('#btn-fit').click();
    assert.equal((await view(page)).k, 1, 'the Fit button fits');

    // A new scenario starts fitted.
    await zoomIn(page, p0, async () => (await view(page)).k > 3);
    assert.ok(await page.evaluate(() => window.dsviz.setScenario('rpc')));
    assert.equal((await view(page)).k, 1, 'a new scenario resets the zoom');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('two fingers pinch the graph to zoom on a touch screen', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, hasTouch: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`${env.server.url}?scenario=sandbox&p.nodes=1000`);
    await waitReady(page);
    const box = await page.locator('#graph').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const cdp = await context.newCDPSession(page);
    const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }],
    });
    await touch('touchStart', 20);
    for (let d = 30; d <= 120; d += 10) await touch('touchMove', d);
    await touch('touchEnd', 0);
    const k = await page.evaluate(() => window.dsviz.graph.zoom.k);
    assert.ok(k > 4 && k < 8, `fingers 40 → 240 px apart zoom about ×6 (×${k.toFixed(2)})`);
    await until(page, () => !document.querySelector('.zoom-chip').hidden);
    assert.equal(await page.evaluate(() => window.dsviz.selected), null, 'a pinch opens no menu');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
