// Bands read from the protocols' notes: the failure detector's suspicions on the suspected node's
// row (a crashed node's in red, a live node's — a false suspicion — in amber), and the outages
// an availability client lived through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, waitReady } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const nextFrames = (page, n = 2) => page.evaluate(async (k) => {
  for (let i = 0; i < k; i++) await new Promise((r) => requestAnimationFrame(r));
}, n);

test('suspicions are drawn on the suspected node’s row, false ones apart', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=failure-detector&play=0' });
  try {
    await waitReady(page);
    await page.evaluate(() => {
      const d = window.dsviz;
      d.sim.advance(800);
      d.act('crashNode', 2);
      d.act('pauseNode', 3, 600);
      d.sim.advance(1700);
    });
    await nextFrames(page);
    const { bands, notes, hits } = await page.evaluate(() => {
      const d = window.dsviz;
      return {
        bands: d.timeline.bands.bands.map((b) => ({ ...b })),
        notes: d.trace.events.filter((e) => e.kind === 'note' && e.node === 0).map((e) => [e.t, e.text]),
        hits: d.timeline.hits.filter((h) => h.tip).map((h) => ({ node: h.info.node, title: h.tip[0], y: (h.y1 + h.y2) / 2, x: (h.x1 + h.x2) / 2 })),
      };
    });
    // Every "suspect nK" note opens a band on nK's row; "trust nK again" closes it.
    for (const [t, text] of notes) {
      const m = /^suspect n(\d+)/.exec(text);
      if (m) assert.ok(bands.some((b) => b.node === Number(m[1]) && b.start === t), `a band for "${text}"`);
      const r = /^trust n(\d+) again/.exec(text);
      if (r) assert.ok(bands.some((b) => b.node === Number(r[1]) && b.end === t), `a band closed by "${text}"`);
    }
    assert.ok(bands.some((b) => b.node === 2 && b.end === null), 'the crashed node is still suspected');
    const rows = await page.evaluate(() => Object.fromEntries(window.dsviz.frame.nodes.map((n) => [n.id, window.dsviz.timeline.geom.y(n.id)])));
    const onRow2 = hits.filter((h) => h.node === 2);
    assert.ok(onRow2.length > 0 && onRow2.every((h) => Math.abs(h.y - rows[2]) < 1), "drawn on n2's row");
    assert.ok(onRow2.some((h) => /suspected \(crashed\)/.test(h.title)));
    const falsely = hits.find((h) => h.node === 3 && /falsely suspected/.test(h.title));
    assert.ok(falsely, 'the paused node is falsely suspected');
    // Hovering the band explains it (at a spot where no mark is nearer).
    const spot = await page.evaluate(() => {
      const tl = window.dsviz.timeline;
      const h = tl.hits.find((x) => x.tip && x.info.node === 3 && /falsely/.test(x.tip[0]));
      for (let x = h.x1 + 1; x < h.x2; x += 1) {
        for (const y of [h.y1 + 2, h.y2 - 2]) if (tl.hitTest(x, y)?.tip) return { x, y };
      }
      return null;
    });
    assert.ok(spot, 'a spot on the band with nothing else under it');
    const box = await page.locator('#timeline').boundingBox();
    await page.mouse.move(box.x + spot.x, box.y + spot.y);
    const tip = page.locator('#tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent(), /falsely suspected · n3.*was alive/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test("an availability client's outage becomes a band from its notes", async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=availability&play=0' });
  try {
    await waitReady(page);
    await page.evaluate(() => {
      const d = window.dsviz;
      d.sim.advance(800);
      d.act('crashNode', 0);
      d.sim.advance(1500);
      d.act('recoverNode', 0);
      d.sim.advance(1500);
    });
    await nextFrames(page);
    const [bands, closing] = await page.evaluate(() => [
      window.dsviz.timeline.bands.bands.map((b) => ({ ...b })),
      window.dsviz.trace.events.filter((e) => e.kind === 'note' && /^answered again/.test(e.text)),
    ]);
    assert.ok(closing.length >= 1, 'a client said it was answered again');
    for (const n of closing) {
      const [, from, to] = /from ([\d.]+) s to ([\d.]+) s/.exec(n.text).map(Number);
      const b = bands.find((x) => x.node === n.node && x.kind === 'outage');
      assert.ok(b, `an outage band on n${n.node}`);
      assert.equal(b.start, from * 1000);
      assert.equal(b.end, to * 1000);
      assert.ok(b.start >= 800 && b.end <= 2300 + 600, 'inside the crash (and a deadline after)');
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
