// Writes json-joy/tests/fixtures/diff_cases.json: the reference for the Rust diff.
// - "text": random UTF-16 string pairs and the edit script of JS `util/diff/str`
//   (as [type, length] pairs), strings as arrays of code units.
// - "line": random line-list pairs and the output of JS `util/diff/line`.
// - "model": (a, b) document pairs (deterministic seeds): the model bytes of `a`
//   (Model.create(undefined, sid); api.root(a)), the patch JS
//   `new JsonCrdtDiff(model).diff(model.root, b)` builds (hex, or null when empty),
//   and `b` as JSON (binary data as arrays of numbers, as the Rust view shows it).
// Usage: node tools/interop/gen-diff-fixtures.mjs [out.json]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');
const { s } = require('json-joy/lib/json-crdt-patch');
const { JsonCrdtDiff } = require('json-joy/lib/json-crdt-diff/JsonCrdtDiff');
const str = require('json-joy/lib/util/diff/str');
const line = require('json-joy/lib/util/diff/line');

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '../../json-joy/tests/fixtures/diff_cases.json');

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
const toJson = (v) => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x)));
const units = (t) => Array.from({ length: t.length }, (_, i) => t.charCodeAt(i));

const PIECES = ['a', 'b', 'c', 'ab', ' ', 'the ', 'é', 'e\u0301', '\u200d', '\ufe0f', '😀', '👍🏽', '👨‍👩‍👧', '中文', '\n', 'xyz', '𝄞', 'Z'];

function text(r, n) {
  let t = '';
  for (let i = 0; i < n; i++) t += PIECES[Math.floor(r() * PIECES.length)];
  return t;
}

function editText(r, t, edits) {
  for (let e = 0; e < edits; e++) {
    const cps = Array.from(t);
    const at = Math.floor(r() * (cps.length + 1));
    const k = r();
    if (k < 0.4) cps.splice(at, 0, ...Array.from(text(r, 1 + Math.floor(r() * 4))));
    else if (k < 0.7) cps.splice(at, 1 + Math.floor(r() * 4));
    else cps.splice(at, 1 + Math.floor(r() * 3), ...Array.from(text(r, 1 + Math.floor(r() * 3))));
    t = cps.join('');
  }
  return t;
}

// Raw code-unit edits that may split surrogate pairs (to pin down JS's merge rules).
function rawUnits(r, n) {
  const pool = [0x61, 0x62, 0x63, 0x20, 0xd83d, 0xde00, 0xde01, 0xd834, 0xdd1e, 0x301, 0x200d];
  return Array.from({ length: n }, () => pool[Math.floor(r() * pool.length)]);
}

const textCases = [];
{
  const r = rng(1);
  for (let i = 0; i < 600; i++) {
    let a, b;
    if (i < 450) {
      a = text(r, Math.floor(r() * 40));
      b = i % 3 === 0 ? text(r, Math.floor(r() * 40)) : editText(r, a, 1 + Math.floor(r() * 3));
    } else if (i < 500) {
      a = text(r, 300 + Math.floor(r() * 300));
      b = editText(r, a, 1 + Math.floor(r() * 6));
    } else {
      a = String.fromCharCode(...rawUnits(r, Math.floor(r() * 20)));
      b = String.fromCharCode(...rawUnits(r, Math.floor(r() * 20)));
    }
    let ops = null; // JS recurses without end on some lone-surrogate inputs
    try {
      ops = str.diff(a, b).map(([t, x]) => [t, x.length]);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
    textCases.push({ a: units(a), b: units(b), ops });
  }
}

const lineCases = [];
{
  const r = rng(2);
  const words = ['a', 'b', 'c', 'd', 'e', '{x:1,}', '[1;2;]', 'T', 'N', '1k', '2z'];
  const list = (n) => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]);
  for (let i = 0; i < 300; i++) {
    const a = list(Math.floor(r() * 12));
    let b = a.slice();
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * (b.length + 1));
      const k = r();
      if (k < 0.35) b.splice(at, 0, ...list(1 + Math.floor(r() * 2)));
      else if (k < 0.7) b.splice(at, 1);
      else if (at < b.length) b[at] = words[Math.floor(r() * words.length)];
    }
    if (i % 10 === 0) b = list(Math.floor(r() * 12));
    lineCases.push({ a, b, ops: line.diff(a, b) });
  }
}

// ---------------------------------------------------------------- documents

function scalar(r) {
  const k = Math.floor(r() * 6);
  if (k === 0) return null;
  if (k === 1) return r() < 0.5;
  if (k === 2) return Math.floor(r() * 200) - 50;
  if (k === 3) return Math.round((r() * 2000 - 1000) * 1000) / 1000;
  return text(r, Math.floor(r() * 6));
}

function value(r, depth) {
  const k = Math.floor(r() * (depth >= 3 ? 3 : 6));
  if (k < 2) return scalar(r);
  if (k === 2) return text(r, Math.floor(r() * 10));
  if (k === 3 || k === 4) {
    const n = Math.floor(r() * 5);
    const o = {};
    for (let i = 0; i < n; i++) o[['id', 'name', 'tags', 'x', 'y', '2', '10', 'k😀'][Math.floor(r() * 8)]] = value(r, depth + 1);
    return o;
  }
  return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
}

