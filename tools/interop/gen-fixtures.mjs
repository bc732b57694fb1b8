// Writes json-joy/tests/fixtures/root_docs.json: for each document, what JS json-joy
// writes for `m = Model.create(undefined, sid); m.api.root(doc); p = m.api.flush()`:
// the patch bytes (p.toBinary()), the model bytes (m.toBinary()) and m.view(); for a
// subset also the same in a server-clock model (Model.withServerClock()).
//
// Documents are stored as JSON text (`json`) exactly as JS parsed them, so key order
// and number spelling are the same on both sides. Bytes are base64.
// Deterministic (fixed seeds). Re-run from the repo root:
//   node tools/interop/gen-fixtures.mjs [out.json]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '../../json-joy/tests/fixtures/root_docs.json');

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

const b64 = (u8) => Buffer.from(u8).toString('base64');

// Hand-written cases as JSON text: [name, text].
const cases = [];
const add = (name, text) => cases.push([name, text]);

for (const t of ['null', 'true', 'false']) add(t, t);
const numbers = [
  '0', '1', '-1', '23', '24', '-24', '-25', '255', '256', '65535', '65536', '-65537',
  '4294967295', '4294967296', '-4294967297', '9007199254740991', '-9007199254740991',
  '9007199254740992', '-9007199254740992', '9007199254740993', '18446744073709551615',
  '100000000000000000000', '1.5', '-1.5', '0.1', '0.5', '1e300', '-1e-300', '1e-7',
  '123456.789', '3.4028234663852886e38', '-0', '-0.0', '1.0', '2.5e10', '0.333333333333',
];
numbers.forEach((n, i) => add(`number_${i}`, n));

const strings = [
  '', 'a', 'abcde', 'abcdef', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(16383),
  'x'.repeat(16384), '😀', 'a😀b', '😀'.repeat(40), 'e\u0301', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u0000', 'a\u0000b', '日本語のテキスト', 'ß∂ƒ©˙∆˚¬', '\n\t\r"\\', '\u007f\u0080\u07ff\u0800\uffff',
  '𝕳𝖊𝖑𝖑𝖔 🌍🌎🌏', 'ab'.repeat(100),
];
strings.forEach((s, i) => add(`string_${i}`, JSON.stringify(s)));
{
  // ~100 KB of mixed text.
  const r = rng(7);
  const parts = ['lorem ', 'ipsum ', 'dolor ', 'héllo ', '日本 ', '😀 ', 'e\u0301 ', '\n'];
  let s = '';
  while (s.length < 100000) s += parts[Math.floor(r() * parts.length)];
  add('string_100kb', JSON.stringify(s));
}

add('array_empty', '[]');
add('array_nested_empty', '[[]]');
add('array_scalars', '[1, -2, 3.5, true, false, null, "s", ""]');
add('array_mixed', '[{"a": 1}, [2, [3]], "x", {}, []]');
add('array_10000', JSON.stringify(Array.from({ length: 10000 }, (_, i) => i * 7 - 3000)));
add('array_strings_300', JSON.stringify(Array.from({ length: 300 }, (_, i) => 'item' + i)));
add('object_empty', '{}');
add('object_nested_empty', '{"a": {}}');
add('object_scalars', '{"n": null, "t": true, "f": false, "i": 42, "x": 1.25, "s": "str"}');
add('object_index_keys', '{"b": 1, "10": 2, "a": 3, "2": 4, "01": 5, "4294967295": 6, "4294967294": 7}');
add('object_dup_keys', '{"a": 1, "b": 2, "a": 3}');
add('object_unicode_keys', '{"ключ": 1, "😀": "v", "": 0, "e\u0301": [], "k\\u0000": null}');
add('object_long_key', JSON.stringify({ ['k'.repeat(300)]: 'v', ['😀'.repeat(70)]: 1 }));
add('object_many_keys', JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => ['key_' + i, i]))));

let deepArr = '0';
let deepObj = '0';
for (let d = 1; d <= 64; d++) {
  deepArr = `[${deepArr}]`;
  deepObj = `{"d${d}": ${deepObj}}`;
}
add('array_depth_64', deepArr);
add('object_depth_64', deepObj);
add('mixed_depth_64', (() => {
  let v = '"leaf"';
  for (let d = 0; d < 64; d++) v = d % 2 ? `[${v}, ${d}]` : `{"k": ${v}, "n": ${d}}`;
  return v;
})());

// A ~1 KB record, like a typical stored row.
add('record_1kb', JSON.stringify({
  id: 'rec_01HZX4Y2V5', createdAt: 1717171717171, updatedAt: 1717171799999,
  email: 'someone@example.com', first_name: 'Ada', last_name: 'Lovelace',
  bio: 'Mathematician and writer, known for work on the Analytical Engine. '.repeat(8),
  age: 36, tags: ['math', 'engines', 'poetry', 'notes'], address: { street: '12 St James Sq', city: 'London', zip: 'SW1Y' },
  role: 'admin', score: 98.25, active: true, manager: null,
}));

// Random documents.
function randDoc(r, depth) {
  const k = Math.floor(r() * (depth > 4 ? 7 : 9));
  const int = (n) => Math.floor(r() * n);
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return int(2000) - 1000;
    case 3: return [0.5, -1.25, 1e21, 3.14159, r() * 1e6, -r()][int(6)];
    case 4: return ['', 'a', 'hello', '😀x', 'é', '日本', 'x'.repeat(int(40))][int(7)];
    case 5: return int(2 ** 40) * (r() < 0.5 ? -1 : 1);
    case 6: return String.fromCharCode(...Array.from({ length: int(12) }, () => 32 + int(0x2000)));
    case 7: return Array.from({ length: int(6) }, () => randDoc(r, depth + 1));
    default: {
      const o = {};
      const n = int(6);
      for (let i = 0; i < n; i++) o[['a', 'b', 'key', 'x y', '1', '0', 'ü', 'long_' + int(99)][int(8)]] = randDoc(r, depth + 1);
      return o;
    }
  }
}
const r = rng(42);
for (let i = 0; i < 160; i++) {
  let d = randDoc(r, 0);
  if (i % 2 === 0) d = { root: d, arr: [randDoc(r, 2), randDoc(r, 2)] };
  add(`random_${i}`, JSON.stringify(d));
}

// JSON view with binary as arrays (the Rust view's representation).
const jsonView = (v) =>
  JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x)));

const sidRng = rng(99);
const docs = cases.map(([name, text], i) => {
  const doc = JSON.parse(text);
  // Session ids >= 65536 across the range: small, mid, and near 2^53.
  const sid = [65536, 65537 + Math.floor(sidRng() * 1e6), 2 ** 31 + Math.floor(sidRng() * 1e9),
    2 ** 53 - 1 - Math.floor(sidRng() * 1000)][i % 4];
  const m = Model.create(undefined, sid);
  m.api.root(doc);
  const p = m.api.flush();
  const entry = { name, sid, json: text, patch: b64(p.toBinary()), model: b64(m.toBinary()), view: jsonView(m.view()) };
  if (i % 3 === 0) {
    const sm = Model.withServerClock();
    sm.api.root(doc);
    const sp = sm.api.flush();
    entry.server = { patch: b64(sp.toBinary()), model: b64(sm.toBinary()), view: jsonView(sm.view()) };
  }
  return entry;
});

writeFileSync(out, JSON.stringify({ generator: 'tools/interop/gen-fixtures.mjs', jsonJoy: '17.67.0', docs }) + '\n');
console.log(`wrote ${docs.length} documents to ${out}`);
