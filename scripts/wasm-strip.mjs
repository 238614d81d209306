#!/usr/bin/env node
// Drops the "name" custom section from a built wasm module: function names for debuggers, 8% of
// the module's bytes, never used by the page. (wasm-opt would do it, but Debian's binaryen breaks
// reference types, and rustc's `strip` also removes what wasm-bindgen reads.)
//   node scripts/wasm-strip.mjs FILE.wasm
import { readFileSync, writeFileSync } from 'node:fs';

/** The module without its custom sections named in `drop`. */
export function stripSections(bytes, drop = ['name']) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  const keep = [bytes.subarray(0, 8)];
  let i = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[i++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return value;
  };
  while (i < bytes.length) {
    const start = i;
    const id = bytes[i++];
    const size = leb();
    const body = i;
    let name = null;
    if (id === 0) {
      const len = leb();
      name = bytes.subarray(i, i + len).toString('utf8');
    }
    i = body + size;
    if (i > bytes.length) throw new Error('truncated wasm section');
    if (!drop.includes(name)) keep.push(bytes.subarray(start, i));
  }
  return Buffer.concat(keep);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const before = readFileSync(file);
  const after = stripSections(before);
  writeFileSync(file, after);
  console.log(`${file}: ${before.length} -> ${after.length} bytes`);
}
