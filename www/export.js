// Export and import: the trace as JSON (the simulator writes it; schema in the README) and back
// (file picker or drag-and-drop, validated by the simulator), the timeline as SVG and PNG, and
// the graph as a 1920×1080 PNG in the light theme for slides. Drawings reuse the views' own
// drawing code: on a bigger off-screen canvas, or on an SvgContext (svg-context.js).
import { fitCanvas, withRootClasses, fmtClock, theme } from './format.js';
import { GraphView } from './graph.js';
import { SvgContext } from './svg-context.js';
import { placeBelow } from './share.js';

const $ = (id) => document.getElementById(id);
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Slides: 16:9, drawn at 960×540 CSS pixels and scaled 2× (1920×1080), so type and marks read from the back of a room. */
const SLIDE = { w: 960, h: 540, dpr: 2 };

/** Offer `blob` as a download called `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function canvasBlob(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}

/** An off-screen canvas that fitCanvas() leaves at this size. */
function offscreen(w, h, dpr) {
  const c = document.createElement('canvas');
  c.fixedSize = { w, h, dpr };
  return c;
}

export class ExportUi {
  constructor(app, { controls, graph, timeline, colours }) {
    this.app = app;
    this.controls = controls;
    this.graph = graph;
    this.timeline = timeline;
    this.colours = colours;
    this.bind();
  }

