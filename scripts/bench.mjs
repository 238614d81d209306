#!/usr/bin/env node
// Prints benchmark figures side by side: core throughput natively and in wasm in headless Chromium.
// Figures, not pass/fail. Run through `npm run bench` (which builds first).
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function native() {
  const out = execFileSync('target/release/examples/bench', { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

async function wasm(url) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}scripts/blank.html`);
    return await page.evaluate(async () => {
      const mod = await import('/www/pkg/dsviz.js');
      await mod.default();
      let best = Infinity;
      let events = 0;
      for (let i = 0; i < 3; i++) {
        const sim = new mod.Simulation('sandbox', 1, { nodes: 500, fanout: 8 });
        const t0 = performance.now();
        sim.advance(60000);
        best = Math.min(best, (performance.now() - t0) / 1000);
        const { stats } = sim.frame();
        events = stats.timers + stats.delivered;
        sim.free();
      }
      const sim = new mod.Simulation('sandbox', 1, { nodes: 50, fanout: 8 });
      sim.advance(600000);
      let seekTotal = 0;
      let seekMax = 0;
      for (let i = 0; i < 50; i++) {
        const t = (i * 7919 + 1234) % 600000;
        const t0 = performance.now();
        sim.seek(t);
        const ms = performance.now() - t0;
        seekTotal += ms;
        seekMax = Math.max(seekMax, ms);
      }
      sim.free();
      return { events, seconds: best, eventsPerSec: events / best, seekMeanMs: seekTotal / 50, seekMaxMs: seekMax };
    });
  } finally {
    await browser.close();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const server = await startServer({ port: 0 });
try {
  const n = native();
  const w = await wasm(server.url);
  console.log('\nCore throughput: sandbox, 500 nodes pinging 8 random peers every 500 ms, 60 s simulated');
  console.log('(events = timer firings + deliveries, trace recorded; best of 3)\n');
  console.log('| where            | events    | seconds | events/s   |');
  console.log('|------------------|-----------|---------|------------|');
  console.log(`| native (release) | ${fmt(n.events).padStart(9)} | ${n.seconds.toFixed(3).padStart(7)} | ${fmt(n.eventsPerSec).padStart(10)} |`);
  console.log(`| wasm (Chromium)  | ${fmt(w.events).padStart(9)} | ${w.seconds.toFixed(3).padStart(7)} | ${fmt(w.eventsPerSec).padStart(10)} |`);
  console.log(`\nwasm / native = ${(w.eventsPerSec / n.eventsPerSec).toFixed(2)}`);
  console.log('\nSeek: show an instant of a 10-minute run of 50 nodes (restore a snapshot, replay; 50 instants)\n');
  console.log('| where            | mean ms | max ms |');
  console.log('|------------------|---------|--------|');
  console.log(`| native (release) | ${n.seekMeanMs.toFixed(2).padStart(7)} | ${n.seekMaxMs.toFixed(2).padStart(6)} |`);
  console.log(`| wasm (Chromium)  | ${w.seekMeanMs.toFixed(2).padStart(7)} | ${w.seekMaxMs.toFixed(2).padStart(6)} |`);
  if (n.events !== w.events) console.log(`NOTE: event counts differ (native ${n.events}, wasm ${w.events})`);
} finally {
  await server.close();
}
