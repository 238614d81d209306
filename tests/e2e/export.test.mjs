// Export and import through the page: the trace as JSON (Export menu → download), opened again
// through the file picker and by drag-and-drop with the same traceHash; corrupt and edited files
// get a clear error and leave the run alone; the timeline as SVG and PNG; the graph as a
// 1920×1080 PNG.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setup, openPage, waitReady, until } from './helpers.mjs';

let env;
let dir;
before(async () => {
  env = await setup();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsviz-export-'));
});
after(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function someRun(page) {
  await page.evaluate(() => {
    const d = window.dsviz;
    d.pause();
    d.sim.advance(800);
    d.act('crashNode', 1);
    d.act('pauseNode', 2, 500);
    d.sim.advance(1200);
    d.act('skewClock', 3, 300);
    d.act('cutLink', 0, 4, false);
    d.sim.advance(1000);
  });
  await until(page, () => window.dsviz.frame.now === 3000);
}

/** Chooses an Export menu entry and returns the download's file name and saved path. */
async function exportVia(page, label) {
  await page.click('#btn-export');
  const item = page.locator('#export-menu').getByRole('menuitem', { name: label });
  const [dl] = await Promise.all([page.waitForEvent('download'), item.click()]);
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), file };
}

const pngSize = (file) => {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString(), 'PNG', `${file} is a PNG`);
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
};

