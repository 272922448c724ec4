// The CI part of the fuzzing: every target of test/fuzz/targets.ts for a short fixed-seed run
// (FUZZ_CI_RUNS cases each; long runs: npm run fuzz -- --iterations N), and "time per input is
// linear": hostile shapes (byte-at-a-time delivery, a long non-TLS preamble, 1-byte records,
// 1-byte out-of-order TCP segments) at N and 8N bytes must not take more than a generous
// multiple of 8x the time (a quadratic path would take ~64x). The plaintext/resync scan is
// bounded by MAX_PLAINTEXT_SCAN (64 KiB) and keeps its queue contiguous every 16 chunks, an
// n²/32 copy at most: it gets an absolute bound at the cap instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TARGETS, runTarget } from './targets.js';
import { TlsSession } from '../../src/tls/session.js';
import { DirectionReassembler } from '../../src/capture/reassembly.js';
import { clientHelloBody, handshake } from '../helpers/tls-bytes.js';

const RUNS = Number(process.env.FUZZ_CI_RUNS ?? 300);

for (const t of TARGETS) {
  test(`fuzz ${t.name} (${RUNS} cases, seed 1): ${t.what}`, async () => {
    const r = await runTarget(t, { iterations: RUNS, seed: 1 });
    assert.ok(!r.failed, `${r.error}\ncounterexample: ${r.counterexample}\nreproduce: npm run fuzz -- --target ${t.name} --iterations 1 --seed 1 --path '${r.path}'`);
    assert.equal(r.runs, RUNS);
  });
}

/** Best of three wall-clock timings of fn, in ms. */
function time(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function feedAll(pieces: Uint8Array[], side: 0 | 1 = 0): void {
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }], initiator: 0 });
  for (const p of pieces) s.feed(side, p);
  s.end(0);
  s.end(1);
  s.result();
}

// The first two shapes are the plaintext/resync scan: bounded by MAX_PLAINTEXT_SCAN and kept
// contiguous by an n²/32 copy, so they get an absolute bound at the cap instead of the ratio.
const BOUNDED_SCAN = 2;
const SHAPES: [string, (n: number) => () => void][] = [
  ['a non-TLS preamble delivered one byte at a time (scan for a hello)', (n) => {
    const pieces = Array.from({ length: n }, () => Uint8Array.of(0x41));
    return () => feedAll(pieces);
  }],
  ['a mid-stream resync scan one byte at a time', (n) => {
    const pieces = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0x7f));
    return () => {
      const s = new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }], initiator: 0, midstream: true });
      for (const p of pieces) s.feed(0, p);
      s.result();
    };
  }],
  ['a large handshake message in 1-byte records', (n) => {
    const body = handshake(11, [0, 0, 0]);
    const msg = [...body.slice(0, 1), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, ...new Array<number>(n).fill(0)];
    const bytes = new Uint8Array(msg.length * 6);
    msg.forEach((b, i) => bytes.set([22, 3, 3, 0, 1, b], i * 6));
    return () => feedAll([bytes], 1);
  }],
  ['many ClientHellos, each delivered one byte at a time', (n) => {
    const rec = [22, 3, 3, 0, 0, ...handshake(1, clientHelloBody())];
    rec[3] = ((rec.length - 5) >> 8) & 0xff;
    rec[4] = (rec.length - 5) & 0xff;
    const count = Math.ceil(n / rec.length);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < count; i++) for (const b of rec) pieces.push(Uint8Array.of(b));
    return () => feedAll(pieces);
  }],
  ['TCP reassembly of 1-byte segments in reverse order', (n) => {
    const m = n;
    return () => {
      const r = new DirectionReassembler({ data() {}, gap() {} }, 1 << 30, { gaps: 0, gapBytes: 0, bufferedBytes: 0 });
      r.syn(1000);
      const one = Uint8Array.of(1);
      const meta = { packet: 1, sec: 0, nsec: 0 };
      for (let i = m - 1; i >= 0; i--) r.segment(1001 + i, one, 0, meta);
      r.flush(meta);
    };
  }],
];

SHAPES.slice(0, BOUNDED_SCAN).forEach(([name, make]) => {
  test(`time per input is bounded at MAX_PLAINTEXT_SCAN: ${name}`, () => {
    const t = time(make(64 * 1024));
    assert.ok(t < 1500, `64 KiB took ${t.toFixed(0)} ms (was ~10 s before the scan queue was kept contiguous)`);
  });
});

for (const [name, make] of SHAPES.slice(BOUNDED_SCAN)) {
  test(`time per input is linear: ${name}`, () => {
    const small = 8_000;
    const large = 64_000;
    const ts = time(make(small));
    const tl = time(make(large));
    // 8x the input; allow 3x slack on top for noise, caches and a loaded CI machine (quadratic
    // would be ~64x). Below 10 ms a timing is mostly noise: the small one is floored there.
    const ratio = tl / Math.max(ts, 10);
    assert.ok(ratio < 24, `${large} bytes took ${tl.toFixed(1)} ms, ${small} bytes ${ts.toFixed(1)} ms: ratio ${ratio.toFixed(1)} (linear ≈ 8)`);
  });
}
