// Two ways of showing the page besides the normal one.
// Embedded (?embed=1, for an iframe in a course page): no side panel, a compact toolbar
// (&controls=minimal: transport, time and speed only) and a link to open the run full size.
// Presentation (button or F, for lecture halls): large type and marks, high contrast, the side
// panel and the plots hidden; the canvases draw zoomed (their data-zoom; see fitCanvas).
import { invalidateTheme } from './format.js';
import { isTyping } from './controls.js';
import { pageBase } from './share.js';

const $ = (id) => document.getElementById(id);
// The timeline draws 1.3× (thicker lines, bigger marks); the graph scales with the type size
// already, and zooming it too would leave its ring no room in a half-height pane.
const PRESENT_ZOOM = { graph: 1, timeline: 1.3 };
const EMBED_PARAMS = ['embed', 'controls', 'autoplay'];

/** Reads the embed parameters and marks <html> with them; returns { embed, minimal }. */
export function applyEmbed() {
  const q = new URLSearchParams(location.search);
  const embed = q.get('embed') === '1' || q.get('embed') === 'true';
  const minimal = q.get('controls') === 'minimal';
  const root = document.documentElement;
  root.classList.toggle('embed', embed);
  root.classList.toggle('controls-minimal', minimal);
  $('open-full').hidden = !embed;
  return { embed, minimal };
}

export class Modes {
  constructor(app, { graph, timeline, shareLink }) {
    this.app = app;
    this.graph = graph;
    this.timeline = timeline;
    this.shareLink = shareLink;
    this.presenting = false;
    this.embed = applyEmbed();
    $('btn-present').addEventListener('click', () => this.present(!this.presenting));
    window.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || !$('help').hidden) return;
      if (e.key === 'f' || e.key === 'F') {
        e.preventDefault();
        this.present(!this.presenting);
      }
    });
    // Escape leaves presentation mode unless it is closing something else first (capture: this
    // runs before the handlers that close menus).
    window.addEventListener('keydown', (e) => {
      const open = ['menu', 'help', 'share-box', 'export-menu'].some((id) => !$(id).hidden);
      if (e.key === 'Escape' && this.presenting && !open) this.present(false);
    }, true);
    // "Open full page" carries the run as it stands now, without the embed parameters.
    const full = $('open-full');
    const refresh = () => {
      const q = new URLSearchParams(location.search);
      for (const k of EMBED_PARAMS) q.delete(k);
      const link = this.shareLink();
      const frag = link ? link.slice(link.indexOf('#')) : '';
      // The fragment names scenario, parameters and seed: the query keeps only the rest (speed).
      if (frag) for (const k of [...q.keys()]) if (k === 'scenario' || k === 'seed' || k.startsWith('p.')) q.delete(k);
      const qs = q.toString();
      full.href = `${pageBase()}${qs ? `?${qs}` : ''}${frag}`;
    };
    full.addEventListener('pointerdown', refresh);
    full.addEventListener('mouseenter', refresh);
    full.addEventListener('focus', refresh);
    full.addEventListener('click', refresh);
  }

  /** Presentation mode on or off. */
  present(on) {
    this.presenting = Boolean(on);
    document.documentElement.classList.toggle('present', this.presenting);
    for (const [c, z] of [[this.graph.canvas, PRESENT_ZOOM.graph], [this.timeline.canvas, PRESENT_ZOOM.timeline]]) {
      if (this.presenting && z !== 1) c.dataset.zoom = String(z);
      else delete c.dataset.zoom;
    }
    $('btn-present').setAttribute('aria-pressed', String(this.presenting));
    $('btn-present').classList.toggle('active', this.presenting);
    // Type size and colours changed: every cached measure and colour must be taken again.
    this.graph.layoutKey = '';
    this.timeline.roleKey = null;
    invalidateTheme();
    this.app.closeMenus?.();
    return this.presenting;
  }
}
