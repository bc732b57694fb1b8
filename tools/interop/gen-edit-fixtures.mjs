// Writes json-joy/tests/fixtures/edit_traces.json: replicas of one document in 2-3
// sessions make random edits (deterministic seeds), exchange their patches (shuffled
// per receiver, with duplicates) and record every patch, the order each replica
// applied them, and each replica's final model bytes and view.
// Usage: node tools/interop/gen-edit-fixtures.mjs [out.json]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');
const { s } = require('json-joy/lib/json-crdt-patch');
const { encode: toVerbose } = require('json-joy/lib/json-crdt-patch/codec/verbose');

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '../../json-joy/tests/fixtures/edit_traces.json');

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (u8) => Buffer.from(u8).toString('hex');
// JSON view: binary as arrays of numbers (the Rust view's representation).
export const jsonView = (v) =>
  JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : typeof x === "string" ? x.toWellFormed() : x)));

const TEXTS = ['a', 'bc', '😀', 'x😀y', 'héllo', ' ', 'Z', '日本'];

function edit(r, m) {
  const api = m.api;
  const int = (n) => Math.floor(r() * n);
  const kind = int(12);
  const text = api.str(['text']);
  const list = api.arr(['list']);
  const bin = api.bin(['bin']);
  switch (kind) {
    case 0: case 1: case 2:
      text.ins(int(text.length() + 1), TEXTS[int(TEXTS.length)]);
      break;
    case 3: {
      const len = text.length();
      if (!len) return false;
      const p = int(len);
      text.del(p, 1 + int(Math.min(5, len - p)));
      break;
    }
    case 4:
      list.ins(int(list.length() + 1), [int(100), r() < 0.3 ? { n: int(9) } : 'v' + int(9)]);
      break;
    case 5: {
      const len = list.length();
      if (!len) return false;
      const p = int(len);
      list.del(p, 1 + int(Math.min(2, len - p)));
      break;
    }
    case 6: {
      const len = list.length();
      if (!len) return false;
      list.upd(int(len), int(1000));
      break;
    }
    case 7:
      api.obj(['meta']).set({ ['k' + int(4)]: r() < 0.5 ? int(50) : 'str' + int(5) });
      break;
    case 8: {
      const o = api.obj(['meta']);
      const keys = Object.keys(o.view());
      if (!keys.length) return false;
      o.del([keys[int(keys.length)]]);
      break;
    }
    case 9:
      api.vec(['vec']).set([[int(3), int(100)]]);
      break;
    case 10:
      bin.ins(int(bin.length() + 1), new Uint8Array([int(256), int(256)]));
      break;
    case 11: {
      const len = bin.length();
      if (!len) return false;
      const p = int(len);
      bin.del(p, 1 + int(Math.min(2, len - p)));
      break;
    }
  }
  return true;
}

function trace(seed, replicaCount, rounds) {
  const r = rng(seed);
  const sids = [];
  for (let i = 0; i < replicaCount; i++) sids.push(100000 + seed * 10 + i);
  const patches = [];
  const applied = sids.map(() => []);
  const models = sids.map((sid) => Model.create(undefined, sid));
  models[0].api.root({
    text: 'hello 😀 world',
    list: [1, 'two', { three: 3 }],
    meta: { a: 1, inner: { b: 'x' } },
    vec: s.vec(s.con(0), s.str('v'), s.con(2)),
    bin: new Uint8Array([1, 2, 3, 4]),
  });
  const first = models[0].api.flush();
  patches.push({ hex: hex(first.toBinary()), json: toVerbose(first) });
  applied[0].push(0);
  for (let i = 1; i < replicaCount; i++) {
    models[i].applyPatch(first);
    applied[i].push(0);
  }
  for (let round = 0; round < rounds; round++) {
    const made = sids.map(() => []);
    models.forEach((m, i) => {
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n; k++) {
        if (!edit(r, m)) continue;
        const p = m.api.flush();
        if (!p.ops.length) continue;
        patches.push({ hex: hex(p.toBinary()), json: toVerbose(p) });
        const idx = patches.length - 1;
        applied[i].push(idx);
        made[i].push({ idx, p });
      }
    });
    models.forEach((m, i) => {
      // Interleave the other senders' patches randomly, each sender's stay in order.
      const queues = made.map((q, j) => (j === i ? [] : [...q]));
      for (;;) {
        const live = queues.filter((q) => q.length);
        if (!live.length) break;
        const q = live[Math.floor(r() * live.length)];
        const { idx, p } = q.shift();
        m.applyPatch(p);
        applied[i].push(idx);
        if (r() < 0.25) {
          m.applyPatch(p);
          applied[i].push(idx);
        }
      }
    });
  }
  return {
    seed,
    sids,
    patches,
    replicas: models.map((m, i) => ({
      sid: sids[i],
      applied: applied[i],
      model: hex(m.toBinary()),
      view: jsonView(m.view()),
    })),
  };
}

