// System models from the page: the parameter panel refuses bad values next to the field, the
// partition tool cuts exactly the links between groups (and healing restores only those), the
// link editor changes one link, and the node editor's fault model hides Recover for crash-stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, waitReady, until, graphPixel } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const QUERY = 'scenario=sandbox&seed=3&p.nodes=5&play=0';
const pos = (page, id) => page.evaluate((i) => window.dsviz.nodePosition(i), id);

/** Every directed pair's `up`, read from the simulator itself. */
const upMatrix = (page) => page.evaluate(() => {
  const { sim } = window.dsviz;
  const n = sim.nodeCount();
  const out = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) out.push([a, b, sim.linkInfo(a, b).up]);
  return out;
});

test('the parameter panel refuses out-of-bounds values with a message next to the field', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const spec = await page.evaluate(() => window.dsviz.Simulation.scenarios().find((s) => s.id === window.dsviz.sim.scenarioId()));
    await page.click('.params > summary');
    // Every parameter with help shows it; every bounded number shows its bounds.
    for (const p of spec.params) {
      const help = await page.locator(`#param-${p.name}-help`).textContent();
      if (p.help) assert.ok(help.includes(p.help), `help of ${p.name} shown`);
      if (!p.choices && p.max != null) assert.match(help, /–/, `bounds of ${p.name} shown: ${help}`);
    }
    // Each bounded numeric parameter: one past either end is refused, visibly, by the field.
    const simBefore = await page.evaluateHandle(() => window.dsviz.sim);
    for (const p of spec.params.filter((q) => !q.choices && q.max != null)) {
      await page.evaluate((name) => {
        document.querySelector(`[data-param="${name}"]`).closest('details').open = true;
      }, p.name);
      const input = page.locator(`#param-${p.name}`);
      const error = page.locator(`#param-${p.name}-error`);
      await input.fill(String(p.max + 1));
      assert.equal(await error.isVisible(), true, `${p.name}: message for max + 1`);
      assert.match(await error.textContent(), /most allowed/);
      await input.fill(String(p.min - 1));
      assert.match(await error.textContent(), /least allowed/);
      await input.fill(String(p.default));
      assert.equal(await error.isVisible(), false, `${p.name}: the default is accepted`);
    }
    // Submitting a bad value does not restart the run; the form says why, next to the field.
    const loss = spec.params.find((p) => p.name === 'loss') ?? spec.params.find((p) => !p.choices && p.max != null);
    await page.evaluate((name) => {
      document.querySelector(`[data-param="${name}"]`).closest('details').open = true;
    }, loss.name);
    await page.locator(`#param-${loss.name}`).fill('abc');
    await page.click('#params-form button[type=submit]');
    assert.match(await page.locator(`#param-${loss.name}-error`).textContent(), /not a number/);
    assert.equal(await page.locator('#params-error').isVisible(), true);
    assert.equal(await page.evaluate((s) => s === window.dsviz.sim, simBefore), true, 'the run was not restarted');
    // The panel fits the sidebar at 1280×800: nothing sticks out sideways.
    const overflow = await page.evaluate(() => {
      for (const d of document.querySelectorAll('.param-group')) d.open = true;
      const side = document.querySelector('.side');
      return side.scrollWidth - side.clientWidth;
    });
    assert.ok(overflow <= 0, `sidebar overflows by ${overflow}px`);
    // A good value restarts with it.
    const good = loss.max <= 1 ? 0.25 : loss.default;
    await page.locator(`#param-${loss.name}`).fill(String(good));
    await page.click('#params-form button[type=submit]');
    await until(page, ([n, v]) => window.dsviz.sim.params()[n] === v, [loss.name, good]);
    assert.equal(await page.locator('#params-error').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the partition tool cuts exactly the cross-group links; heal restores them, not hand cuts', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    // Hand cuts first: one inside a future group, one (one way) across groups.
    await page.evaluate(() => {
      window.dsviz.act('cutLink', 3, 4, false);
      window.dsviz.act('cutLink', 1, 3, true);
    });
    const handCut = new Set(['3>4', '4>3', '1>3']);

    await page.click('#btn-partition');
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#btn-partition').getAttribute('aria-pressed'), 'true');
    // Group B is chosen: click n2, then drag a box around n3 alone, then n4 by click.
    const p2 = await pos(page, 2);
    await page.mouse.click(p2.x, p2.y);
    const p3 = await pos(page, 3);
    await page.mouse.move(p3.x - 25, p3.y - 25);
    await page.mouse.down();
    await page.mouse.move(p3.x + 25, p3.y + 25, { steps: 4 });
    await page.mouse.up();
    const p4 = await pos(page, 4);
    await page.mouse.click(p4.x, p4.y);
    const draft = await page.evaluate(() => Object.fromEntries(window.dsviz.partitionTool.draft));
    assert.deepEqual(draft, { 0: 0, 1: 0, 2: 1, 3: 1, 4: 1 });
    // The panel text follows the draft on the next animation frame: wait for it, not race it.
    await until(page, () => /cuts 6 links/.test(document.querySelector('#menu').textContent));

    await menu.getByRole('button', { name: 'Apply partition' }).click();
    await until(page, () => Array.isArray(window.dsviz.frame.partition));
    const group = await page.evaluate(() => window.dsviz.frame.partition);
    assert.deepEqual(group, [0, 0, 1, 1, 1]);
    for (const [a, b, up] of await upMatrix(page)) {
      const want = group[a] === group[b] && !handCut.has(`${a}>${b}`);
      assert.equal(up, want, `${a}→${b} up=${up}, expected ${want}`);
    }
    // Visible: the partition chip over the graph, and the timeline's partition interval.
    assert.equal(await page.locator('#partition-status').isVisible(), true);
    assert.match(await page.locator('#partition-text').textContent(), /A\{n0,n1\} \| B\{n2,n3,n4\}/);
    await until(page, () => window.dsviz.trace.partitions.length === 1 && window.dsviz.trace.partitions[0].end === null);

    // Leave the tool, let time pass, heal from the chip over the graph.
    await menu.getByRole('button', { name: 'Done' }).click();
    await menu.waitFor({ state: 'hidden' });
    // Each group is shaded in its colour: just outside a node, on the side away from the others.
    const probe = await page.evaluate(() => {
      const g = window.dsviz.graph;
      const c = g.canvas.getBoundingClientRect();
      const p = window.dsviz.nodePosition(0);
      const cx = c.left + c.width / 2;
      const cy = c.top + c.height / 2;
      const d = Math.hypot(p.x - cx, p.y - cy) || 1;
      return { x: p.x + ((p.x - cx) / d) * (g.r + 3), y: p.y + ((p.y - cy) / d) * (g.r + 3) };
    });
    await page.waitForTimeout(50);
    const shaded = await graphPixel(page, probe.x, probe.y);
    assert.equal(await page.locator('#btn-partition').getAttribute('aria-pressed'), 'false');
    await page.evaluate(() => window.dsviz.sim.advance(500));
    await page.click('#btn-heal-partition');
    await until(page, () => window.dsviz.frame.partition == null);
    for (const [a, b, up] of await upMatrix(page)) {
      assert.equal(up, !handCut.has(`${a}>${b}`), `after heal ${a}→${b} up=${up}`);
    }
    await until(page, () => window.dsviz.trace.partitions[0]?.end !== null);
    await page.waitForTimeout(50);
    const plain = await graphPixel(page, probe.x, probe.y);
    assert.notDeepEqual(shaded, plain, `group shading drawn: ${shaded} vs ${plain}`);
    assert.equal(await page.locator('#partition-status').isVisible(), false);
    const log = await page.evaluate(() => window.dsviz.sim.actions().map((a) => a.action));
    assert.deepEqual(log, ['cutLink', 'cutLink', 'partition', 'healPartition']);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the link editor changes one direction of a link: loss 1 → its messages die, reason random', async () => {
  const { page, problems, close } = await openPage(env, { query: `${QUERY}&p.loss=0` });
  try {
    await waitReady(page);
    const a = await pos(page, 0);
    const b = await pos(page, 1);
    await page.mouse.click((a.x + b.x) / 2, (a.y + b.y) / 2);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    assert.match(await menu.locator('h3').textContent(), /Link n0 ↔ n1/);
    // The form shows the link's current settings.
    const info = await page.evaluate(() => window.dsviz.linkInfo(0, 1));
    assert.equal(await menu.locator('select[name=kind]').inputValue(), info.kind);
    assert.equal(Number(await menu.locator('input[name=mtu]').inputValue()), info.mtu);
    // A bad value is refused next to its field and nothing changes.
    await menu.locator('input[name=loss]').fill('2');
    const lossError = menu.locator('.lf:has(input[name=loss]) .field-error');
    assert.equal(await lossError.isVisible(), true);
    assert.match(await lossError.textContent(), /most allowed is 1/);
    await menu.getByRole('button', { name: 'Apply' }).click();
    assert.equal(await page.evaluate(() => window.dsviz.sim.actions().length), 0);
    // One way, loss 1.
    await menu.locator('select[name=direction]').selectOption('ab');
    await menu.locator('input[name=loss]').fill('1');
    await menu.getByRole('button', { name: 'Apply' }).click();
    await until(page, () => window.dsviz.linkInfo(0, 1).loss === 1);
    assert.equal(await page.evaluate(() => window.dsviz.linkInfo(1, 0).loss), 0, 'the other direction is untouched');
    assert.equal(await page.evaluate(() => window.dsviz.linkInfo(0, 1).kind), info.kind, 'only the changed field was sent');
    await until(page, () => window.dsviz.frame.links.some((l) => l.from === 0 && l.to === 1 && l.config?.loss === 1));

    await page.keyboard.press('Escape');
    await page.evaluate(() => {
      window.dsviz.setSpeed(20);
      window.dsviz.play();
    });
    await until(page, () => window.dsviz.trace.events.filter((e) => e.kind === 'lost' && e.reason === 'random').length >= 3);
    await page.evaluate(() => window.dsviz.pause());
    const lost = await page.evaluate(() => window.dsviz.trace.events.filter((e) => e.kind === 'lost' && e.reason === 'random').map((e) => `${e.from}>${e.to}`));
    assert.deepEqual([...new Set(lost)], ['0>1']);
    const delivered01 = await page.evaluate(() => window.dsviz.trace.events.filter((e) => e.kind === 'deliver' && e.from === 0 && e.node === 1 && e.t > 10).length);
    assert.equal(delivered01, 0, 'nothing gets through 0 → 1');
    // The link-set event is on the timeline's trace.
    assert.ok(await page.evaluate(() => window.dsviz.trace.events.some((e) => e.kind === 'link-set' && e.node === 0 && e.to === 1)));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the node editor sets the fault model; a crash-stop node is not offered Recover', async () => {
  const { page, problems, close } = await openPage(env, { query: QUERY });
  try {
    await waitReady(page);
    const p = await pos(page, 2);
    await page.mouse.click(p.x, p.y);
    const menu = page.locator('#menu');
    await menu.waitFor({ state: 'visible' });
    await menu.locator('select[name=fault-model]').selectOption('crash-stop');
    await menu.getByRole('button', { name: 'Set' }).nth(1).click();
    await until(page, () => window.dsviz.frame.nodes[2].kind === 'crash-stop');
    await menu.getByRole('button', { name: 'Crash', exact: true }).click();
    await until(page, () => window.dsviz.frame.nodes[2].status === 'crashed');
    await until(page, () => document.querySelector('#menu button.danger')?.disabled === true);
    assert.equal(await menu.getByRole('button', { name: 'Recover' }).count(), 0, 'no Recover button for crash-stop');
    assert.match(await menu.textContent(), /never recovers/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