function mutate(r, v, depth) {
  if (r() < 0.12) return value(r, depth);
  if (typeof v === 'string') return editText(r, v, 1 + Math.floor(r() * 2));
  if (Array.isArray(v)) {
    const a = v.slice();
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * (a.length + 1));
      const k = r();
      if (k < 0.3) a.splice(at, 0, value(r, depth + 1));
      else if (k < 0.55 && at < a.length) a.splice(at, 1);
      else if (k < 0.8 && at < a.length) a[at] = mutate(r, a[at], depth + 1);
      else if (a.length > 1) {
        // move
        const [x] = a.splice(Math.floor(r() * a.length), 1);
        a.splice(Math.floor(r() * (a.length + 1)), 0, x);
      }
    }
    return a;
  }
  if (v && typeof v === 'object') {
    const o = { ...v };
    const keys = Object.keys(o);
    const k = r();
    if (keys.length && k < 0.5) {
      const key = keys[Math.floor(r() * keys.length)];
      o[key] = mutate(r, o[key], depth + 1);
    } else if (keys.length && k < 0.75) delete o[keys[Math.floor(r() * keys.length)]];
    else o[['id', 'name', 'new', 'z', '3', 'é'][Math.floor(r() * 6)]] = value(r, depth + 1);
    return o;
  }
  return value(r, depth);
}

const modelCases = [];
let sidSeq = 0;
function addCase(family, a, b, js) {
  const sid = 70000 + sidSeq++;
  const model = Model.create(undefined, sid);
  model.api.root(a);
  model.api.flush();
  const bytes = model.toBinary();
  const patch = new JsonCrdtDiff(model).diff(model.root, b);
  const check = Model.fromBinary(bytes);
  if (patch.ops.length) check.applyPatch(patch);
  const want = toJson(js === undefined ? b : js);
  const view = toJson(check.view());
  // A vec never shrinks: its cut-off slots read as undefined (null in JSON).
  if (family !== 'vec' && !isDeepStrictEqual(view, want)) throw new Error(`JS diff did not reach b in ${family}`);
  modelCases.push({ family, sid, model: hex(bytes), patch: patch.ops.length ? hex(patch.toBinary()) : null, b: want, view });
}

{
  const r = rng(3);
  // Text edits inside long strings.
  for (let i = 0; i < 60; i++) {
    const t = text(r, 200 + Math.floor(r() * 800));
    addCase('text', { doc: t, n: i }, { doc: editText(r, t, 1 + Math.floor(r() * 4)), n: i });
  }
  // Arrays.
  for (let i = 0; i < 70; i++) {
    const a = Array.from({ length: Math.floor(r() * 15) }, () => value(r, 1));
    addCase('array', { list: a }, { list: mutate(r, a, 0) });
  }
  // Nested objects.
  for (let i = 0; i < 80; i++) {
    const a = value(r, 0);
    const doc = { id: 'doc' + i, body: a, meta: { rev: i, tags: ['a', 'b'] } };
    const b = mutate(r, doc, 0);
    addCase('object', doc, b);
  }
  // vec nodes.
  for (let i = 0; i < 25; i++) {
    const n = 1 + Math.floor(r() * 4);
    const items = Array.from({ length: n }, () => scalar(r));
    const b = items.slice(0, Math.max(0, n + Math.floor(r() * 3) - 1)).map((x) => (r() < 0.4 ? scalar(r) : x));
    while (b.length < n - 1) b.push(scalar(r));
    addCase('vec', { v: s.vec(...items.map((x) => s.con(x))) }, { v: b });
  }
  // bin nodes.
  for (let i = 0; i < 20; i++) {
    const n = Math.floor(r() * 40);
    const a = new Uint8Array(Array.from({ length: n }, () => Math.floor(r() * 256)));
    const bArr = Array.from(a);
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * (bArr.length + 1));
      if (r() < 0.5) bArr.splice(at, 0, Math.floor(r() * 256), Math.floor(r() * 256));
      else bArr.splice(at, 2);
    }
    addCase('bin', { data: a, k: i }, { data: new Uint8Array(bArr), k: i });
  }
  // Kind changes.
  const kinds = [() => scalar(r), () => text(r, 5), () => ({ x: scalar(r) }), () => [scalar(r), text(r, 2)], () => null, () => 42];
  for (let i = 0; i < 40; i++) {
    const a = kinds[Math.floor(r() * kinds.length)]();
    const b = kinds[Math.floor(r() * kinds.length)]();
    addCase('kind', { v: a, w: i % 2 ? a : 1 }, { v: b, w: i % 2 ? b : 1 });
    if (i % 4 === 0) addCase('kind-root', a, b);
  }
  // Identical values.
  for (let i = 0; i < 20; i++) {
    const a = value(r, 0);
    addCase('same', { a, i }, JSON.parse(JSON.stringify({ a, i })));
  }
}

const doc = { version: 'json-joy@17.67.0', text: textCases, line: lineCases, model: modelCases };
writeFileSync(out, JSON.stringify(doc));
console.log(`wrote ${textCases.length} text, ${lineCases.length} line, ${modelCases.length} model cases to ${out}`);
