// Share links: the Share button and dsviz.shareLink() give the same link; opening it in another
// page replays the same run (same traceHash) paused at the same instant; damaged, truncated and
// hostile links each say what was wrong and open the default scenario, and the page keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { setup, openPage, waitReady, until } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** A payload the way the simulator writes one: raw deflate, URL-safe base64, "v1." in front. */
const pack = (obj, version = 1) => `v${version}.${zlib.deflateRawSync(Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))).toString('base64url')}`;

async function runWithActions(page) {
  await page.evaluate(() => {
    const d = window.dsviz;
    d.pause();
    d.sim.advance(600);
    d.act('crashNode', 2);
    d.act('cutLink', 0, 1, true);
    d.sim.advance(1500);
    d.act('recoverNode', 2);
    d.act('partition', [[0, 1]]);
    d.sim.advance(900);
  });
  await until(page, () => window.dsviz.frame.now === 3000);
}

const state = (page) => page.evaluate(() => ({
  hash: window.dsviz.sim.traceHash(),
  now: window.dsviz.sim.now(),
  scenario: window.dsviz.sim.scenarioId(),
  actions: JSON.stringify(window.dsviz.sim.actions()),
  nodes: JSON.stringify(window.dsviz.frame.nodes),
  playing: window.dsviz.playing,
}));

