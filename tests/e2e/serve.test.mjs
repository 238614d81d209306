// The static server: the MIME types browsers insist on, and no way out of the served folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../../scripts/serve.mjs';
import { ROOT } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer({ root: ROOT, port: 0 });
});
after(async () => {
  await server?.close();
});

// Raw request: fetch() would normalise "/../" away before it reaches the server.
function get(pathname) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] ?? '' }));
    });
    req.on('error', reject);
  });
}

test('serves the page, modules and wasm with the right types', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.match((await get('/www/main.js')).type, /^text\/javascript/);
  assert.match((await get('/www/style.css')).type, /^text\/css/);
  const wasm = await get('/www/pkg/dsviz_bg.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.type, 'application/wasm');
});

test('missing files are 404 and paths cannot escape the root', async () => {
  assert.equal((await get('/no/such/file.js')).status, 404);
  for (const p of ['/../etc/passwd', '/www/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
    const r = await get(p);
    assert.ok(r.status === 404 || r.status === 403, `${p} -> ${r.status}`);
  }
});

test('a second server on a busy port moves to the next one', async () => {
  const first = await startServer({ root: ROOT, port: server.port });
  try {
    assert.notEqual(first.port, server.port);
    assert.ok(first.port > server.port && first.port <= server.port + 20);
  } finally {
    await first.close();
  }
});
