// The message inspector (RPC): click a request in flight on the graph, see exactly the bytes the
// core marshalled beside the decoded fields, drop it from the panel and watch the client time out;
// click an arrow on the timeline after delivery and still see its bytes.
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

/** Advance the paused run in small steps, one animation frame each, until `label` is in flight past `progress`. */
async function catchInFlight(page, label, progress = 0.4) {
  const ok = await page.evaluate(async ([lbl, pr]) => {
    const d = window.dsviz;
    const has = () => d.frame?.messages.some((m) => m.label === lbl && m.progress > pr);
    for (let i = 0; i < 1000 && !has(); i++) {
      d.sim.advance(5);
      await new Promise((r) => requestAnimationFrame(r));
    }
    return has();
  }, [label, progress]);
  assert.ok(ok, `a ${label} in flight`);
}

/** Page coordinates of a message's dot on the graph. */
const messageDot = (page, label) => page.evaluate((lbl) => {
  const d = window.dsviz;
  const m = d.frame.messages.find((x) => x.label === lbl);
  const p = d.graph.msgPoint(m.from, m.to, m.progress);
  const r = d.graph.canvas.getBoundingClientRect();
  return { id: m.id, x: r.left + p.x, y: r.top + p.y };
}, label);

test('a request clicked in flight shows the bytes the core marshalled, beside its fields', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=rpc&play=0' });
  try {
    await waitReady(page);
    await catchInFlight(page, 'process_payment');
    const dot = await messageDot(page, 'process_payment');
    await page.mouse.click(dot.x, dot.y);
    const panel = page.locator('#msg-panel');
    await panel.waitFor({ state: 'visible' });
    const core = await page.evaluate((id) => window.dsviz.sim.inspectMessage(id), dot.id);
    const shown = await panel.locator('.hex .bytes .b').allTextContents();
    assert.equal(shown.join(' '), core.hex, 'the hex view shows exactly the core\'s bytes');
    assert.deepEqual(shown.slice(0, 2), ['52', '50'], 'the "RP" magic comes first');
    assert.equal(shown.length, core.size);
    // 16 bytes a row, with offsets.
    assert.deepEqual(await panel.locator('.hex-row .off').allTextContents(),
      Array.from({ length: Math.ceil(core.size / 16) }, (_, i) => (i * 16).toString(16).padStart(4, '0')));
    const rows = await panel.locator('.msg-fields tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(rows, core.fields.map(([k, v]) => [String(k), String(v)]));
    // A field names its bytes: hovering it lights them up.
    await panel.locator('.msg-fields tr', { hasText: 'request id' }).hover();
    assert.deepEqual(await panel.locator('.hex .b.lit').allTextContents(), shown.slice(4, 8));
    assert.equal(await panel.locator('.badge').textContent(), 'in flight');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('dropping a request from the panel makes the client time out', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=rpc&play=0' });
  try {
    await waitReady(page);
    await catchInFlight(page, 'process_payment', 0.2);
    const dot = await messageDot(page, 'process_payment');
    await page.mouse.click(dot.x, dot.y);
    const panel = page.locator('#msg-panel');
    await panel.locator('button.drop').click();
    await until(page, () => document.querySelector('#msg-panel .badge')?.textContent === 'dropped');
    assert.equal(await panel.locator('button.drop').isDisabled(), true, 'a dropped message cannot be dropped again');
    const lost = await page.evaluate((id) => window.dsviz.trace.events.find((e) => e.kind === 'lost' && e.msg === id)?.reason, dot.id);
    assert.equal(lost, 'dropped');
    await page.evaluate(() => {
      window.dsviz.setSpeed(20);
      window.dsviz.play();
    });
    const note = await until(page, () => window.dsviz.trace.events.find((e) => e.kind === 'note' && /no reply to #1 attempt 1/.test(e.text))?.text);
    assert.match(note, /cannot tell/);
    const verdict = await until(page, () => window.dsviz.frame.verdicts.find((v) => /lost request and a lost reply/.test(v.claim) && /1 where the request was lost/.test(v.detail))?.detail);
    assert.match(verdict, /no reply within/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('an arrow clicked on the timeline after delivery still shows its bytes', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=rpc&play=0' });
  try {
    await waitReady(page);
    await catchInFlight(page, 'process_payment', 0.1);
    const id = await page.evaluate(() => window.dsviz.frame.messages[0].id);
    const hex = await page.evaluate((i) => window.dsviz.sim.inspectMessage(i).hex, id);
    // Run on until it has arrived, then find its arrow.
    await until(page, (i) => {
      window.dsviz.sim.advance(20);
      return window.dsviz.trace.events.some((e) => e.kind === 'deliver' && e.msg === i);
    }, id);
    const at = await until(page, (i) => {
      const tl = window.dsviz.timeline;
      const h = tl.hits.find((x) => x.ev?.kind === 'deliver' && x.ev.msg === i);
      if (!h) return null;
      const r = tl.canvas.getBoundingClientRect();
      return { x: r.left + (h.x1 + h.x2) / 2, y: r.top + (h.y1 + h.y2) / 2 };
    }, id);
    await page.mouse.click(at.x, at.y);
    const panel = page.locator('#msg-panel');
    await panel.waitFor({ state: 'visible' });
    assert.equal(await panel.locator('.badge').textContent(), 'delivered');
    assert.equal((await panel.locator('.hex .bytes .b').allTextContents()).join(' '), hex);
    assert.equal(await panel.locator('button.drop').isDisabled(), true);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
