// Boot, the animation loop and the wiring between the simulator (wasm) and the views.
// Per animation frame: advance(elapsed × speed), exactly one frame(), draw both views.
import { Controls } from './controls.js';
import { Menus } from './menus.js';
import { ParamsPanel, defaults } from './params.js';
import { Narration } from './narration.js';
import { PlotsPanel } from './plots.js';
import { PartitionTool } from './partition.js';
import { readUrl, writeUrl } from './url.js';
import { GraphView } from './graph.js';
import { TimelineView } from './timeline.js';
import { TraceBuffer } from './trace.js';
import { LabelColours, nodeName, fmtClock, fmtSigned, fmtDuration, fmtValue, canvasZoom } from './format.js';
import { bindPointer } from './input.js';
import { Legend } from './legend.js';
import { MessagePanel } from './message-panel.js';
import { BatchPanel } from './batch-panel.js';
import { ComparePanel } from './compare.js';
import { ClockMap } from './clockmap.js';
import { TimeBaseToggle } from './timebase.js';
import { NoteBands } from './note-bands.js';
import { TimeTravel } from './timetravel.js';
import { ShareUi, shareFragment } from './share.js';
import { ExportUi } from './export.js';
import { Modes } from './modes.js';
import { attachMessages, messageCount } from './messages.js';
import { FramePerf } from './perf.js';
import { bindGraphZoom } from './graph-zoom.js';

const MAX_STEP_REAL_MS = 100; // a background tab must not make the run jump ahead
const ACTIONS = ['crashNode', 'recoverNode', 'pauseNode', 'cutLink', 'healLink', 'skewClock', 'setDrift',
  'setLink', 'setFaultModel', 'partition', 'healPartition', 'dropMessage'];
const $ = (id) => document.getElementById(id);

let Simulation = null;
let panicMessage = () => undefined;

const app = {
  sim: null,
  frame: null,
  scenarios: [],
  scenarioId: null,
  seed: 1,
  params: {},
  playing: false,
  speed: 1,
  selected: null,
  selectedLink: null,
  dead: false,
  lastTs: 0,
};

const perf = new FramePerf(['advance', 'frame', 'ingest', 'graph', 'timeline', 'plots', 'other']);
const colours = new LabelColours();
const trace = new TraceBuffer();
const graph = new GraphView($('graph'), colours);
const timeline = new TimelineView($('timeline'), trace, colours);
const clocks = new ClockMap();
timeline.clocks = clocks;
const noteBands = new NoteBands(trace);
timeline.bands = noteBands;
const controls = new Controls(app);
const menus = new Menus(app, $('menu'));
const legend = new Legend(colours);
const narration = new Narration();
const plots = new PlotsPanel($('plots'), {
  showTooltip: (...a) => controls.showTooltip(...a),
  hideTooltip: () => controls.hideTooltip(),
});
const messagePanel = new MessagePanel(app);
const compare = new ComparePanel(app, document.querySelector('#graph-view .canvas-box'));
new TimeBaseToggle(timeline, $('timeline-view'), { status: (text) => controls.status(text) });
const partitionTool = new PartitionTool(app);
app.partitionTool = partitionTool;
graph.tool = partitionTool;
graph.isRetry = (from, msg, sentAt) => trace.isRetry(from, msg, sentAt);
const params = new ParamsPanel({
  onApply: (id, values) => app.applyScenario(id, values),
  onError: (msg) => controls.toast(msg, 'error'),
});
const timetravel = new TimeTravel(app, { controls, timeline });
const share = new ShareUi(app, { controls });
const exporter = new ExportUi(app, { controls, graph, timeline, colours });
const modes = new Modes(app, { graph, timeline, shareLink: () => share.link() });

// ---------------------------------------------------------------- errors

function isPanic(e) {
  if (e instanceof WebAssembly.RuntimeError) return true;
  try {
    return Boolean(panicMessage());
  } catch {
    return true; // the module can't even answer: treat as dead
  }
}

