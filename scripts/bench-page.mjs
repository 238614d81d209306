// Page figures for `npm run bench`: frame time with drawing, and start-up time, in headless
// Chromium (software rendering, 1280×800). Imported by bench.mjs; prints nothing itself.
import { chromium } from 'playwright-core';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** p50/p95/max of the intervals between animation frames while the page plays: each interval
 *  covers advance + frame() + drawing both views (and is at least one display refresh). */
async function frameTimes(page, seconds) {
  return page.evaluate((ms) => new Promise((resolve) => {
    const gaps = [];
    let last = performance.now();
    const end = last + ms;
    const tick = (t) => {
      gaps.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(tick);
      else {
        gaps.sort((a, b) => a - b);
        const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
        const f = window.dsviz.frame ?? {};
        // Late: the frame missed the next display refresh (an interval of two refreshes or more,
        // where one refresh reads 16.6-16.8 ms with the timestamps' jitter).
        const late = gaps.filter((g) => g > 25).length / gaps.length;
        resolve({ perf: window.dsviz.perf ?? null, work: window.dsviz.frameWork?.(gaps.length) ?? null, frames: gaps.length,
          p50: at(0.5), p95: at(0.95), max: gaps[gaps.length - 1], late,
          inFlight: f.msgs?.count ?? f.messages?.length ?? 0, events: f.stats?.events ?? 0 });
      }
    };
    requestAnimationFrame(tick);
  }), seconds * 1000);
}

const MEMORY_SAMPLES = 4;
const MEMORY_EVERY_MS = 15000;

export async function pageFigures(url) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Start-up: navigation to the first drawn frame, on localhost, best of five loads; of the
    // page as `npm start` serves it and as `npm run build` packs it (dist/).
    const startupOf = async (path) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const page = await ctx.newPage();
        const t0 = Date.now();
        await page.goto(`${url}${path}?scenario=sandbox`);
        await page.waitForFunction(() => window.dsviz?.ready === true, null, { polling: 'raf' });
        const ms = await page.evaluate(() => performance.now());
        best = Math.min(best, ms, Date.now() - t0);
        await page.close();
      }
      return best;
    };
    const startupDev = await startupOf('index.html');
    const startup = await startupOf('dist/index.html');
    // 1,000 nodes with about 10,000 messages in flight: 13 peers each every 500 ms, 320 ms links.
    const big = await ctx.newPage();
    await big.goto(`${url}index.html?scenario=sandbox&p.nodes=1000&p.fanout=13&p.latency=constant&p.latency_ms=320&play=1`);
    await big.waitForFunction(() => window.dsviz?.ready === true);
    await big.waitForTimeout(2000);
    const thousand = await frameTimes(big, 5);
    await big.close();
    // A timeline holding 100,000 recorded events: 200 nodes at 10x for a while, then 1x.
    const dense = await ctx.newPage();
    await dense.goto(`${url}index.html?scenario=sandbox&p.nodes=200&play=1&speed=10`);
    await dense.waitForFunction(() => window.dsviz?.ready === true);
    await dense.waitForFunction(() => (window.dsviz.frame?.stats?.events ?? 0) > 100000, null, { timeout: 60000 });
    const timeline = await frameTimes(dense, 5);
    await dense.close();
    // The tab left running at 100x: wasm memory and the page's JavaScript heap (after a
    // collection) at intervals; bounded means the later readings do not keep climbing.
    const long = await ctx.newPage();
    const cdp = await ctx.newCDPSession(long);
    await long.goto(`${url}dist/index.html?scenario=sandbox&play=1&speed=100`);
    await long.waitForFunction(() => window.dsviz?.ready === true);
    const memory = [];
    for (let i = 1; i <= MEMORY_SAMPLES; i++) {
      await long.waitForTimeout(MEMORY_EVERY_MS);
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const page = await long.evaluate(() => ({ wasm: window.dsviz.wasmBytes?.() ?? 0, simMs: window.dsviz.frame?.now ?? 0 }));
      memory.push({ realS: (i * MEMORY_EVERY_MS) / 1000, simMin: page.simMs / 60000, jsHeap: usedSize, wasm: page.wasm });
    }
    await long.close();
    return { startup, startupDev, thousand, timeline, memory };
  } finally {
    await browser.close();
  }
}
