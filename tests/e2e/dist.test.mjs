// The builds: scripts/dist.mjs writes a static site that works under any sub-path, and a single
// dsviz.html that works opened straight from disk (file://), alone in its folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT, waitReady, until } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SUB = 'some/sub/path';
let dir;
let browser;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsviz-dist-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'dist.mjs'), '--out', path.join(dir, SUB)], { stdio: 'pipe' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A page that records every request, failed response, console error and CSP violation. */
async function watchedPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const seen = { requests: [], failed: [], problems: [] };
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && seen.failed.push(`${r.status()} ${r.url()}`));
  page.on('requestfailed', (r) => seen.failed.push(`failed ${r.url()}`));
  page.on('console', (m) => m.type() === 'error' && seen.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`));
  return { page, seen, close: () => context.close() };
}

async function runsAndWorks(page) {
  await waitReady(page);
  const t0 = await page.evaluate(() => window.dsviz.frame.now);
  await until(page, (t) => window.dsviz.frame.now > t + 300, t0);
  // The core features work in the build too: act, seek back, share.
  await page.evaluate(() => window.dsviz.act('crashNode', 1));
  await page.evaluate(() => window.dsviz.seek(100));
  await until(page, () => window.dsviz.frame.now === 100);
  const link = await page.evaluate(() => window.dsviz.shareLink());
  assert.match(link, /#share=v1\./);
  assert.equal(await page.locator('#fatal').isVisible(), false);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  return link;
}

test('dist/ has the page, its joined script and styles, and the wasm, with relative URLs only', () => {
  const out = path.join(dir, SUB);
  for (const f of ['index.html', 'www/app.js', 'www/app.css', 'www/pkg/dsviz_bg.wasm', 'www/favicon.svg', 'dsviz.html']) {
    assert.ok(fs.existsSync(path.join(out, f)), `${f} is in dist/`);
  }
  assert.ok(!fs.existsSync(path.join(out, 'www/main.js')), 'the modules are joined, not copied');
  // Minified: the joined script is much smaller than the modules it came from.
  const sources = fs.readdirSync(path.join(ROOT, 'www')).filter((f) => f.endsWith('.js'))
    .reduce((n, f) => n + fs.statSync(path.join(ROOT, 'www', f)).size, fs.statSync(path.join(ROOT, 'www/pkg/dsviz.js')).size);
  const joined = fs.statSync(path.join(out, 'www/app.js')).size;
  assert.ok(joined < sources * 0.6, `app.js ${joined} bytes vs ${sources} bytes of modules`);
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /(?:src|href)="\//, 'no root-relative URLs');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts in the normal build');
});

test('dist/ served from a sub-path loads and runs', async () => {
  const server = await startServer({ root: dir, port: 0 });
  const { page, seen, close } = await watchedPage();
  try {
    const base = `${server.url}${SUB}/`;
    await page.goto(`${base}?play=1`);
    const link = await runsAndWorks(page);
    assert.ok(link.startsWith(`${base}#share=`), `the share link keeps the sub-path: ${link}`);
    assert.deepEqual(seen.failed, [], 'every request found its file');
    for (const u of seen.requests) assert.ok(u.startsWith(base) || /^(data|blob):/.test(u), `request under the sub-path: ${u}`);
    assert.ok(seen.requests.some((u) => u.endsWith('/www/pkg/dsviz_bg.wasm')));
    // index.html, app.css, app.js, the wasm (preloaded, fetched once), the icon: no module waterfall.
    const own = new Set(seen.requests.filter((u) => u.startsWith(base)));
    assert.ok(own.size <= 5, `${own.size} files: ${[...own].join(' ')}`);
    assert.equal(seen.requests.filter((u) => u.endsWith('.wasm')).length, 1, 'the wasm is fetched once');
    assert.deepEqual(seen.problems, []);
    // The share link opens in the sub-path build too.
    const other = await watchedPage();
    try {
      await other.page.goto(link);
      await waitReady(other.page);
      await until(other.page, () => window.dsviz.frame?.now === 100);
      assert.deepEqual(other.seen.problems, []);
    } finally {
      await other.close();
    }
  } finally {
    await close();
    await server.close();
  }
});

test('the single-file build runs from a file:// URL, alone in its folder, under its own strict CSP', async () => {
  const alone = path.join(dir, 'alone');
  fs.mkdirSync(alone);
  fs.copyFileSync(path.join(dir, SUB, 'dsviz.html'), path.join(alone, 'dsviz.html'));
  const html = fs.readFileSync(path.join(alone, 'dsviz.html'), 'utf8');
  const csp = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/, 'the one script is allowed by its hash');
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|'self'/);
  assert.equal((html.match(/<script type="module">/g) ?? []).length, 1, 'one inline module script');
  assert.doesNotMatch(html, /<script[^>]+src=|<link rel="stylesheet"/, 'nothing loaded from elsewhere');

  const { page, seen, close } = await watchedPage();
  try {
    const url = pathToFileURL(path.join(alone, 'dsviz.html')).href;
    await page.goto(`${url}?play=1`);
    const link = await runsAndWorks(page);
    assert.ok(link.startsWith(`${url}#share=`));
    for (const u of seen.requests) assert.ok(u.startsWith(url) || /^(data|blob):/.test(u), `nothing fetched but the file: ${u}`);
    assert.deepEqual(seen.failed, []);
    assert.deepEqual(seen.problems, []);
    // A share link of the single file opens in the single file.
    const other = await watchedPage();
    try {
      await other.page.goto(link);
      await waitReady(other.page);
      await until(other.page, () => window.dsviz.frame?.now === 100);
      assert.equal(await other.page.evaluate(() => window.dsviz.playing), false);
      assert.deepEqual(other.seen.problems, []);
    } finally {
      await other.close();
    }
  } finally {
    await close();
  }
});
