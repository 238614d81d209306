// Physical clocks: the timeline in true time or on each node's local clock (button and L key),
// and a clock stepped back from the node menu showing a negative time-of-day duration.
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

const nextFrames = (page, n = 2) => page.evaluate(async (k) => {
  for (let i = 0; i < k; i++) await new Promise((r) => requestAnimationFrame(r));
}, n);

test('the local-time toggle moves a stepped-back node’s events by the step', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=physical-clocks&play=0' });
  try {
    await waitReady(page);
    await page.evaluate(() => {
      const d = window.dsviz;
      d.sim.advance(1000);
      d.act('skewClock', 0, -2000);
      d.sim.advance(1200);
    });
    await nextFrames(page);
    // An event of n0's after the step, a send to another node.
    const ev = await page.evaluate(() => window.dsviz.trace.events.filter((e) => e.node === 0 && e.t > 1000 && e.kind === 'send').pop());
    assert.ok(ev, 'n0 sent something after the step');
    assert.ok(Math.abs(ev.clock - (ev.t - 2000)) < 1, 'its clock reading is 2 s behind true time');
    const trueX = await page.evaluate((e) => window.dsviz.timeline.xOf(e), ev);
    const toggle = page.locator('.timebase');
    assert.equal(await toggle.getByRole('button', { name: 'True time' }).getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('l');
    await nextFrames(page);
    assert.equal(await toggle.getByRole('button', { name: 'Local clocks' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => window.dsviz.timeline.localTime), true);
    const [localX, pxPerMs, ref, now] = await page.evaluate((e) => {
      const tl = window.dsviz.timeline;
      return [tl.xOf(e), tl.geom.pxPerMs, tl.geom.refNow, window.dsviz.frame.now];
    }, ev);
    // Both views follow their own "now" (true time; the furthest clock), so compare the offsets
    // from it: on local clocks the event sits 2 s further back, less what the others drifted.
    const shift = (trueX - localX) / pxPerMs - (ref - now);
    assert.ok(Math.abs(shift - 2000) < 5, `moved back by ${shift.toFixed(1)} ms of clock`);
    assert.match(await page.locator('#status').textContent(), /local clocks/);
    // And back.
    await toggle.getByRole('button', { name: 'True time' }).click();
    await nextFrames(page);
    assert.equal(await page.evaluate((e) => window.dsviz.timeline.xOf(e), ev), trueX);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('stepping a clock back from the node menu shows a negative time-of-day duration', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=physical-clocks&play=0' });
  try {
    await waitReady(page);
    await page.evaluate(() => window.dsviz.sim.advance(500)); // half a second into n0's first 3 s job
    await nextFrames(page);
    const at = await page.evaluate(() => window.dsviz.nodePosition(0));
    await page.mouse.click(at.x, at.y);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    await menu.locator('input[name="skew-ms"]').fill('5000');
    await menu.getByRole('button', { name: '−' }).click();
    assert.match(await page.locator('#status').textContent(), /stepped n0's clock by −5 s/);
    await page.evaluate(() => {
      window.dsviz.setSpeed(4);
      window.dsviz.play();
    });
    // The job ends 3 s after it began by the monotonic clock; by the time of day, 3 − 5 = −2 s.
    // (Read in one go: the next job, unstepped, takes 3 s by both clocks.)
    const read = () => {
      const tr = [...document.querySelectorAll('#menu .state-table tr')].find((r) => r.cells[0]?.textContent === 'last job (time of day)');
      return tr && /^[-−]/.test(tr.cells[1].textContent) ? { text: tr.cells[1].textContent, cls: tr.className } : null;
    };
    const got = await until(page, read);
    await page.evaluate(() => window.dsviz.pause());
    assert.equal(got.text, '-2000.000 ms');
    assert.match(got.cls, /flag/, 'the negative duration is marked');
    const mono = menu.locator('.state-table tr', { hasText: 'last job (monotonic)' });
    assert.equal(await mono.locator('td').nth(1).textContent(), '3000.000 ms', 'the monotonic clock still says 3 s');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