function die(e) {
  if (app.dead) return;
  app.dead = true;
  app.playing = false;
  controls.setPlaying(false);
  let msg;
  try {
    msg = panicMessage();
  } catch {
    msg = undefined;
  }
  controls.fatal(
    'The simulator hit an internal error and had to stop. This is a bug in dsviz: please report it with the scenario, the seed and what you did (the action log). Reloading starts afresh.',
    msg || String(e?.message ?? e),
  );
}

/** Run a call into the simulator; bad input becomes a message on the page (a toast, unless
 *  `quiet`: the caller shows it next to the field), a panic stops it. */
function guard(f, quiet = false) {
  if (app.dead) return { ok: false };
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (isPanic(e)) die(e);
    else if (!quiet) controls.toast(e?.message ?? String(e), 'error');
    return { ok: false, error: e, message: e?.message ?? String(e) };
  }
}
app.error = (message) => controls.toast(message, 'error');
app.guard = guard;

// ---------------------------------------------------------------- simulation lifecycle

/** A new simulation; returns null, or the simulator's message when it refused. */
function createSim(scenarioId, seed, values) {
  const r = guard(() => new Simulation(scenarioId, seed, values));
  if (!r.ok) return r.message ?? 'refused';
  installSim(r.value, scenarioId, seed, values);
  writeUrl(app);
  return null;
}

/** Puts a simulation in place (new, from a share link, from a trace file) and resets the views. */
function installSim(sim, scenarioId, seed, values) {
  const old = app.sim;
  const prevScenario = app.scenarioId;
  app.sim = sim;
  Object.assign(app, { scenarioId, seed, params: { ...values }, frame: null, selected: null, selectedLink: null });
  try {
    old?.free?.();
  } catch {
    /* an already-freed object is not worth a message */
  }
  trace.reset();
  clocks.reset();
  noteBands.reset();
  graph.reset();
  timeline.reset();
  // Message colours stay put across resets of the same scenario, so "ping" keeps its colour.
  if (scenarioId !== prevScenario) colours.reset();
  menus.close();
  controls.hideTooltip();
  const spec = app.scenarios.find((s) => s.id === scenarioId);
  if (scenarioId !== prevScenario) {
    graph.resetZoom();
    narration.show(spec);
    plots.configure(spec);
  } else plots.reset();
  params.build(spec, values);
  app.batchPanel?.setScenario(scenarioId);
  controls.setScenario(scenarioId);
  controls.setSeed(seed);
  controls.status('');
  timetravel.reset();
}

/** A simulation made by the simulator itself (share.js, export.js), standing paused. */
app.adoptSim = (sim) => {
  const r = guard(() => ({ id: sim.scenarioId(), seed: sim.seed(), params: sim.params() }));
  if (!r.ok) return false;
  installSim(sim, r.value.id, r.value.seed, r.value.params);
  app.pause();
  return true;
};
/** The default scenario (the one the query names, else the first), after a link or file failed. */
app.openDefault = () => {
  const start = readUrl(app.scenarios);
  if (createSim(start.spec.id, start.seed, start.params)) createSim(start.spec.id, start.seed, defaults(start.spec));
};
app.writeUrl = () => writeUrl(app);
app.simulationClass = () => Simulation;

app.randomSeed = () => {
  const r = Simulation?.randomSeed ? guard(() => Simulation.randomSeed()) : { ok: false };
  return r.ok ? r.value : Math.floor(Math.random() * 2 ** 32);
};
app.applyScenario = (id, values) => createSim(id, app.seed, values);
app.changeScenario = (id) => {
  const spec = app.scenarios.find((s) => s.id === id);
  if (spec) createSim(id, app.seed, defaults(spec));
};
app.setSeed = (seed) => createSim(app.scenarioId, seed, app.params);
app.reset = () => {
  if (!createSim(app.scenarioId, app.seed, app.params)) controls.status('Reset: same scenario, parameters and seed.');
};

app.play = () => {
  if (app.dead || !app.sim) return;
  app.playing = true;
  controls.setPlaying(true);
};
app.pause = () => {
  app.playing = false;
  controls.setPlaying(false);
};
app.toggle = () => (app.playing ? app.pause() : app.play());
app.setSpeed = (x) => {
  const v = Number(x);
  if (!(v > 0) || !Number.isFinite(v)) return controls.toast('Speed must be a positive number.', 'error');
  app.speed = Math.min(100, Math.max(0.01, v));
  controls.setSpeed(app.speed);
};
app.step = () => {
  app.pause();
  const r = guard(() => app.sim.step());
  if (r.ok && r.value === false) controls.status('Nothing left to happen: the event queue is empty.');
  else if (r.ok) controls.status(`Stepped to t = ${fmtClock(guard(() => app.sim.now()).value)}.`);
};

