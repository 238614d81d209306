#!/usr/bin/env node
// Packs the built page for static hosting (run after scripts/build.sh has built www/pkg/):
//   dist/              index.html, www/app.js (every module joined and minified), www/app.css (the
//                      styles joined), www/favicon.svg, www/pkg/dsviz_bg.wasm: four requests instead
//                      of forty-odd, relative URLs only, so it works from any host at any sub-path.
//   dist/dsviz.html    one file: the CSS inlined, every JS module joined into one inline module
//                      script, the wasm as base64 in a data block. Opens straight from disk.
//   node scripts/dist.mjs [--out DIR]
//
// The single file's Content-Security-Policy allows its one script and its one style element by
// SHA-256 hash (not 'unsafe-inline': nothing injected into the page could run), wasm compilation
// by 'wasm-unsafe-eval', images from data: (the favicon); nothing is fetched.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { out: path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split(/=(.*)/s, 2);
    if (k === '--out') o.out = path.resolve(inline ?? argv[++i]);
    else if (k === '--help' || k === '-h') o.help = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return o;
}

const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

// ---------------------------------------------------------------- the static site

const STYLESHEET_RE = /<link rel="stylesheet" href="([^"]+)">\n?/g;

/** The styles index.html links, joined in order. */
function joinedCss() {
  return [...read('index.html').matchAll(STYLESHEET_RE)].map((m) => `/* ${m[1]} */\n${read(m[1])}`).join('\n');
}

/** The joined modules, minified: the page's source is mostly comments and long names. */
async function minifiedJs() {
  const { minify } = await import('terser');
  const out = await minify(bundle('www/main.js'), { module: true, compress: { passes: 2 }, mangle: true });
  return out.code;
}

async function writeSite(out, js, css) {
  let html = read('index.html');
  // Every URL in the page must be relative, or the site breaks under a sub-path.
  const abs = [...html.matchAll(/\b(?:src|href)="(\/[^"]*|https?:[^"]*)"/g)].map((m) => m[1]);
  if (abs.length) throw new Error(`index.html has absolute URLs, which break under a sub-path: ${abs.join(', ')}`);
  let links = 0;
  html = html.replace(STYLESHEET_RE, () => (links++ === 0 ? '<link rel="stylesheet" href="www/app.css">\n' : ''));
  const script = '<script type="module" src="www/main.js"></script>';
  if (!links || !html.includes(script)) throw new Error('index.html: expected its stylesheets and www/main.js');
  html = html.replace(script, '<script type="module" src="www/app.js"></script>');
  const files = { 'index.html': html, 'www/app.js': js, 'www/app.css': css };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
  }
  for (const rel of ['www/favicon.svg', 'www/pkg/dsviz_bg.wasm']) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), path.join(out, rel));
  }
  return [...Object.keys(files), 'www/favicon.svg', 'www/pkg/dsviz_bg.wasm'];
}

// ---------------------------------------------------------------- joining the modules

const IMPORT_RE = /^import\s+(?:([\s\S]*?)\s+from\s+)?['"]([^'"]+)['"];?[ \t]*$/gm;
const DYNAMIC_RE = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Static and dynamic imports of one module, resolved to paths relative to ROOT. */
function dependencies(rel, src) {
  const dir = path.posix.dirname(rel);
  const deps = [];
  for (const m of src.matchAll(IMPORT_RE)) deps.push(path.posix.join(dir, m[2]));
  for (const m of src.matchAll(DYNAMIC_RE)) deps.push(path.posix.join(dir, m[1]));
  for (const d of deps) if (!d.startsWith('www/')) throw new Error(`${rel} imports ${d}, outside www/`);
  return deps;
}

/** Modules in dependency order (each after everything it imports); a cycle is an error, since
 *  joined modules are evaluated once, in order. */
function moduleOrder(entry) {
  const order = [];
  const state = new Map();
  const visit = (rel, chain) => {
    if (state.get(rel) === 'done') return;
    if (state.get(rel) === 'busy') throw new Error(`import cycle: ${[...chain, rel].join(' → ')}`);
    state.set(rel, 'busy');
    const src = read(rel);
    for (const d of dependencies(rel, src)) visit(d, [...chain, rel]);
    state.set(rel, 'done');
    order.push(rel);
  };
  visit(entry, []);
  return order;
}

const ident = (rel) => `__m_${rel.replace(/[^A-Za-z0-9]/g, '_')}`;

/** `{ a, b as c }` → [['a', 'a'], ['b', 'c']] (imported/exported name, local name). */
function specifiers(list) {
  return list.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [a, b] = s.split(/\s+as\s+/);
    return [a.trim(), (b ?? a).trim()];
  });
}

