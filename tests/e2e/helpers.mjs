// Shared setup for the end-to-end tests: a static server on a free port, Debian's Chromium
// driven by playwright-core, and small helpers to read the page's state. Nothing leaves 127.0.0.1.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

if (!fs.existsSync(path.join(ROOT, 'www', 'pkg', 'dsviz.js'))) {
  throw new Error('www/pkg/dsviz.js is missing: build the wasm module first (npm run build).');
}

/** One server and one browser for a test file; each test opens its own page. */
export async function setup() {
  const server = await startServer({ root: ROOT, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Open the page and wait until its first frame is drawn. `problems` collects console errors,
 * uncaught exceptions and any request that tried to leave the local server.
 */
export async function openPage(env, { query = '', url, viewport = { width: 1280, height: 800 }, route } = {}) {
  const context = await env.browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.route('**/*', (r) => {
    const url = r.request().url();
    if (!url.startsWith(env.server.url) && !url.startsWith('data:')) {
      problems.push(`external request: ${url}`);
      return r.abort();
    }
    return route ? route(r) : r.continue();
  });
  await page.goto(url ?? `${env.server.url}${query ? `?${query}` : ''}`);
  return { page, problems, close: () => context.close() };
}

export async function waitReady(page) {
  await page.waitForFunction(() => window.dsviz?.ready === true, null, { timeout: 15000 });
}

/** Wait until fn (run in the page) returns truthy; returns its value. */
export async function until(page, fn, arg, timeout = 10000) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  return handle.jsonValue();
}

/** The graph canvas pixel (RGBA) at a page point, read from the canvas itself. */
export async function graphPixel(page, x, y) {
  return page.evaluate(([px, py]) => {
    const c = document.getElementById('graph');
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    const d = c.getContext('2d').getImageData(Math.round((px - r.left) * k), Math.round((py - r.top) * k), 1, 1).data;
    return [d[0], d[1], d[2], d[3]];
  }, [x, y]);
}
