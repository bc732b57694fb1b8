// Reads {"models": ["<hex>", ...], "patches": [{"base": "<model hex>", "patch": "<hex>"}]}
// on stdin and prints {"models": [{"view": {view, model}}|{"error"}], "patches":
// [{"view": {view, patch, model}}|{"error"}]} on stdout: what JS json-joy 17.67.0 sees in
// bytes Rust wrote (for a patch: the base model's view after applying it, the patch
// re-encoded, the patched model re-encoded). Binary views print as arrays of numbers,
// lone surrogates as U+FFFD (as the Rust view does).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Model } = require('json-joy/lib/json-crdt');
const { Patch } = require('json-joy/lib/json-crdt-patch');

const view = (v) =>
  JSON.parse(
    JSON.stringify(v, (_k, x) =>
      x instanceof Uint8Array ? Array.from(x) : typeof x === 'string' ? x.toWellFormed() : x,
    ) ?? 'null',
  );
const bytes = (hex) => new Uint8Array(Buffer.from(hex, 'hex'));
const attempt = (f) => {
  try {
    return { view: f() };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
};

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const models = (req.models || []).map((hex) =>
    attempt(() => {
      const m = Model.fromBinary(bytes(hex));
      return { view: view(m.view()), model: Buffer.from(m.toBinary()).toString('hex') };
    }),
  );
  const patches = (req.patches || []).map(({ base, patch }) =>
    attempt(() => {
      const m = Model.fromBinary(bytes(base));
      const p = Patch.fromBinary(bytes(patch));
      m.applyPatch(p);
      return {
        view: view(m.view()),
        patch: Buffer.from(p.toBinary()).toString('hex'),
        model: Buffer.from(m.toBinary()).toString('hex'),
      };
    }),
  );
  process.stdout.write(JSON.stringify({ models, patches }));
});
