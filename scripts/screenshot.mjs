#!/usr/bin/env node
// Takes docs/screenshot.png (for the README): the page at 1280×800 after ~3 s of play.
//   node scripts/screenshot.mjs [--out docs/screenshot.png] [--scenario ID] [--seed N] [--size 1920x1080]
//                               [--wait MS] [--dark] [--scale 1|2] [--query "p.nodes=7"] [--plain]
//                               [--partition] [--open link|node|partition|params] [--zoom K]
// By default it crashes, pauses, cuts and skews a node a second in (--plain: just play);
// --partition also splits the nodes into two groups; --open leaves that panel open;
// --zoom K zooms the graph K times about its centre (as the mouse wheel does) before the shot.
// Needs the wasm module built (npm run build) and Debian's Chromium at /usr/bin/chromium.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

function parseArgs(argv) {
  const o = { out: path.join(ROOT, 'docs', 'screenshot.png'), wait: 3000, dark: false, scale: 1, query: '', demo: true, size: [1280, 800] };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split(/=(.*)/s, 2);
    const v = () => inline ?? argv[++i];
    if (k === '--out') o.out = path.resolve(v());
    else if (k === '--scenario') o.scenario = v();
    else if (k === '--seed') o.seed = v();
    else if (k === '--wait') o.wait = Number(v());
    else if (k === '--dark') o.dark = true;
    else if (k === '--plain') o.demo = false;
    else if (k === '--scale') o.scale = Number(v());
    else if (k === '--query') o.query = v();
    else if (k === '--size') o.size = v().split('x').map(Number);
    else if (k === '--partition') o.partition = true;
    else if (k === '--open') o.open = v();
    else if (k === '--zoom') o.zoom = Number(v());
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
function o_size(o) {
  const [w, h] = o.size;
  if (!(w >= 320 && h >= 240)) throw new Error(`bad --size ${o.size.join('x')}`);
  return [w, h];
}
if (!fs.existsSync(path.join(ROOT, 'www', 'pkg', 'dsviz.js'))) {
  console.error('www/pkg/dsviz.js is missing: build the wasm module first (npm run build).');
  process.exit(1);
}
const server = await startServer({ root: ROOT, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  const page = await browser.newPage({
    viewport: { width: o_size(opts)[0], height: o_size(opts)[1] },
    deviceScaleFactor: opts.scale,
    colorScheme: opts.dark ? 'dark' : 'light',
  });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  const q = new URLSearchParams(opts.query);
  if (opts.scenario) q.set('scenario', opts.scenario);
  if (opts.seed) q.set('seed', opts.seed);
  q.set('play', '1');
  await page.goto(`${server.url}?${q}`);
  await page.waitForFunction(() => window.dsviz?.ready === true, null, { timeout: 15000 });
  if (opts.demo) {
    // Break a few things a second in, so the picture shows what the tool is for.
    await page.waitForTimeout(Math.min(1000, opts.wait / 3));
    await page.evaluate(() => {
      const d = window.dsviz;
      const n = d.frame.nodes.length;
      if (n >= 2) d.act('cutLink', 0, 1, false);
      if (n >= 3) d.act('pauseNode', 2, 1500);
      if (n >= 4) d.act('crashNode', 3);
      if (n >= 5) d.act('skewClock', 4, -1500);
    });
    if (opts.partition) {
      await page.waitForTimeout(300);
      await page.evaluate(() => {
        const n = window.dsviz.frame.nodes.length;
        window.dsviz.act('partition', [Array.from({ length: Math.ceil(n / 2) }, (_, i) => i)]);
      });
    }
    await page.waitForTimeout(opts.wait - Math.min(1000, opts.wait / 3));
  } else {
    await page.waitForTimeout(opts.wait);
  }
  if (opts.open) {
    await page.evaluate(() => window.dsviz.pause());
    await page.evaluate((what) => {
      const d = window.dsviz;
      if (what === 'node') d.selectNode(1);
      else if (what === 'link') d.selectLink(0, 1);
      else if (what === 'partition') d.togglePartitionTool();
      else if (what === 'params') {
        document.querySelector('#params-panel').open = true;
        document.querySelector('#try-this').open = false;
      }
    }, opts.open);
    await page.waitForTimeout(200);
  }
  if (opts.zoom > 1) {
    await page.evaluate((k) => {
      const g = window.dsviz.graph;
      g.zoom.zoomAt(k, g.w / 2, g.h / 2, g.w, g.h);
    }, opts.zoom);
    await page.waitForTimeout(200);
  }
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  await page.screenshot({ path: opts.out });
  console.log(`wrote ${path.relative(process.cwd(), opts.out) || opts.out}`);
  if (problems.length) {
    console.error(`the page reported problems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
