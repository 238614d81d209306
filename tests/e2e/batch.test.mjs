// Batch mode (two generals): a 10,000-run batch in time-budgeted chunks while the page keeps
// answering clicks; its counts equal one big Simulation.batch call; Cancel stops it.
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

// Ten messengers per message and a chain of ten: runs heavy enough that the batch spans many
// frames, so the clicks below land while it runs.
const QUERY = 'scenario=two-generals&play=0&seed=7&p.messengers=10&p.depth=10';

test('a 10,000-run batch completes while the page keeps answering clicks, and matches one big call', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const panel = page.locator('#batch-panel');
    await panel.waitFor({ state: 'visible' });
    assert.equal(await panel.locator('input[name="batch-runs"]').inputValue(), '10000');
    // How late each click on Play is handled (from the input event to the label's change), and
    // whether the batch was running then.
    await page.evaluate(() => {
      window.clickLag = [];
      const label = document.getElementById('play-label');
      let seen = null;
      // Capture phase: before the button's own handler; bubble phase on window: after it.
      window.addEventListener('click', (e) => {
        if (e.target.closest?.('#btn-play')) seen = { running: window.dsviz.batch.running, before: label.textContent };
      }, true);
      window.addEventListener('click', (e) => {
        if (!seen || !e.target.closest?.('#btn-play')) return;
        window.clickLag.push({ running: seen.running, lag: performance.now() - e.timeStamp, changed: label.textContent !== seen.before });
        seen = null;
      });
    });
    const play = await page.locator('#btn-play').boundingBox();
    await panel.locator('button.primary').click();
    assert.equal(await page.evaluate(() => window.dsviz.batch.running), true, 'the batch runs in the background');
    for (let i = 0; i < 60 && (await page.evaluate(() => window.dsviz.batch.running)); i++) {
      await page.mouse.click(play.x + play.width / 2, play.y + play.height / 2);
      await page.waitForTimeout(20);
    }
    await until(page, () => !window.dsviz.batch.running, null, 12000);
    const during = (await page.evaluate(() => window.clickLag)).filter((l) => l.running);
    assert.ok(during.length >= 3, `clicks landed during the batch (${during.length})`);
    // Each click is handled within ~100 ms of happening (chunks are ~8 ms of work, run as tasks of
    // their own). On a loaded machine the OS may preempt the page now and then: one click in ten
    // may be late, and none by more than 250 ms.
    const lags = during.map((l) => l.lag.toFixed(1)).join(', ');
    for (const l of during) {
      assert.ok(l.changed, 'the click toggled play/pause');
      assert.ok(l.lag < 250, `a click during the batch was handled ${l.lag.toFixed(1)} ms after it happened (${lags})`);
    }
    const late = during.filter((l) => l.lag >= 100).length;
    assert.ok(late <= Math.floor(during.length / 10), `${late} of ${during.length} clicks handled later than 100 ms (${lags})`);
    const [got, want] = await page.evaluate(() => {
      const r = window.dsviz.batch.result;
      const one = window.dsviz.Simulation.batch('two-generals', r.params, r.firstSeed, r.runs);
      return [r.outcomes.map((o) => [o.name, o.count]), one.outcomes.map((o) => [o.name, o.count])];
    });
    assert.deepEqual(got, want, 'the chunks add up to exactly one big call');
    const res = await page.evaluate(() => window.dsviz.batch.result);
    assert.equal(res.done, 10000);
    assert.equal(res.firstSeed, 7);
    assert.equal(res.params.messengers, 10);
    // The histogram shows every outcome with its count, the overlapping one apart.
    for (const [name, count] of got) {
      assert.match(await panel.locator(`.batch-bar[data-outcome="${name}"] .label b`).textContent(), new RegExp(`^${count.toLocaleString('en-US')} ·`));
    }
    assert.equal(await panel.locator('.batch-bar.extra').getAttribute('data-outcome'), 'none-arrived');
    assert.equal(await panel.locator('progress').evaluate((p) => p.value / p.max), 1);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('Cancel stops a batch part way', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const panel = page.locator('#batch-panel');
    await panel.locator('input[name="batch-runs"]').fill('100000');
    await panel.locator('button.primary').click();
    await until(page, () => window.dsviz.batch.result?.done > 0);
    await panel.getByRole('button', { name: 'Cancel' }).click();
    const r = await until(page, () => !window.dsviz.batch.running && window.dsviz.batch.result);
    assert.ok(r.done > 0 && r.done < 100000, `stopped after ${r.done} runs`);
    assert.equal(r.outcomes.slice(0, 4).reduce((a, o) => a + o.count, 0), r.done, 'the counts cover exactly the runs done');
    assert.equal(await panel.locator('button.primary').isDisabled(), false);
    assert.match(await panel.locator('.batch-note').textContent(), /cancelled/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
