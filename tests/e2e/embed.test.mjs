// Embedding: the page under the strict Content-Security-Policy header a course site may send,
// inside a cross-origin iframe, with the embed parameters; and presentation mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, waitReady, until } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
let browser;
let site; // the page, with the CSP header
let parentDir;
before(async () => {
  site = await startServer({ root: ROOT, port: 0, headers: { 'Content-Security-Policy': CSP } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  parentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsviz-parent-'));
});
after(async () => {
  await browser?.close();
  await site?.close();
  if (parentDir) fs.rmSync(parentDir, { recursive: true, force: true });
});

/** A page that collects CSP violations (the event, in every frame), console errors and page errors. */
async function watchedPage(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems, close: () => context.close() };
}

test("runs under the header CSP default-src 'self'; script-src 'self' 'wasm-unsafe-eval' with no violations", async () => {
  const { page, problems, close } = await watchedPage();
  try {
    const res = await page.goto(`${site.url}?scenario=sandbox&play=1`);
    assert.equal(res.headers()['content-security-policy'], CSP, 'the header is sent');
    await waitReady(page);
    const t0 = await page.evaluate(() => window.dsviz.frame.now);
    await until(page, (t) => window.dsviz.frame.now > t + 300, t0);
    // Exercise what could need more than the policy allows: menus and tooltips (styles set from
    // script), the share box and clipboard, exports (canvas, blobs, downloads), presentation mode.
    await page.evaluate(() => window.dsviz.selectNode(1));
    await page.locator('#menu').getByRole('button', { name: /^Crash/ }).click();
    await page.mouse.move(400, 600);
    await page.click('#btn-share');
    await page.locator('#share-box').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.dsviz.seek(200));
    for (const what of ['trace', 'timeline-svg', 'timeline-png', 'graph-png']) {
      await Promise.all([page.waitForEvent('download'), page.evaluate((w) => window.dsviz.exporter.run(w), what)]);
    }
    await page.keyboard.press('f');
    await page.waitForTimeout(200);
    await page.keyboard.press('f');
    await page.evaluate(() => window.dsviz.play());
    await page.waitForTimeout(400);
    assert.equal(await page.locator('#fatal').isVisible(), false);
    assert.deepEqual(problems, [], 'no CSP violations, no console errors');
    // The watch itself works: a violation made on purpose (an inline style attribute) is seen.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('i'), { id: 'canary' })));
    await page.evaluate(() => document.getElementById('canary').setAttribute('style', 'color: red'));
    await page.waitForTimeout(100);
    assert.ok(problems.some((p) => /CSP violation: style-src-attr/.test(p)), 'a deliberate violation is reported');
  } finally {
    await close();
  }
});