function describeAction(method, args) {
  const [a, b, oneWay] = args;
  switch (method) {
    case 'crashNode': return `crashed ${nodeName(a)}`;
    case 'recoverNode': return `recovered ${nodeName(a)}`;
    case 'pauseNode': return `paused ${nodeName(a)} for ${fmtDuration(b)}`;
    case 'cutLink': return `cut ${nodeName(a)} ${oneWay ? '→' : '↔'} ${nodeName(b)}`;
    case 'healLink': return `healed ${nodeName(a)} ${oneWay ? '→' : '↔'} ${nodeName(b)}`;
    case 'skewClock': return `stepped ${nodeName(a)}'s clock by ${fmtSigned(b)}`;
    case 'setDrift': return `set ${nodeName(a)}'s drift to ${fmtValue(b)} ppm`;
    case 'setLink': return `changed ${nodeName(a)} ${args[3] ? '→' : '↔'} ${nodeName(b)}: ${Object.entries(args[2] ?? {}).map(([k, v]) => `${k} ${fmtValue(v)}`).join(', ')}`;
    case 'setFaultModel': return `${nodeName(a)} now fails as ${b}`;
    case 'partition': return `partitioned the network into ${a.length + (a.flat().length < (app.frame?.nodes.length ?? 0) ? 1 : 0)} groups`;
    case 'healPartition': return 'healed the partition';
    case 'dropMessage': return `dropped message ${a}`;
    default: return method;
  }
}

function runAction(method, args, quiet) {
  if (!ACTIONS.includes(method)) throw new Error(`unknown action ${method}`);
  const before = timetravel.beforeAct();
  const r = guard(() => app.sim[method](...args), quiet);
  timetravel.afterAct(before, r.ok);
  if (r.ok) controls.status(`t = ${fmtClock(guard(() => app.sim.now()).value)}: ${describeAction(method, args)}.`);
  return r;
}
/** Apply a user action now; it goes into the simulator's action log. */
app.act = (method, ...args) => runAction(method, args, false).ok;
/** The same, for forms that show a refusal next to their fields: null, or the message. */
app.tryAct = (method, ...args) => {
  const r = runAction(method, args, true);
  return r.ok ? null : r.message ?? 'refused';
};
app.linkInfo = (a, b) => guard(() => app.sim.linkInfo(a, b), true).value ?? null;
app.healPartition = () => app.act('healPartition');
app.togglePartitionTool = () => {
  if (partitionTool.active) return menus.close();
  if (!app.frame) return;
  partitionTool.start(app.frame);
  const r = graph.canvas.getBoundingClientRect();
  menus.openPartition(partitionTool, { x: r.left + 40, y: r.top + 40 });
  controls.setPartitionTool(true, app.frame.partition);
  controls.status('Partition tool: choose a group, then click nodes or drag a box around them.');
};
app.onPartitionToolClosed = () => {
  controls.setPartitionTool(false, app.frame?.partition);
  if ($('status').textContent.startsWith('Partition tool:')) controls.status('');
};
app.inspect = (id) => guard(() => app.sim.inspectNode(id)).value;
app.closeMenus = () => {
  menus.close();
  messagePanel.close();
};
app.inspectMessage = (id) => guard(() => app.sim.inspectMessage(id), true).value ?? null;
/** Open the message inspector on a message in flight, or on a trace event about one. */
app.openMessage = (ev, anchor) => {
  menus.close();
  messagePanel.show(ev, anchor);
};
app.onMenuClosed = () => {
  app.selected = null;
  app.selectedLink = null;
};

// ---------------------------------------------------------------- selection

function clientPos(canvas, p) {
  const r = canvas.getBoundingClientRect();
  const z = canvasZoom(canvas);
  return { x: r.left + p.x * z, y: r.top + p.y * z };
}

