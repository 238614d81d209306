#!/usr/bin/env node
// A tiny zero-dependency static file server for dsviz.
//   node scripts/serve.mjs [--port N] [--host H]
// Serves the repository root. Also imported by the e2e tests: startServer({ root, port: 0 }).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Browsers refuse to compile wasm streamed with the wrong type and refuse module scripts
// without a JavaScript type, so these two matter most.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function sendPlain(res, status, body, type = 'text/plain; charset=utf-8', extra = {}) {
  res.writeHead(status, { ...extra, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function handler(root, headers) {
  return (req, res) => {
    const send = (r, status, body, type) => sendPlain(r, status, body, type, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed\n');
      return;
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      if (rel.includes('\0')) throw new Error('NUL in path');
    } catch {
      send(res, 400, 'bad request\n');
      return;
    }
    // Resolve inside root only: a ".." or an encoded separator must not escape it.
    let file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    if (file !== root && !file.startsWith(root + path.sep)) {
      send(res, 403, 'forbidden\n');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!rel.endsWith('/')) {
          res.writeHead(301, { ...headers, Location: rel + '/' });
          res.end();
          return;
        }
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (err || !st || !st.isFile()) {
        send(res, 404, `not found: ${rel}\n`);
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': mimeType(file),
        'Content-Length': st.size,
        // A teaching tool is rebuilt often; stale wasm next to fresh JS is a confusing failure.
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (e) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Start a static server. port 0 picks a free port; a busy fixed port falls through to the next
 * ones (up to 20 tries), so a second copy of the page can run beside the first. `headers` are
 * added to every response (e.g. a Content-Security-Policy, for the CSP test).
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer({ root = REPO_ROOT, port = 0, host = '127.0.0.1', headers = {} } = {}) {
  const absRoot = path.resolve(root);
  const server = http.createServer(handler(absRoot, headers));
  const tries = port === 0 ? 1 : 20;
  let bound;
  for (let i = 0; i < tries; i++) {
    try {
      bound = await listen(server, port === 0 ? 0 : port + i, host);
      break;
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || i === tries - 1) throw e;
    }
  }
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    url: `http://${host}:${bound}/`,
    port: bound,
    close: () =>
      new Promise((resolve) => {
        // Browsers keep connections alive; without this close() would wait for them.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function parseArgs(argv) {
  const opts = { port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [key, inline] = a.split('=', 2);
    const val = () => inline ?? argv[++i];
    if (key === '--port' || key === '-p') opts.port = Number(val());
    else if (key === '--host') opts.host = val();
    else if (key === '--help' || key === '-h') opts.help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error('--port must be an integer between 0 and 65535');
  }
  return opts;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve.mjs: ${e.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log('usage: node scripts/serve.mjs [--port N] [--host H]   (serves the repository root)');
    process.exit(0);
  }
  if (!fs.existsSync(path.join(REPO_ROOT, 'www', 'pkg', 'dsviz.js'))) {
    console.warn('note: www/pkg/dsviz.js is missing — build the wasm module first (npm run build).');
  }
  const { url } = await startServer({ root: REPO_ROOT, port: opts.port, host: opts.host });
  console.log(`dsviz is running at ${url}`);
}
