// Time travel on the page: the Replay bar, step back (←), undo (Ctrl+Z) and branching. Every
// instant shown is checked against a fresh Simulation run to that instant with the same actions:
// the same traceHash() and the same node states.
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

const QUERY = 'scenario=sandbox&seed=7&p.nodes=5&play=0';

/** Drives the page's simulation (paused) through a few timed actions, as a student would. */
async function makeHistory(page) {
  await page.evaluate(() => {
    const d = window.dsviz;
    d.pause();
    d.sim.advance(700);
    d.act('crashNode', 1);
    d.sim.advance(900);
    d.act('pauseNode', 2, 400);
    d.sim.advance(800);
    d.act('recoverNode', 1);
    d.sim.advance(600);
    d.act('skewClock', 3, -250);
    d.sim.advance(1000);
  });
  // The bar learns the run's extent from the next frame.
  await until(page, () => window.dsviz.maxTime >= 4000 - 1e-6);
}

/** traceHash and node states of the page at the instant it shows, and of a fresh run to it. */
async function compareWithFresh(page) {
  // Wait for a frame drawn at the simulator's current instant.
  await until(page, () => window.dsviz.frame && window.dsviz.frame.now === window.dsviz.sim.now());
  return page.evaluate(() => {
    const d = window.dsviz;
    const now = d.sim.now();
    const fresh = new d.Simulation(d.sim.scenarioId(), d.sim.seed(), d.sim.params());
    for (const a of d.sim.actions()) {
      if (a.atMs > now) break;
      fresh.seek(a.atMs);
      fresh[a.action](...a.args);
    }
    fresh.seek(now);
    const strip = (nodes) => JSON.stringify(nodes);
    const out = {
      now,
      page: { hash: d.sim.traceHash(), nodes: strip(d.frame.nodes), events: d.frame.stats.events },
      fresh: { hash: fresh.traceHash(), nodes: strip(fresh.frame().nodes), events: fresh.frame().stats.events },
    };
    fresh.free();
    return out;
  });
}

/** Drags the Replay bar's thumb to a fraction of its length with the mouse. */
async function dragBarTo(page, frac) {
  const box = await page.locator('#scrub').boundingBox();
  const thumb = 8; // half the thumb: where 0 and max sit
  const x = (f) => box.x + thumb + f * (box.width - 2 * thumb);
  const y = box.y + box.height / 2;
  const cur = await page.evaluate(() => Number(document.getElementById('scrub').value) / Number(document.getElementById('scrub').max));
  await page.mouse.move(x(cur), y);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(x(cur + ((frac - cur) * i) / 6), y);
  await page.mouse.up();
}

