// JsonLineEncoder must write exactly the bytes of JSON.stringify(value) + "\n": checked on every
// connection of every capture (with findings and fingerprints, as --json prints them), with
// chunks so small that values straddle them, and on arbitrary JSON-ish values from fast-check
// (any Unicode, lone surrogates, control characters, -0, NaN, huge and tiny numbers, undefined
// and functions in objects and arrays, frozen and shared sub-objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { replayFile } from '../../src/app/replay.js';
import { enrich } from '../../src/app/enrich.js';
import { JsonLineEncoder } from '../../src/report/json.js';
import type { Connection } from '../../src/tls/model.js';

const dirs = [fileURLToPath(new URL('../../captures/', import.meta.url)), fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url))];
const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => d + f) : []));

function encode(values: unknown[], chunkBytes?: number): Buffer {
  const chunks: Buffer[] = [];
  const enc = new JsonLineEncoder((c) => chunks.push(c), chunkBytes);
  for (const v of values) enc.line(v);
  enc.flush();
  return Buffer.concat(chunks);
}

const expected = (values: unknown[]): Buffer => Buffer.from(values.map((v) => `${JSON.stringify(v) ?? ''}\n`).join(''));

test('every connection of every capture encodes to the bytes of JSON.stringify', async () => {
  assert.ok(files.length > 40, `captures found: ${files.length}`);
  const conns: Connection[] = [];
  for (const file of files) {
    await replayFile(file, {}, { connection: (c) => conns.push(enrich(c)), warning: () => {} });
  }
  assert.ok(conns.length > 100, `connections: ${conns.length}`);
  const want = expected(conns);
  // Twice through one encoder (the second pass comes from its caches), and with 61-byte chunks.
  assert.ok(encode([...conns, ...conns]).equals(Buffer.concat([want, want])));
  assert.ok(encode(conns, 61).equals(want));

  // A sink that hands every chunk back as soon as it has copied it: the same bytes, from a few
  // buffers written again and again (a recycled buffer that was still in use would show here).
  const copies: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  const enc: JsonLineEncoder = new JsonLineEncoder((c) => {
    copies.push(Buffer.from(c));
    buffers.add(c.buffer);
    enc.recycle(c);
  }, 4096);
  for (const c of [...conns, ...conns]) enc.line(c);
  enc.flush();
  assert.ok(Buffer.concat(copies).equals(Buffer.concat([want, want])));
  assert.ok(copies.length > 100, `chunks: ${copies.length}`);
  assert.ok(buffers.size < copies.length / 10, `${buffers.size} buffers for ${copies.length} chunks`);
});

test('arbitrary values encode to the bytes of JSON.stringify', () => {
  const str = fc.oneof(fc.string({ unit: 'binary', maxLength: 200, size: 'max' }), fc.string({ unit: 'grapheme-ascii' }), fc.constantFrom('"', '\\', '\u2028', '\ud800', 'a\u0000b', '…'));
  const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, -1));
  const leaf = fc.oneof(str, num, fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(() => 1));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ maxDepth: 5, depthIdentifier: 'json' }, leaf, tie('array'), tie('object'), tie('frozen')),
    array: fc.array(tie('tree'), { maxLength: 8, depthIdentifier: 'json' }),
    object: fc.dictionary(str, tie('tree'), { maxKeys: 8, depthIdentifier: 'json' }),
    frozen: tie('object').map((o) => Object.freeze(o)),
  }));
  fc.assert(
    fc.property(fc.array(tree, { maxLength: 4 }), fc.integer({ min: 1, max: 300 }), (values, chunk) => {
      // The same values twice: shared, frozen sub-objects come from the cache the second time.
      const all = [...values, ...values];
      assert.ok(encode(all, chunk).equals(expected(all)));
    }),
    { seed: 20261126, numRuns: 400 },
  );
});

test('a frozen object with a mutable child is not cached', () => {
  const child = { n: 1 };
  const o = Object.freeze({ child });
  const chunks: Buffer[] = [];
  const enc = new JsonLineEncoder((c) => chunks.push(c));
  enc.line(o);
  child.n = 2;
  enc.line(o);
  enc.flush();
  assert.equal(Buffer.concat(chunks).toString(), '{"child":{"n":1}}\n{"child":{"n":2}}\n');
});

test('inherited enumerable keys are left out, as JSON.stringify does, also when Object.prototype has one', () => {
  const values: unknown[] = [Object.assign(Object.create({ inherited: 1 }), { own: 2 }), Object.assign(Object.create(null), { bare: 3 }), { plain: 4 }];
  assert.ok(encode(values).equals(expected(values)));
  Object.defineProperty(Object.prototype, 'polluted', { value: 5, enumerable: true, configurable: true });
  try {
    assert.ok(encode(values).equals(expected(values)));
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
});

test('long ASCII strings that need escaping (control characters, quotes, backslashes, DEL) encode as JSON.stringify does', () => {
  const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), minLength: 25, maxLength: 300, size: 'max' });
  fc.assert(
    fc.property(fc.array(ascii, { maxLength: 20 }), (strings) => {
      const values = strings.map((s) => ({ detail: s, lines: [s, `${s}\n${s}`] }));
      assert.ok(encode(values).equals(expected(values)));
      assert.ok(encode(values, 37).equals(expected(values)));
    }),
    { seed: 20261126, numRuns: 500 },
  );
});

test('long strings repeated across lines (their bytes kept), also past the cache bound and across chunk ends', () => {
  // Finding texts: the same long text on many lines, some with line breaks and a `…`, some not,
  // among more distinct long strings than the encoder keeps (so it starts over now and then).
  const fix = `Apache httpd: SSLProtocol -all +TLSv1.2\nnginx: ssl_protocols TLSv1.2;\nopenssl: openssl s_server … -msg ${'x'.repeat(150)}`;
  const plain = `types rsa_sign,ecdsa_sign; sigalgs ${Array.from({ length: 20 }, (_, i) => `sigalg_${i}`).join(',')}`;
  const values = Array.from({ length: 900 }, (_, i) => ({
    id: i,
    fix,
    summary: plain,
    detail: `connection ${i}: the client's first encrypted record is ${i} bytes\n${'-'.repeat(130)}`,
    quoted: i % 3 === 0 ? `"${'\\'.repeat(140)}"` : `${'y'.repeat(127)}`,
    // Past the longest string kept: encoded afresh each time.
    huge: i % 50 === 0 ? `${'z'.repeat(5000)}\n` : undefined,
  }));
  for (const chunk of [undefined, 333, 4096]) assert.ok(encode(values, chunk).equals(expected(values)), `chunk ${chunk}`);
});

test('numbers at the edges of the integer fast path encode as JSON.stringify does', () => {
  const edges = [0, -0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -1, -10, -(2 ** 31), 0.5, 9.99, 1e21, 1e-7, NaN, Infinity];
  const values = [edges, { edges }, edges.map((n) => ({ n }))];
  assert.ok(encode(values).equals(expected(values)));
  assert.ok(encode(values, 7).equals(expected(values)));
});