app.selectNode = (id, anchor) => {
  if (id == null) return menus.close();
  if (!app.frame?.nodes.some((n) => n.id === id)) return controls.toast(`There is no node ${nodeName(id)}.`, 'error');
  const p = graph.posOf(id);
  menus.openNode(id, anchor ?? (p ? clientPos(graph.canvas, p) : { x: 200, y: 200 }));
  app.selected = id;
};
app.selectLink = (a, b, anchor) => {
  const pa = graph.posOf(a);
  const pb = graph.posOf(b);
  const mid = pa && pb ? clientPos(graph.canvas, { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 }) : { x: 200, y: 200 };
  menus.openLink(a, b, anchor ?? mid);
  app.selectedLink = { a, b };
};

// ---------------------------------------------------------------- the loop

let firstDraw = true;
function tick(ts) {
  if (app.dead) return;
  const real = app.lastTs ? Math.min(Math.max(0, ts - app.lastTs), MAX_STEP_REAL_MS) : 0;
  app.lastTs = ts;
  perf.start();
  if (app.playing) {
    const r = guard(() => app.sim.advance(real * app.speed));
    if (!r.ok) app.pause();
  }
  perf.lap('advance');
  if (!app.dead) timetravel.beforeFrame();
  const r = app.dead ? { ok: false } : guard(() => app.sim.frame());
  if (app.dead) return;
  perf.lap('frame');
  try {
    if (r.ok) {
      app.frame = attachMessages(r.value);
      trace.ingest(r.value);
      clocks.ingest(r.value);
      noteBands.ingest(r.value, app.scenarioId);
      graph.ingest(r.value.events, r.value);
      plots.ingest(r.value);
      messagePanel.ingest(r.value);
      timetravel.afterFrame(r.value);
    }
    perf.lap('ingest');
    render(real);
  } catch (e) {
    // A bug in the page itself: say so rather than freeze silently.
    app.dead = true;
    app.playing = false;
    controls.fatal('The page hit an error while drawing. This is a bug in dsviz; reloading starts afresh.', String(e?.stack ?? e));
    throw e;
  }
  requestAnimationFrame(tick);
}

/** Few nodes need little timeline height: give the graph and the plots more of the screen. */
let splitFor = -1;
function setSplit(n) {
  const few = n <= 3;
  if (few === splitFor) return;
  splitFor = few;
  document.querySelector('.views').classList.toggle('few-nodes', few);
}

function render(real) {
  if (app.playing) graph.tick(real);
  const f = app.frame;
  graph.draw(f, { selected: app.selected, selectedLink: app.selectedLink });
  perf.lap('graph');
  timeline.draw(f, { selected: app.selected });
  perf.lap('timeline');
  if (f) {
    setSplit(f.nodes.length);
    controls.setNow(f.now);
    controls.setStats(f.stats, messageCount(f));
    controls.setPartitionTool(partitionTool.active, f.partition);
    narration.updateVerdicts(f.verdicts);
    narration.updateTiming(f.timing, f.now);
    perf.lap('other');
    plots.draw(f);
    perf.lap('plots');
  }
  compare.update(f);
  legend.updateMessageLegend();
  menus.refresh();
  perf.lap('other');
  if (firstDraw && f) {
    firstDraw = false;
    window.dsviz.ready = true;
    document.body.dataset.ready = 'true';
  }
}

// ---------------------------------------------------------------- boot