  bind() {
    const menu = $('export-menu');
    $('btn-export').addEventListener('click', () => (menu.hidden ? this.openMenu() : this.closeMenu()));
    menu.addEventListener('click', (e) => {
      const b = e.target instanceof Element && e.target.closest('[data-export]');
      if (!b) return;
      this.closeMenu();
      this.run(b.dataset.export);
    });
    document.addEventListener('pointerdown', (e) => {
      if (!menu.hidden && !menu.contains(e.target) && !$('btn-export').contains(e.target)) this.closeMenu();
    });
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !menu.hidden) this.closeMenu();
    });
    $('import-file').addEventListener('change', () => {
      const f = $('import-file').files?.[0];
      $('import-file').value = '';
      if (f) this.importFile(f);
    });
    // Drag a trace file anywhere onto the page.
    let depth = 0;
    const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    document.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      $('drop-zone').hidden = false;
    });
    document.addEventListener('dragleave', (e) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (!depth) $('drop-zone').hidden = true;
    });
    document.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    document.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      $('drop-zone').hidden = true;
      const f = e.dataTransfer.files?.[0];
      if (f) this.importFile(f);
    });
  }

  openMenu() {
    const menu = $('export-menu');
    placeBelow(menu, $('btn-export'));
    $('btn-export').setAttribute('aria-expanded', 'true');
    menu.querySelector('button')?.focus();
  }

  closeMenu() {
    $('export-menu').hidden = true;
    $('btn-export').setAttribute('aria-expanded', 'false');
  }

  async run(what) {
    try {
      if (what === 'import') return $('import-file').click();
      if (!this.app.sim || !this.app.frame) return;
      if (what === 'trace') this.exportTrace();
      else if (what === 'timeline-svg') this.exportTimelineSvg();
      else if (what === 'timeline-png') await this.exportTimelinePng();
      else if (what === 'graph-png') await this.exportGraphPng();
    } catch (e) {
      this.controls.toast(`Export failed: ${e?.message ?? e}`, 'error');
    }
  }

  /** "dsviz-sandbox-seed1-t12.345s" */
  baseName() {
    const t = this.app.frame ? (this.app.frame.now / 1000).toFixed(3) : '0';
    return `dsviz-${this.app.scenarioId}-seed${this.app.seed}-t${t}s`;
  }

  // ---------------------------------------------------------------- trace

  traceJson() {
    const r = this.app.guard(() => this.app.sim.exportTrace());
    return r.ok ? r.value : null;
  }

  exportTrace() {
    const json = this.traceJson();
    if (json === null) return;
    download(`${this.baseName()}.trace.json`, new Blob([json], { type: 'application/json' }));
    this.controls.status(`Exported the trace (${(json.length / 1024).toFixed(0)} kB): open it again with Export → Open a trace file, or drop it on the page.`);
  }

  async importFile(file) {
    if (file.size > MAX_IMPORT_BYTES) {
      this.controls.toast(`Could not open ${file.name}: it is ${(file.size / 1e6).toFixed(0)} MB, far larger than any trace file dsviz writes.`, 'error', 12000);
      return null;
    }
    let text;
    try {
      text = await file.text();
    } catch (e) {
      this.controls.toast(`Could not read ${file.name}: ${e?.message ?? e}`, 'error', 12000);
      return null;
    }
    return this.importText(text, file.name);
  }

  /** Opens an exported trace's text; null, or the simulator's message (the run stays as it was). */
  importText(text, name = 'the file') {
    const app = this.app;
    const Simulation = app.simulationClass();
    const r = app.guard(() => Simulation.importTrace(text), true);
    if (app.dead) return 'the simulator stopped';
    if (!r.ok) {
      this.controls.toast(`Could not open ${name}: ${r.message}`, 'error', 15000);
      return r.message;
    }
    app.adoptSim(r.value);
    app.writeUrl();
    const now = app.guard(() => app.sim.now()).value ?? 0;
    this.controls.status(`Opened ${name}: the run replayed to t = ${fmtClock(now)} with the recorded trace hash. Paused.`);
    return null;
  }

  // ---------------------------------------------------------------- drawings

  /** The timeline as the screen shows it (same window and rows), in the light theme. */
  timelineSize() {
    const g = this.timeline.geom;
    return { w: g?.w ?? 1000, h: g?.h ?? 400 };
  }

  timelineSvg() {
    const { w, h } = this.timelineSize();
    return withRootClasses(['light'], ['present'], () => {
      const ctx = new SvgContext(w, h);
      this.timeline.exportTo(ctx, w, h, this.app.frame);
      return String(ctx);
    });
  }

  exportTimelineSvg() {
    download(`${this.baseName()}.timeline.svg`, new Blob([this.timelineSvg()], { type: 'image/svg+xml' }));
    this.controls.status('Exported the timeline as SVG (the window the timeline shows now).');
  }

  timelineCanvas() {
    const { w, h } = this.timelineSize();
    const c = offscreen(w, h, 2);
    withRootClasses(['light'], ['present'], () => {
      const { ctx } = fitCanvas(c);
      this.timeline.exportTo(ctx, w, h, this.app.frame);
    });
    return c;
  }

  async exportTimelinePng() {
    download(`${this.baseName()}.timeline.png`, await canvasBlob(this.timelineCanvas()));
    this.controls.status('Exported the timeline as PNG (twice the screen resolution).');
  }

  /** The graph at slide size, light theme, with a caption naming the run. */
  graphCanvas() {
    const c = offscreen(SLIDE.w, SLIDE.h, SLIDE.dpr);
    withRootClasses(['light'], ['present'], () => {
      const g = new GraphView(c, this.colours);
      g.isRetry = this.graph.isRetry;
      g.pauseStart = new Map(this.graph.pauseStart);
      g.draw(this.app.frame, {});
      const { ctx } = fitCanvas(c);
      const t = theme();
      const spec = this.app.scenarios.find((s) => s.id === this.app.scenarioId);
      ctx.font = `${t.fontSize}px ${t.font}`;
      ctx.fillStyle = t.muted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(`${spec?.title ?? this.app.scenarioId} · t = ${fmtClock(this.app.frame.now)} · seed ${this.app.seed}`, 12, 10);
    });
    return c;
  }

  async exportGraphPng() {
    download(`${this.baseName()}.graph.png`, await canvasBlob(this.graphCanvas()));
    this.controls.status('Exported the graph as a 1920×1080 PNG in the light theme, for slides.');
  }
}
