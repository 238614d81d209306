// Scenario-specific readability: the two generals' knowledge side by side, Byzantine relay paths
// as a folding tree in the node inspector, the RPC server's ledger with double charges marked.
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

const field = (info, key) => [...(info.volatile ?? []), ...info.stable].find(([k]) => k === key)?.[1];

test("the two generals' knowledge, side by side", async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=two-generals&play=0' });
  try {
    await waitReady(page);
    await page.evaluate(() => {
      window.dsviz.setSpeed(20);
      window.dsviz.play();
    });
    await until(page, () => window.dsviz.frame.nodes.every((n) => /attacks|holds back/.test(n.summary)));
    await page.evaluate(() => window.dsviz.pause());
    const card = page.locator('#compare');
    await card.waitFor({ state: 'visible' });
    for (const id of [0, 1]) {
      const info = await page.evaluate((i) => window.dsviz.sim.inspectNode(i), id);
      const col = card.locator(`.compare-col[data-node="${id}"]`);
      await until(page, ([i, want]) => document.querySelector(`#compare .compare-col[data-node="${i}"] .lead`)?.textContent === want, [id, field(info, 'knowledge')]);
      assert.equal(await col.locator('.formula').textContent(), field(info, 'formally'));
      assert.match(await col.textContent(), new RegExp(field(info, 'decision')));
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('Byzantine relay paths fold into a tree in the inspector', async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=byzantine-generals&play=0&p.generals=7&p.traitor_mask=3' });
  try {
    await waitReady(page);
    await page.evaluate(() => window.dsviz.sim.advance(5000));
    await page.evaluate(() => window.dsviz.selectNode(2));
    const table = page.locator('#menu .state-table');
    await table.locator('tr', { hasText: 'via 0→3→1' }).waitFor({ state: 'attached' });
    const info = await page.evaluate(() => window.dsviz.sim.inspectNode(2));
    const paths = info.volatile.filter(([k]) => k.startsWith('via '));
    assert.equal(paths.length, 26, 'OM(2) with 7 generals: 1 + 5 + 20 relay paths');
    assert.equal(await table.locator('tr[data-depth]').count(), info.volatile.length + info.stable.length, 'every field has its row');
    // Long: the second level starts folded, the first is open.
    const sub = table.locator('tr', { hasText: 'via 0→3→1' });
    assert.equal(await sub.isVisible(), false);
    const parent = table.locator('tr.fold-row', { hasText: 'via 0→3' }).first();
    assert.equal(await parent.isVisible(), true);
    assert.match(await parent.textContent(), /4 below/);
    await parent.locator('button.fold').click();
    await sub.waitFor({ state: 'visible' });
    assert.equal(await sub.getAttribute('data-depth'), '2');
    // Folded or not, it stays so across the inspector's refreshes.
    await page.waitForTimeout(600);
    assert.equal(await sub.isVisible(), true);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test("the RPC server's ledger marks a payment charged twice", async () => {
  const { page, problems, close } = await openPage(env, { query: 'scenario=rpc&play=0' });
  try {
    await waitReady(page);
    // Seed 1: the reply to payment #3 is lost, the retry runs it again (no deduplication).
    await until(page, () => {
      window.dsviz.sim.advance(250);
      return /charged more than once/.test(JSON.stringify(window.dsviz.sim.inspectNode(1).stable));
    });
    await page.evaluate(() => window.dsviz.selectNode(1));
    const table = page.locator('#menu .state-table');
    await table.locator('tr.flag').first().waitFor();
    const flagged = await table.locator('tr.flag').evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent + ' = ' + tr.cells[1].textContent));
    assert.ok(flagged.some((t) => /^charged more than once = request #3/.test(t)), flagged.join('\n'));
    const txns = flagged.filter((t) => /^txn \d+ = .*for request #3 /.test(t));
    assert.equal(txns.length, 2, 'both charges of request #3 are marked');
    const others = await table.locator('tr:not(.flag)', { hasText: /for request #1 / }).count();
    assert.equal(others, 1, 'a payment charged once is not marked');
    // The volatile bytes start folded for RPC: the ledger comes first.
    assert.match(await table.locator('tr.section').first().textContent(), /Volatile.*rows/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