/** One ES module as a function scope that returns its exports (live, through getters). */
function wrapModule(rel, src) {
  const dir = path.posix.dirname(rel);
  const exports = []; // [exported name, local name]
  let body = src.replace(IMPORT_RE, (_, clause, from) => {
    const mod = ident(path.posix.join(dir, from));
    if (!clause) return '';
    const parts = [];
    const ns = /\*\s+as\s+(\w+)/.exec(clause);
    if (ns) return `const ${ns[1]} = ${mod};`;
    const def = /^\s*([\w$]+)\s*(?:,|$)/.exec(clause);
    if (def) parts.push(`default: ${def[1]}`);
    const named = /\{[\s\S]*\}/.exec(clause);
    if (named) for (const [name, local] of specifiers(named[0])) parts.push(name === local ? name : `${name}: ${local}`);
    return `const { ${parts.join(', ')} } = ${mod};`;
  });
  body = body.replace(DYNAMIC_RE, (_, from) => `Promise.resolve(${ident(path.posix.join(dir, from))})`);
  body = body.replace(/^export\s+((?:async\s+)?function\*?|class|const|let|var)\s+([\w$]+)/gm, (_, kind, name) => {
    exports.push([name, name]);
    return `${kind} ${name}`;
  });
  body = body.replace(/^export\s+default\s+/gm, () => {
    exports.push(['default', '__default']);
    return 'const __default = ';
  });
  body = body.replace(/^export\s*(\{[^}]*\});?/gm, (_, list) => {
    for (const [local, name] of specifiers(list)) exports.push([name, local]);
    return '';
  });
  if (/^\s*export\s/m.test(body)) throw new Error(`${rel}: an export form this joiner does not handle`);
  const getters = exports.map(([name, local]) => `get ${name}() { return ${local}; }`).join(', ');
  return `// ---- ${rel}\nconst ${ident(rel)} = (() => {\n${body}\nreturn Object.freeze({ ${getters} });\n})();\n`;
}

function bundle(entry) {
  return moduleOrder(entry).map((rel) => wrapModule(rel, read(rel))).join('\n');
}

// ---------------------------------------------------------------- the single file

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function singleFile(minJs, css) {
  let html = read('index.html');
  // Inside an inline script "</script" would end it early; "<\/script" means the same to JS.
  const js = minJs.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  const wasm = fs.readFileSync(path.join(ROOT, 'www/pkg/dsviz_bg.wasm')).toString('base64');
  const icon = `data:image/svg+xml;base64,${fs.readFileSync(path.join(ROOT, 'www/favicon.svg')).toString('base64')}`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(js)} 'wasm-unsafe-eval'`,
    `style-src ${sha256(css)}`,
    'img-src data:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const replaceOnce = (re, f, what) => {
    let n = 0;
    html = html.replace(re, (...m) => {
      n++;
      return f(...m);
    });
    if (n !== 1) throw new Error(`index.html: expected one ${what}, found ${n}`);
  };
  replaceOnce(/<meta http-equiv="Content-Security-Policy"\s+content="[^"]*">/, () => `<meta http-equiv="Content-Security-Policy"\n        content="${csp}">`, 'CSP meta');
  replaceOnce(/<!-- No inline script, no eval;[\s\S]*?-->/, () => '<!-- Single-file build: its one script and one style are allowed by hash; no eval. -->', 'CSP comment');
  replaceOnce(/<link rel="icon" href="[^"]*"[^>]*>/, () => `<link rel="icon" href="${icon}" type="image/svg+xml">`, 'icon link');
  html = html.replace(/\s*<link rel="stylesheet" href="[^"]+">/g, '');
  // The wasm is inline here: nothing to preload (and nothing may be fetched).
  html = html.replace(/\s*<!-- The simulator is the largest download[\s\S]*?-->/, '');
  html = html.replace(/\s*<link rel="preload" [^>]*>/g, '');
  replaceOnce(/<script type="module" src="www\/main.js"><\/script>/,
    () => `<style>${css}</style>\n  <script type="module">${js}</script>`, 'main.js script');
  replaceOnce(/<\/body>/, () => `<script type="application/octet-stream" id="dsviz-wasm">\n${wasm.replace(/.{1,120}/g, '$&\n')}</script>\n</body>`, '</body>');
  return html;
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
if (opts.help) {
  console.log('usage: node scripts/dist.mjs [--out DIR]   (after scripts/build.sh; writes DIR/ and DIR/dsviz.html)');
  process.exit(0);
}
for (const f of ['www/pkg/dsviz.js', 'www/pkg/dsviz_bg.wasm']) {
  if (!fs.existsSync(path.join(ROOT, f))) {
    console.error(`${f} is missing: build the wasm module first (bash scripts/build.sh).`);
    process.exit(1);
  }
}
fs.rmSync(opts.out, { recursive: true, force: true });
fs.mkdirSync(opts.out, { recursive: true });
const js = await minifiedJs();
const css = joinedCss();
const files = await writeSite(opts.out, js, css);
const single = singleFile(js, css);
fs.writeFileSync(path.join(opts.out, 'dsviz.html'), single);
const size = (f) => fs.statSync(path.join(opts.out, f)).size;
const total = files.reduce((a, f) => a + size(f), 0);
const rel = path.relative(process.cwd(), opts.out) || '.';
console.log(`wrote ${rel}/ (${files.length} files, ${(total / 1e6).toFixed(2)} MB) and ${rel}/dsviz.html (${(size('dsviz.html') / 1e6).toFixed(2)} MB, single file)`);
