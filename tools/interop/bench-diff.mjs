// Times JS json-joy 17.67.0 `new JsonCrdtDiff(model).diff(model.root, value)` on the
// inputs json-joy/benches/diff.rs uses, and, when the Rust criterion results exist,
// prints JS time / Rust time per case.
// Usage: cargo bench -p json-joy --bench diff -- --warm-up-time 1 --measurement-time 3
//        node tools/interop/bench-diff.mjs [criterion dir, default $CARGO_TARGET_DIR/criterion]
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');
const { JsonCrdtDiff } = require('json-joy/lib/json-crdt-diff/JsonCrdtDiff');

const here = dirname(fileURLToPath(import.meta.url));
const criterionDir =
  process.argv[2] || join(process.env.CARGO_TARGET_DIR || join(here, '../../target'), 'criterion');

const record = (i) => ({
  id: `rec-${i}`,
  name: `Name ${i}`,
  email: `user${i}@example.com`,
  age: i % 90,
  active: i % 2 === 0,
  score: i * 1.5,
  tags: ['alpha', 'beta', 'gamma'],
  address: { street: `${i} Main St`, city: 'Springfield', zip: `${10000 + i}` },
  bio: 'lorem ipsum dolor sit amet '.repeat(26),
});

const PIECE = 'The quick brown fox jumps over the lazy dog 😀. ';

function cases() {
  const rec = record(1);
  const rec2 = { ...rec, age: 99 };
  const text = PIECE.repeat(2100);
  const mid = PIECE.length * 1050 + 6;
  const edited = text.slice(0, mid) + 'Hello' + text.slice(mid);
  const a = Array.from({ length: 10000 }, (_, i) => i);
  const b = a.slice();
  for (let k = 0; k < 4; k++) b[500 + k * 2500] = -1 - k;
  for (let k = 0; k < 3; k++) b.splice(1200 + k * 3000, 0, 100000 + k);
  for (let k = 0; k < 3; k++) b.splice(2000 + k * 3000, 1);
  return [
    ['record_1kb', rec, rec2],
    ['text_100kb', text, edited],
    ['array_10k', a, b],
  ];
}

// Runs `f` repeatedly for ~`ms` after a warm-up; returns mean nanoseconds per call.
function time(f, ms = 3000) {
  const warm = Date.now() + 1000;
  while (Date.now() < warm) f();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = Date.now() + ms;
  do {
    f();
    n++;
  } while (Date.now() < end);
  return Number(process.hrtime.bigint() - start) / n;
}

function rustNs(name) {
  const file = join(criterionDir, 'diff', name, 'new', 'estimates.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).mean.point_estimate;
}

const fmt = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' µs' : ns.toFixed(0) + ' ns');
const rows = [];
for (const [name, a, b] of cases()) {
  const m = Model.create(undefined, 123456);
  m.api.root(a);
  m.api.flush();
  const check = m.clone();
  check.applyPatch(new JsonCrdtDiff(m).diff(m.root, b));
  if (!isDeepStrictEqual(check.view(), b)) throw new Error(`${name}: JS diff does not reach the target`);
  const ns = time(() => new JsonCrdtDiff(m).diff(m.root, b));
  const rust = rustNs(name);
  rows.push({ case: name, js: fmt(ns), rust: rust ? fmt(rust) : '-', 'js/rust': rust ? (ns / rust).toFixed(1) + 'x' : '-' });
}
console.table(rows);