test('dragging the Replay bar back and forward shows exactly the run at that instant', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    await makeHistory(page);
    const end = await compareWithFresh(page);
    assert.equal(end.page.hash, end.fresh.hash, 'the live run matches a fresh replay');

    // Back, to about a third: between the crash and the recovery.
    await dragBarTo(page, 0.3);
    await until(page, () => window.dsviz.frame.now < 1600);
    const back = await compareWithFresh(page);
    assert.ok(back.now > 700 && back.now < 1600, `seeked to ${back.now}`);
    assert.equal(back.page.hash, back.fresh.hash, 'trace hash after seeking back');
    assert.equal(back.page.nodes, back.fresh.nodes, 'node states after seeking back');
    assert.equal(back.page.events, back.fresh.events);
    const n1 = await page.evaluate(() => window.dsviz.frame.nodes[1].status);
    assert.equal(n1, 'crashed', 'n1 is down at that instant in the graph’s data');
    // The views were rebuilt from the history up to that instant, not beyond.
    const last = await page.evaluate(() => window.dsviz.trace.events.at(-1)?.t ?? 0);
    assert.ok(last <= back.now + 1e-6, 'the timeline holds nothing after the instant shown');
    assert.equal(await page.locator('#future-note').isVisible(), true, 'the note says we are looking back');
    assert.match(await page.locator('#future-note').textContent(), /new branch and discards the 3 later actions/);

    // Forward again, past the recovery, with the keyboard-free API too.
    await dragBarTo(page, 0.8);
    await until(page, () => window.dsviz.frame.now > 3000);
    const fwd = await compareWithFresh(page);
    assert.equal(fwd.page.hash, fwd.fresh.hash, 'trace hash after seeking forward');
    assert.equal(fwd.page.nodes, fwd.fresh.nodes, 'node states after seeking forward');
    for (const t of [0, 2500, 1234.5, 4000]) {
      await page.evaluate((ms) => window.dsviz.seek(ms), t);
      const r = await compareWithFresh(page);
      assert.equal(r.now, t);
      assert.equal(r.page.hash, r.fresh.hash, `hash at ${t} ms`);
      assert.equal(r.page.nodes, r.fresh.nodes, `nodes at ${t} ms`);
    }
    // At the end again: no note, and the actions are all still there.
    assert.equal(await page.locator('#future-note').isVisible(), false);
    assert.equal(await page.evaluate(() => window.dsviz.sim.actions().length), 4);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('← steps back one event and → steps forward to the same state; Home and End jump', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    await makeHistory(page);
    await page.locator('#timeline').click({ position: { x: 5, y: 5 } }); // focus the page, not a control
    await page.keyboard.press('Escape');
    const before = await page.evaluate(() => ({ hash: window.dsviz.sim.traceHash(), now: window.dsviz.sim.now() }));
    await page.keyboard.press('ArrowLeft');
    await until(page, (h) => window.dsviz.sim.traceHash() !== h, before.hash);
    const backNow = await page.evaluate(() => window.dsviz.sim.now());
    assert.ok(backNow <= before.now);
    await page.keyboard.press('ArrowRight');
    await until(page, (h) => window.dsviz.sim.traceHash() === h, before.hash);
    // The toolbar's Back button does the same.
    await page.click('#btn-back');
    await until(page, (h) => window.dsviz.sim.traceHash() !== h, before.hash);
    assert.equal(await page.evaluate(() => window.dsviz.sim.now()), backNow);

    await page.keyboard.press('Home');
    await until(page, () => window.dsviz.frame.now === 0);
    await page.keyboard.press('End');
    await until(page, () => window.dsviz.frame.now >= 4000 - 1e-6);
    assert.equal(await page.evaluate(() => window.dsviz.sim.traceHash()), before.hash);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('acting after seeking back starts a new branch: the later actions are discarded, and undo works', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    await makeHistory(page);
    await page.evaluate(() => window.dsviz.seek(2000));
    await until(page, () => window.dsviz.frame.now === 2000);
    assert.equal(await page.evaluate(() => window.dsviz.sim.hasFuture()), true);
    assert.match(await page.locator('#future-note').textContent(), /new branch/);
    assert.equal(await page.locator('#scrub').getAttribute('max'), '4000');

    // Act from the graph's node menu, as a student would.
    await page.evaluate(() => window.dsviz.selectNode(4));
    await page.locator('#menu').getByRole('button', { name: /^Crash/ }).click();
    await until(page, () => window.dsviz.frame.nodes[4].status === 'crashed');
    const acts = await page.evaluate(() => window.dsviz.sim.actions().map((a) => `${a.action}@${a.atMs}`));
    assert.deepEqual(acts, ['crashNode@700', 'pauseNode@1600', 'crashNode@2000'], 'the two later actions are gone');
    const toast = page.locator('.toast', { hasText: 'New branch' });
    await toast.waitFor({ state: 'visible' });
    assert.match(await toast.textContent(), /discarded 2 later actions/);
    await until(page, () => document.getElementById('future-note').hidden);
    assert.equal(await page.locator('#scrub').getAttribute('max'), '2000', 'the bar now ends where the new branch starts');
    const branched = await compareWithFresh(page);
    assert.equal(branched.page.hash, branched.fresh.hash);

    // Ctrl+Z takes the crash back; the page then equals a fresh run with the first two actions.
    await page.evaluate(() => window.dsviz.sim.advance(300));
    await page.locator('#timeline').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await until(page, () => window.dsviz.sim.actions().length === 2);
    await until(page, () => window.dsviz.frame.nodes[4].status !== 'crashed');
    const undone = await compareWithFresh(page);
    assert.equal(undone.now, 2300, 'undo keeps the instant');
    assert.equal(undone.page.hash, undone.fresh.hash, 'undo gives the run without the action');
    assert.match(await page.locator('#status').textContent(), /Undid: crash n4/);
    // The Undo button takes back the next one.
    await page.click('#btn-undo');
    await until(page, () => window.dsviz.sim.actions().length === 1);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