async function boot() {
  window.dsviz = {
    ready: false,
    get sim() { return app.sim; },
    get frame() { return app.frame; },
    get Simulation() { return Simulation; },
    get playing() { return app.playing; },
    get speed() { return app.speed; },
    get selected() { return app.selected; },
    /** Rolling mean ms per phase of the animation loop over the last ~60 frames. */
    get perf() { return perf.means(); },
    frameWork: (last) => perf.frameWork(last),
    play: () => app.play(),
    pause: () => app.pause(),
    toggle: () => app.toggle(),
    step: () => app.step(),
    reset: () => app.reset(),
    setSpeed: (x) => app.setSpeed(x),
    setSeed: (s) => app.setSeed(s),
    setScenario: (id, values) => {
      const spec = app.scenarios.find((s) => s.id === id);
      return !createSim(id, app.seed, { ...(spec ? defaults(spec) : {}), ...values });
    },
    selectNode: (id) => app.selectNode(id),
    selectLink: (a, b) => app.selectLink(a, b),
    closeMenus: () => menus.close(),
    act: (method, ...args) => app.act(method, ...args),
    nodePosition: (id) => {
      const p = graph.posOf(id);
      if (!p) return null;
      const c = clientPos(graph.canvas, p);
      return { x: c.x + window.scrollX, y: c.y + window.scrollY };
    },
    linkInfo: (a, b) => app.linkInfo(a, b),
    togglePartitionTool: () => app.togglePartitionTool(),
    graph,
    timeline,
    trace,
    plots,
    partitionTool,
    params,
    messagePanel,
    // Time travel, sharing, export (course pages may script these).
    seek: (ms) => timetravel.seek(ms),
    stepBack: () => timetravel.stepBack(),
    undo: () => timetravel.undo(),
    get maxTime() { return timetravel.maxT; },
    shareLink: () => share.link(),
    openShare: (text) => share.open(String(text)),
    exportTrace: () => exporter.traceJson(),
    importTrace: (text) => exporter.importText(String(text)),
    timelineSvg: () => exporter.timelineSvg(),
    present: (on = true) => modes.present(on),
    get presenting() { return modes.presenting; },
    timetravel,
    exporter,
  };
  bindPointer({ app, graph, timeline, controls, menus });
  bindGraphZoom(graph, { isTool: () => partitionTool.active, hideTooltip: () => controls.hideTooltip() });
  let mod;
  try {
    mod = await import('./pkg/dsviz.js');
    // The single-file build (dist/dsviz.html) carries the module as base64 in a data block.
    const inline = document.getElementById('dsviz-wasm');
    // Otherwise the wasm sits in pkg/ beside this module (and beside dist/'s joined www/app.js).
    const wasm = inline ? Uint8Array.from(atob(inline.textContent.trim()), (c) => c.charCodeAt(0))
      : new URL('pkg/dsviz_bg.wasm', import.meta.url);
    const exports = await mod.default({ module_or_path: wasm });
    // Bytes of wasm memory, for the memory benchmark (it only ever grows).
    window.dsviz.wasmBytes = () => exports.memory.buffer.byteLength;
  } catch (e) {
    controls.fatal(
      'The simulator (WebAssembly) could not be loaded. If you are running from a checkout, build it first with "npm run build", serve the folder with "npm start", and reload.',
      String(e?.stack ?? e),
    );
    return;
  }
  Simulation = mod.Simulation;
  panicMessage = mod.panicMessage ?? panicMessage;
  const list = guard(() => Simulation.scenarios());
  if (!list.ok || !Array.isArray(list.value) || !list.value.length) {
    if (!app.dead) controls.fatal('The simulator offers no scenarios.', String(list.error?.message ?? 'empty list'));
    return;
  }
  app.scenarios = list.value;
  app.batchPanel = new BatchPanel(app, {
    ids: (Simulation.batchScenarios && guard(() => Simulation.batchScenarios(), true).value) || [],
    run: (...args) => {
      const r = guard(() => Simulation.batch(...args), true);
      if (!r.ok) throw new Error(r.message ?? 'the batch stopped');
      return r.value;
    },
    anchor: $('claims'),
  });
  window.dsviz.batch = app.batchPanel;
  const start = readUrl(app.scenarios);
  controls.setScenarios(app.scenarios, start.spec.id);
  app.setSpeed(start.speed);
  const frag = shareFragment();
  if (frag && !share.openFragment(frag)) {
    app.pause(); // a shared run opens paused at its instant
  } else {
    if (!app.sim && createSim(start.spec.id, start.seed, start.params)) {
      // A bad parameter in the URL must not leave a dead page: fall back to the defaults.
      if (createSim(start.spec.id, start.seed, defaults(start.spec))) return;
    }
    if (start.play) app.play();
    else app.pause();
  }
  if (!app.sim) return;
  requestAnimationFrame(tick);
}

boot().catch((e) => controls.fatal('dsviz failed to start.', String(e?.stack ?? e)));