test('the page runs inside a cross-origin iframe with the embed parameters', async () => {
  // The course page: another origin (another port), with the README's iframe snippet.
  const query = 'scenario=rpc&embed=1&autoplay=1&speed=2&controls=minimal';
  fs.writeFileSync(path.join(parentDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title><link rel="icon" href="data:,">
<h1>Week 3: remote procedure calls</h1>
<iframe src="${site.url}?${query.replace(/&/g, '&amp;')}" width="960" height="540" style="border:0" title="dsviz: RPC" allow="clipboard-write"></iframe>`);
  const parent = await startServer({ root: parentDir, port: 0 });
  const { page, problems, close } = await watchedPage({ width: 1100, height: 800 });
  try {
    await page.goto(parent.url);
    assert.notEqual(new URL(parent.url).origin, new URL(site.url).origin, 'cross-origin');
    let frame = null;
    for (let i = 0; i < 150 && !frame; i++) {
      frame = page.frames().find((x) => x.url().startsWith(site.url)) ?? null;
      if (!frame) await page.waitForTimeout(100);
    }
    assert.ok(frame, 'the iframe loaded the page');
    await frame.waitForFunction(() => window.dsviz?.ready === true, null, { timeout: 15000 });
    const info = await frame.evaluate(() => ({
      scenario: window.dsviz.sim.scenarioId(),
      playing: window.dsviz.playing,
      speed: window.dsviz.speed,
      embed: document.documentElement.classList.contains('embed'),
      sideShown: getComputedStyle(document.querySelector('.side')).display !== 'none',
      seedShown: getComputedStyle(document.querySelector('.toolbar .seed')).display !== 'none',
      openFull: !document.getElementById('open-full').hidden,
    }));
    assert.deepEqual(info, { scenario: 'rpc', playing: true, speed: 2, embed: true, sideShown: false, seedShown: false, openFull: true });
    const t0 = await frame.evaluate(() => window.dsviz.frame.now);
    await frame.waitForFunction((t) => window.dsviz.frame.now > t + 500, t0);
    // The views fill the frame.
    const g = await frame.locator('#graph').boundingBox();
    assert.ok(g.width > 500, `graph width ${g.width}`);
    // "Open full page" carries the run, without the embed parameters.
    await frame.locator('#open-full').dispatchEvent('pointerdown');
    const href = await frame.locator('#open-full').getAttribute('href');
    assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/\?speed=2#share=v1\./);
    // Keyboard works in the frame once it has focus.
    await frame.locator('#timeline').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press(' ');
    await frame.waitForFunction(() => window.dsviz.playing === false);
    assert.deepEqual(problems, [], 'no CSP violations or errors in the frame or the course page');
  } finally {
    await close();
    await parent.close();
  }
});

test('embed without autoplay waits for the reader; minimal controls keep play, step and time', async () => {
  const { page, problems, close } = await watchedPage({ width: 800, height: 500 });
  try {
    await page.goto(`${site.url}?scenario=two-generals&embed=1&controls=minimal`);
    await waitReady(page);
    assert.equal(await page.evaluate(() => window.dsviz.playing), false);
    for (const sel of ['#btn-play', '#btn-step', '#btn-back', '#now', '#scrub']) assert.equal(await page.locator(sel).isVisible(), true, `${sel} shown`);
    for (const sel of ['#btn-partition', '#seed', '#btn-share', '#btn-help', '.side']) assert.equal(await page.locator(sel).isVisible(), false, `${sel} hidden`);
    const bar = await page.locator('.toolbar').boundingBox();
    assert.ok(bar.height < 60, `one compact toolbar line (${bar.height}px)`);
    await page.click('#btn-play');
    await until(page, () => window.dsviz.frame.now > 200);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('presentation mode: large type and marks, high contrast, panels hidden; F and Esc', async () => {
  const { page, problems, close } = await watchedPage();
  try {
    await page.goto(`${site.url}?scenario=sandbox&play=1`);
    await waitReady(page);
    const before = await page.evaluate(() => ({ fs: parseFloat(getComputedStyle(document.body).fontSize), graphW: document.getElementById('graph').getBoundingClientRect().width }));
    await page.locator('#timeline').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('f');
    await until(page, () => document.documentElement.classList.contains('present'));
    const on = await page.evaluate(() => ({
      fs: parseFloat(getComputedStyle(document.body).fontSize),
      fg: getComputedStyle(document.documentElement).getPropertyValue('--fg').trim(),
      side: getComputedStyle(document.querySelector('.side')).display,
      plots: getComputedStyle(document.querySelector('.plots')).display,
      zoom: document.getElementById('timeline').dataset.zoom,
      pressed: document.getElementById('btn-present').getAttribute('aria-pressed'),
      graphW: document.getElementById('graph').getBoundingClientRect().width,
    }));
    assert.ok(on.fs > before.fs, `larger type (${before.fs} → ${on.fs}px)`);
    assert.equal(on.fg, '#000000', 'black on white');
    assert.equal(on.side, 'none');
    assert.equal(on.plots, 'none');
    assert.equal(on.zoom, '1.3', 'the timeline draws its marks larger');
    assert.equal(on.pressed, 'true');
    assert.ok(on.graphW > before.graphW, 'the graph takes the room the panels left');
    // Clicks still land on the node under the mouse.
    const p = await page.evaluate(() => window.dsviz.nodePosition(2));
    await page.evaluate(() => window.dsviz.pause());
    await page.mouse.click(p.x, p.y);
    await page.locator('#menu').waitFor({ state: 'visible' });
    assert.match(await page.locator('#menu h3').textContent(), /n2/);
    await page.keyboard.press('Escape'); // closes the menu first
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('present')), true);
    await page.keyboard.press('Escape'); // then leaves presentation mode
    await until(page, () => !document.documentElement.classList.contains('present'));
    assert.equal(await page.evaluate(() => document.getElementById('timeline').dataset.zoom), undefined);
    await page.click('#btn-present');
    await until(page, () => document.documentElement.classList.contains('present'));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