// Server-clock documents: every operation is stamped by the server session (1).
function serverDoc(seed) {
  const r = rng(1000 + seed);
  const m = Model.create(undefined, 1);
  m.api.root({ text: 'server 😀', n: seed, list: [1, 2], meta: { k: 'v' }, vec: s.vec(s.con(1)), bin: new Uint8Array([9]) });
  m.api.flush();
  for (let i = 0; i < 3 + seed; i++) {
    edit(r, m);
    m.api.flush();
  }
  return { model: hex(m.toBinary()), view: jsonView(m.view()) };
}

// set_root documents: JSON values of many shapes, logical and server clocks.
function rootDocs() {
  const r = rng(4242);
  const word = () => ['', 'a', 'hello', 'héllo wörld', '😀🎉', '日本語テキスト', 'x'.repeat(40), 'long '.repeat(30)][Math.floor(r() * 8)];
  const num = () => [0, 1, -1, 23, 24, 255, 256, 65535, 65536, -24, -25, 2 ** 31, 2 ** 40, 2 ** 53 - 1, -(2 ** 53) + 1, 1.5, -0.25, 3.141592653589793, 1e300, 2 ** 60, 0.1][Math.floor(r() * 21)];
  const gen = (d) => {
    const k = Math.floor(r() * (d > 3 ? 4 : 7));
    if (k === 0) return num();
    if (k === 1) return word();
    if (k === 2) return r() < 0.5 ? null : r() < 0.5;
    if (k === 3) return num();
    if (k === 4) return Array.from({ length: Math.floor(r() * 5) }, () => gen(d + 1));
    const o = {};
    for (let i = 0; i < Math.floor(r() * 6); i++) o[word() + i] = gen(d + 1);
    return o;
  };
  const values = [null, true, false, 0, 42, -7, 1.5, '', 'str', '😀', [], {}, [1, 'a', null, [2]], { a: { b: { c: [1, 2, { d: 'e' }] } } }];
  for (let i = 0; i < 50; i++) values.push(gen(0));
  let deep = 'leaf';
  for (let i = 0; i < 64; i++) deep = i % 2 ? { k: deep } : [deep];
  values.push(deep);
  values.push(Array.from({ length: 40 }, (_, i) => ({ id: i, name: 'item' + i })));
  const out = [];
  values.forEach((value, i) => {
    const sid = i % 7 === 3 ? 1 : 65536 + i * 7919;
    const m = Model.create(undefined, sid);
    m.api.root(value);
    const p = m.api.flush();
    out.push({ sid, value, patch: { hex: hex(p.toBinary()), json: toVerbose(p) }, model: hex(m.toBinary()), view: jsonView(m.view()) });
  });
  return out;
}

const traces = [];
for (let seed = 1; seed <= 40; seed++) traces.push(trace(seed, seed % 2 ? 3 : 2, 4 + (seed % 5)));
const server = [];
for (let seed = 0; seed < 10; seed++) server.push(serverDoc(seed));
writeFileSync(out, JSON.stringify({ generator: 'gen-edit-fixtures.mjs', jsonJoy: '17.67.0', traces, server, roots: rootDocs() }));
console.log(`wrote ${traces.length} traces to ${out}`);