test('a share link opened in a new page replays the same run, paused at the same instant', async () => {
  const a = await openPage(env, { query: 'scenario=sandbox&seed=42&p.nodes=6&p.loss=0.1&play=0' });
  try {
    await waitReady(a.page);
    await runWithActions(a.page);
    const link = await a.page.evaluate(() => window.dsviz.shareLink());
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#share=v1\.[A-Za-z0-9_-]+$/, 'page URL without the query, payload in the fragment');
    // The Share button shows (and copies, where allowed) the very same link.
    await a.page.click('#btn-share');
    await a.page.locator('#share-box').waitFor({ state: 'visible' });
    assert.equal(await a.page.locator('#share-link').inputValue(), link);
    await until(a.page, () => /clipboard|Ctrl\+C/.test(document.getElementById('share-status').textContent));
    assert.match(await a.page.locator('#share-embed').inputValue(), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1&amp;controls=minimal#share=v1\./);
    const want = await state(a.page);

    const b = await openPage(env, { url: link });
    try {
      await waitReady(b.page);
      await until(b.page, () => window.dsviz.frame?.now === 3000);
      const got = await state(b.page);
      assert.equal(got.hash, want.hash, 'the same traceHash()');
      assert.equal(got.now, 3000);
      assert.equal(got.scenario, 'sandbox');
      assert.equal(got.actions, want.actions);
      assert.equal(got.nodes, want.nodes);
      assert.equal(got.playing, false, 'a shared run opens paused');
      assert.equal(await b.page.evaluate(() => window.dsviz.sim.params().nodes), 6);
      assert.match(await b.page.locator('#status').textContent(), /Opened a shared run/);
      // Both run on identically.
      for (const p of [a.page, b.page]) await p.evaluate(() => window.dsviz.sim.advance(2000));
      assert.equal((await state(b.page)).hash, (await state(a.page)).hash);
      assert.deepEqual(b.problems, []);
    } finally {
      await b.close();
    }
    assert.deepEqual(a.problems, []);
  } finally {
    await a.close();
  }
});

test('a link made after seeking back opens at that instant, with the later actions still ahead', async () => {
  const a = await openPage(env, { query: 'scenario=sandbox&seed=3&play=0' });
  try {
    await waitReady(a.page);
    await runWithActions(a.page);
    await a.page.evaluate(() => window.dsviz.seek(1000));
    await until(a.page, () => window.dsviz.frame.now === 1000);
    const link = await a.page.evaluate(() => window.dsviz.shareLink());
    const want = await state(a.page);
    const b = await openPage(env, { url: link });
    try {
      await waitReady(b.page);
      await until(b.page, () => window.dsviz.frame?.now === 1000);
      const got = await state(b.page);
      assert.equal(got.hash, want.hash);
      assert.equal(got.actions, want.actions);
      assert.equal(await b.page.evaluate(() => window.dsviz.sim.hasFuture()), true);
      await until(b.page, () => !document.getElementById('future-note').hidden);
      assert.equal(await b.page.evaluate(() => window.dsviz.maxTime), 2100, 'the bar reaches the last action');
      // Playing on replays the rest exactly.
      for (const p of [a.page, b.page]) await p.evaluate(() => window.dsviz.seek(2100));
      assert.equal((await state(b.page)).hash, (await state(a.page)).hash);
      assert.deepEqual(b.problems, []);
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
});

test('damaged, truncated and hostile links each say what was wrong and open the default scenario', async () => {
  const good = pack({ s: 'sandbox', seed: '5', p: {}, a: [[500000000, 'crashNode', [1]]], t: 1000000000 });
  const bad = [
    ['empty', '', /damaged|version/i],
    ['no version mark', 'hello-world', /damaged \(no version mark\)/],
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /damaged/],
    ['a character changed', good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11), /damaged|unknown|malformed|number|node/i],
    ['not base64', 'v1.%%%***', /base64/],
    ['newer format', good.replace(/^v1\./, 'v7.'), /newer dsviz/],
    ['zip bomb', pack(' '.repeat(5 * 1024 * 1024)), /damaged/],
    ['unknown scenario with markup', pack({ s: '<img src=x onerror=alert(1)>', seed: '1' }), /scenario/i],
    ['node out of range', pack({ s: 'sandbox', seed: '1', a: [[1, 'crashNode', [999]]], t: 10 }), /node|999/i],
    ['past one hour', pack({ s: 'sandbox', seed: '1', t: 99 * 3600 * 1e9 }), /hour/],
    ['unknown action', pack({ s: 'sandbox', seed: '1', a: [[1, 'formatDisk', [0]]], t: 10 }), /unknown action/],
    ['seed not a number', pack({ s: 'sandbox', seed: 'lots', t: 10 }), /seed/],
    ['far too long', `v1.${'A'.repeat(250_000)}`, /too long/],
  ];
  assert.ok(bad.length >= 10);
  for (const [what, payload, message] of bad) {
    const { page, problems, close } = await openPage(env, { url: `${env.server.url}?play=1#share=${payload}` });
    try {
      await waitReady(page);
      const toast = page.locator('.toast.error', { hasText: 'Could not open the shared run' });
      await toast.waitFor({ state: 'visible' });
      const text = await toast.textContent();
      assert.match(text, message, `${what}: ${text}`);
      assert.doesNotMatch(text, /panic|RuntimeError|unreachable/i, what);
      // The default scenario is running, the page is alive, and the bad link is gone from the address.
      assert.equal(await page.evaluate(() => window.dsviz.sim.scenarioId()), 'sandbox', what);
      const t0 = await page.evaluate(() => window.dsviz.frame.now);
      await until(page, (t) => window.dsviz.frame.now > t + 100, t0);
      assert.equal(await page.locator('#fatal').isVisible(), false, what);
      assert.equal(await page.evaluate(() => location.hash), '', what);
      assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0, `${what}: no markup from the link`);
      assert.deepEqual(problems, [], what);
    } finally {
      await close();
    }
  }
});

test('a share link pasted into an open page opens too', async () => {
  const a = await openPage(env, { query: 'scenario=rpc&seed=9&play=0' });
  try {
    await waitReady(a.page);
    await a.page.evaluate(() => window.dsviz.sim.advance(1500));
    const link = await a.page.evaluate(() => window.dsviz.shareLink());
    const hash = await a.page.evaluate(() => window.dsviz.sim.traceHash());
    const b = await openPage(env, { query: 'scenario=sandbox&play=1' });
    try {
      await waitReady(b.page);
      await b.page.evaluate((frag) => (location.hash = frag), link.slice(link.indexOf('#')));
      await until(b.page, () => window.dsviz.sim.scenarioId() === 'rpc');
      assert.equal(await b.page.evaluate(() => window.dsviz.sim.traceHash()), hash);
      assert.equal(await b.page.evaluate(() => window.dsviz.playing), false);
      assert.deepEqual(b.problems, []);
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
});
