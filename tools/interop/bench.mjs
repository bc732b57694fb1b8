// Times JS json-joy 17.67.0 on the documents json-joy/benches/model.rs uses, and, when
// the Rust criterion results exist, prints JS time / Rust time per operation.
// Usage: cargo bench -p json-joy --bench model -- --warm-up-time 1 --measurement-time 3
//        node tools/interop/bench.mjs [criterion dir, default $CARGO_TARGET_DIR/criterion]
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');
const { Patch } = require('json-joy/lib/json-crdt-patch');

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
const docs = [
  ['record_1kb', record(1)],
  ['doc_1mb', { records: Array.from({ length: 1000 }, (_, i) => record(i)) }],
  ['array_10k', Array.from({ length: 10000 }, (_, i) => i)],
  ['string_100kb', 'The quick brown fox jumps over the lazy dog 😀. '.repeat(2100)],
];

// Runs `f` in batches (sized so the clock is read about once a millisecond) for ~`ms`
// after a warm-up; returns mean nanoseconds per call.
function time(f, ms = 1500) {
  const warm = Date.now() + 300;
  let batch = 1;
  while (Date.now() < warm) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) f();
    if (Number(process.hrtime.bigint() - t0) < 1e6) batch *= 2;
  }
  let n = 0;
  const start = process.hrtime.bigint();
  const end = Date.now() + ms;
  do {
    for (let i = 0; i < batch; i++) f();
    n += batch;
  } while (Date.now() < end);
  return Number(process.hrtime.bigint() - start) / n;
}

function rustNs(name, op) {
  const file = join(criterionDir, 'model', `${name}_${op}`, 'new', 'estimates.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).mean.point_estimate;
}

const fmt = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' µs' : ns.toFixed(0) + ' ns');
const rows = [];
for (const [name, doc] of docs) {
  const m = Model.create(undefined, 123456);
  m.api.root(doc);
  const patch = m.api.flush();
  const bytes = m.toBinary();
  const patchBytes = patch.toBinary();
  const ops = {
    set_root: () => {
      const x = Model.create(undefined, 123456);
      x.api.root(doc);
      x.api.flush();
    },
    apply_patch: () => Model.create(undefined, 654321).applyPatch(patch),
    to_binary: () => m.toBinary(),
    from_binary: () => Model.fromBinary(bytes),
    // A fresh decode each time (untimed part excluded below) so no view cache helps.
    cold_view: null,
    patch_to_binary: () => patch.toBinary(),
    patch_from_binary: () => Patch.fromBinary(patchBytes),
  };
  for (const [op, f] of Object.entries(ops)) {
    let ns;
    if (op === 'cold_view') {
      // Decode a batch first (untimed), then time the first view of each model.
      const batch = name === 'doc_1mb' ? 20 : 200;
      let total = 0;
      let n = 0;
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        for (const d of Array.from({ length: batch }, () => Model.fromBinary(bytes))) {
          const t0 = process.hrtime.bigint();
          d.view();
          total += Number(process.hrtime.bigint() - t0);
          n++;
        }
      }
      ns = total / n;
    } else ns = time(f);
    const rust = rustNs(name, op);
    rows.push({
      doc: name,
      op,
      js: fmt(ns),
      rust: rust ? fmt(rust) : '-',
      'js/rust': rust ? (ns / rust).toFixed(1) + 'x' : '-',
    });
  }
}
console.table(rows);
// The same table as Markdown, for reports.
console.log('| doc | op | JS | Rust | JS/Rust |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.doc} | ${r.op} | ${r.js} | ${r.rust} | ${r['js/rust']} |`);
