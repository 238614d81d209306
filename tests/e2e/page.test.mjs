// The page as a whole: it loads cleanly, time runs, the toolbar and keyboard work, and failures
// show up as messages on the page instead of a dead page.
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

test('loads with no console errors and shows both views', async () => {
  const { page, problems, close } = await openPage(env);
  try {
    await waitReady(page);
    for (const id of ['graph', 'timeline']) {
      const box = await page.locator(`#${id}`).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 150, `#${id} is visible and sizeable: ${JSON.stringify(box)}`);
    }
    // Both views fit a 1280×800 screen together: nothing below the fold.
    const tl = await page.locator('#timeline').boundingBox();
    assert.ok(tl.y + tl.height <= 800, 'timeline fits on screen');
    const options = await page.locator('#scenario option').count();
    assert.ok(options >= 1, 'scenario picker is filled from Simulation.scenarios()');
    assert.ok((await page.locator('#scenario-summary').textContent()).length > 20, 'narration shown');
    assert.equal(await page.locator('#fatal').isVisible(), false);
    const frame = await page.evaluate(() => ({ n: window.dsviz.frame.nodes.length, scen: window.dsviz.sim.scenarioId() }));
    assert.ok(frame.n >= 1);
    // Let it run a little so drawing code sees real messages, then check nothing complained.
    await page.waitForTimeout(600);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('simulated time advances while playing and stops when paused', async () => {
  const { page, problems, close } = await openPage(env, { query: 'play=1' });
  try {
    await waitReady(page);
    const t0 = await page.evaluate(() => window.dsviz.frame.now);
    await until(page, (t) => window.dsviz.frame.now > t + 200, t0);
    const shown = await page.locator('#now').textContent();
    assert.match(shown, /\d+\.\d{3} s/);

    await page.evaluate(() => window.dsviz.pause());
    await page.waitForTimeout(100);
    const p1 = await page.evaluate(() => window.dsviz.frame.now);
    await page.waitForTimeout(300);
    const p2 = await page.evaluate(() => window.dsviz.frame.now);
    assert.equal(p2, p1, 'no time passes while paused');

    // Step processes exactly the next event.
    const events0 = await page.evaluate(() => window.dsviz.frame.stats.events);
    await page.click('#btn-step');
    await until(page, (n) => window.dsviz.frame.stats.events > n, events0);

    // Speed: the slider is a log scale from 0.01× to 100×.
    await page.evaluate(() => window.dsviz.setSpeed(10));
    assert.equal(await page.locator('#speed-out').textContent(), '10×');
    await page.locator('#speed').fill('-2');
    assert.equal(await page.evaluate(() => window.dsviz.speed), 0.01);
    assert.equal(await page.locator('#speed-out').textContent(), '0.01×');

    // Reset builds a new simulation that starts again from zero.
    await page.evaluate(() => window.dsviz.setSpeed(100));
    await page.evaluate(() => window.dsviz.play());
    await until(page, () => window.dsviz.frame.now > 1000);
    await page.evaluate(() => window.dsviz.pause());
    const oldSim = await page.evaluateHandle(() => window.dsviz.sim);
    await page.click('#btn-reset');
    await until(page, () => window.dsviz.frame && window.dsviz.frame.now === 0);
    assert.equal(await page.evaluate((s) => s !== window.dsviz.sim, oldSim), true, 'window.dsviz.sim is the new one');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('space toggles play, but not while typing in an input; ? shows help', async () => {
  const { page, problems, close } = await openPage(env, { query: 'play=1' });
  try {
    await waitReady(page);
    assert.equal(await page.evaluate(() => window.dsviz.playing), true);
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.dsviz.playing), false);
    assert.equal(await page.locator('#play-label').textContent(), 'Play');
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.dsviz.playing), true);

    // A clicked button keeps no focus that would make space "click" it again.
    await page.click('#btn-play');
    assert.equal(await page.evaluate(() => window.dsviz.playing), false);
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.dsviz.playing), true);

    await page.focus('#seed');
    await page.keyboard.press('Space');
    await page.keyboard.press('r');
    assert.equal(await page.evaluate(() => window.dsviz.playing), true, 'typing in the seed box is not a shortcut');
    await page.locator('#seed').blur();

    await page.keyboard.press('Shift+Slash'); // "?"
    assert.equal(await page.locator('#help').isVisible(), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#help').isVisible(), false);

    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => window.dsviz.playing), false, '→ steps, pausing first');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('scenario parameters re-create the simulation; bad values are reported', async () => {
  const { page, problems, close } = await openPage(env, { query: 'play=0' });
  try {
    await waitReady(page);
    const spec = await page.evaluate(() => window.dsviz.Simulation.scenarios().find((s) => s.id === window.dsviz.sim.scenarioId()));
    const num = spec.params.find((p) => !p.choices && p.max != null);
    assert.ok(num, 'the scenario has a numeric parameter with a maximum');
    await page.click('.params summary');
    // Out of range: the simulator refuses it and the page says why.
    await page.fill(`#param-${num.name}`, String(num.max + 1));
    await page.click('#params-form button[type=submit]');
    await page.locator('.toast.error').first().waitFor({ state: 'visible' });
    // In range: a new simulation with that value.
    const good = num.integer ? Math.max(num.min ?? 0, Math.min(num.max, num.default + 1)) : num.default;
    await page.fill(`#param-${num.name}`, String(good));
    await page.click('#params-form button[type=submit]');
    await until(page, ([name, v]) => window.dsviz.sim.params()[name] === v, [num.name, good]);

    // The seed box restarts with that seed.
    await page.fill('#seed', '4242');
    await page.press('#seed', 'Enter');
    await until(page, () => Number(window.dsviz.sim.seed()) === 4242);
    assert.match(await page.evaluate(() => location.search), /seed=4242/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a missing wasm module shows an error panel, not a dead page', async () => {
  const { page, close } = await openPage(env, {
    route: (r) => (r.request().url().includes('/www/pkg/') ? r.fulfill({ status: 404, body: 'not found' }) : r.continue()),
  });
  try {
    await page.locator('#fatal').waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await page.locator('#fatal-intro').textContent(), /could not be loaded/);
  } finally {
    await close();
  }
});

test('a wasm panic stops the loop and shows the panic panel', async () => {
  const { page, close } = await openPage(env);
  try {
    await waitReady(page);
    // Simulate a trap from the module: the page must stop and say so.
    await page.evaluate(() => {
      window.dsviz.sim.frame = () => {
        throw new WebAssembly.RuntimeError('unreachable executed');
      };
    });
    await page.locator('#fatal').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await page.locator('#fatal-message').textContent(), /unreachable/);
    assert.equal(await page.evaluate(() => window.dsviz.playing), false);
  } finally {
    await close();
  }
});