test('the exported trace opens again (file picker and drag-and-drop) with the same trace hash', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&seed=11&p.loss=0.05&play=0' });
  try {
    await waitReady(page);
    await someRun(page);
    const want = await page.evaluate(() => ({ hash: window.dsviz.sim.traceHash(), actions: JSON.stringify(window.dsviz.sim.actions()) }));
    const { name, file } = await exportVia(page, 'Trace (JSON)');
    assert.match(name, /^dsviz-sandbox-seed11-t3\.000s\.trace\.json$/);
    const trace = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(trace.format, 'dsviz-trace');
    assert.equal(trace.version, 1);
    assert.equal(trace.traceHash, want.hash);
    assert.equal(trace.actions.length, 4);
    assert.ok(Array.isArray(trace.events) && trace.events.length > 10);

    // Open it in a fresh page through the file picker (Export → Open a trace file…).
    const other = await openPage(env, { query: 'scenario=rpc&play=1' });
    try {
      await waitReady(other.page);
      await other.page.click('#btn-export');
      const [chooser] = await Promise.all([
        other.page.waitForEvent('filechooser'),
        other.page.locator('#export-menu').getByRole('menuitem', { name: /Open a trace file/ }).click(),
      ]);
      await chooser.setFiles(file);
      await until(other.page, () => window.dsviz.sim.scenarioId() === 'sandbox');
      const got = await other.page.evaluate(() => ({ hash: window.dsviz.sim.traceHash(), actions: JSON.stringify(window.dsviz.sim.actions()), now: window.dsviz.sim.now(), playing: window.dsviz.playing }));
      assert.equal(got.hash, want.hash, 'same traceHash after import');
      assert.equal(got.actions, want.actions);
      assert.equal(got.now, 3000);
      assert.equal(got.playing, false);
      assert.match(await other.page.locator('#status').textContent(), /recorded trace hash/);

      // And by dropping the file on the page.
      await other.page.evaluate(() => window.dsviz.setScenario('rpc'));
      await until(other.page, () => window.dsviz.sim.scenarioId() === 'rpc');
      const text = fs.readFileSync(file, 'utf8');
      await other.page.evaluate((json) => {
        const dt = new DataTransfer();
        dt.items.add(new File([json], 'dropped.trace.json', { type: 'application/json' }));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
      }, text);
      await until(other.page, () => window.dsviz.sim.scenarioId() === 'sandbox');
      assert.equal(await other.page.evaluate(() => window.dsviz.sim.traceHash()), want.hash, 'same traceHash after a drop');
      assert.equal(await other.page.locator('#drop-zone').isVisible(), false);
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a corrupt or edited trace file gets a clear error and the run stays as it was', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&seed=2&play=0' });
  try {
    await waitReady(page);
    await someRun(page);
    const json = await page.evaluate(() => window.dsviz.exportTrace());
    const hash = await page.evaluate(() => window.dsviz.sim.traceHash());
    const edited = JSON.parse(json);
    edited.actions[2].args = [3, 301]; // the clock step: a different run, the old hash
    const cases = [
      ['not json.trace.json', 'this is not JSON at all', /not a dsviz trace file/],
      ['cut.trace.json', json.slice(0, json.length / 2), /not a dsviz trace file/],
      ['other.json', '{"format":"something-else","version":1}', /not a dsviz trace file/],
      ['newer.trace.json', json.replace('"version":1', '"version":99'), /version 99/],
      ['edited.trace.json', JSON.stringify(edited), /trace hash/],
      ['empty.json', '', /not a dsviz trace file/],
    ];
    for (const [name, content, message] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      await page.locator('#import-file').setInputFiles(file);
      const toast = page.locator('.toast.error', { hasText: `Could not open ${name}` });
      await toast.waitFor({ state: 'visible' });
      assert.match(await toast.textContent(), message, name);
      assert.equal(await page.evaluate(() => window.dsviz.sim.traceHash()), hash, `${name}: the run is untouched`);
    }
    // Still working.
    await page.evaluate(() => window.dsviz.play());
    await until(page, () => window.dsviz.frame.now > 3200);
    assert.equal(await page.locator('#fatal').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the timeline exports as SVG and PNG, the graph as a 1920×1080 PNG', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=sandbox&seed=4&play=0' });
  try {
    await waitReady(page);
    await someRun(page);
    const svg = await exportVia(page, 'Timeline as SVG');
    assert.match(svg.name, /\.timeline\.svg$/);
    const text = fs.readFileSync(svg.file, 'utf8');
    // Parse it as the browser would open the file, and look at what is in it.
    const info = await page.evaluate((src) => {
      const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
      const err = doc.querySelector('parsererror');
      const root = doc.documentElement;
      return {
        err: err?.textContent ?? null,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        paths: doc.querySelectorAll('path').length,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
        hatch: doc.querySelectorAll('pattern').length,
      };
    }, text);
    assert.equal(info.err, null, 'well-formed SVG');
    assert.equal(info.root, 'svg');
    const shown = await page.evaluate(() => window.dsviz.timeline.geom.w);
    assert.equal(info.width, shown, 'the size of the timeline on screen');
    assert.ok(info.paths > 20, `marks drawn as paths (${info.paths})`);
    for (const n of ['n0', 'n1', 'n2', 'n3', 'n4', 'time →']) assert.ok(info.texts.includes(n), `${n} labelled`);
    assert.ok(info.hatch >= 1, 'the paused stretch is hatched');
    assert.ok(info.texts.some((t) => /^\+300 ms$/.test(t)), 'the clock step is labelled');

    const tl = await exportVia(page, 'Timeline as PNG');
    const geom = await page.evaluate(() => window.dsviz.timeline.geom);
    assert.deepEqual(pngSize(tl.file), { w: geom.w * 2, h: geom.h * 2 });
    const graph = await exportVia(page, /Graph as PNG/);
    assert.match(graph.name, /^dsviz-sandbox-seed4-t3\.000s\.graph\.png$/);
    assert.deepEqual(pngSize(graph.file), { w: 1920, h: 1080 });
    // The slide is in the light theme whatever the page shows: a white background.
    const corner = await page.evaluate(async (b64) => {
      // Decoded from bytes (createImageBitmap fetches nothing, so the page's CSP has no say).
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = document.createElement('canvas');
      c.width = 20;
      c.height = 20;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, -1900, -1060);
      return [...ctx.getImageData(5, 5, 1, 1).data];
    }, fs.readFileSync(graph.file).toString('base64'));
    assert.deepEqual(corner, [255, 255, 255, 255]);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('exports in the dark theme and in presentation mode are still light, and the page keeps its look', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    await page.goto(`${env.server.url}?scenario=sandbox&play=0`);
    await waitReady(page);
    await someRun(page);
    await page.evaluate(() => window.dsviz.present(true));
    const svg = await page.evaluate(() => window.dsviz.timelineSvg());
    assert.match(svg, /<rect x="0" y="0" width="\d+" height="\d+" fill="#ffffff"\/>/, 'light background');
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--panel').trim());
    assert.equal(bg, '#ffffff', 'presentation mode (high contrast, light) is still on');
    await page.evaluate(() => window.dsviz.present(false));
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--panel').trim()), '#161b22', 'dark again');
  } finally {
    await context.close();
  }
});
