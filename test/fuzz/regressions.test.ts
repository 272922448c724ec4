// One test per bug the fuzz targets (test/fuzz/targets.ts) or the robustness tests found,
// named after what it was. Each builds the smallest input that showed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteReader } from '../../src/bytes/reader.js';
import { TlsParseError } from '../../src/bytes/errors.js';
import { decodeCertificateRequest } from '../../src/tls/messages/client-auth.js';
import { TlsSession } from '../../src/tls/session.js';
import { applyRules } from '../../src/rules/index.js';
import { renderConnection } from '../../src/report/text.js';
import { makeStyle } from '../../src/report/style.js';
import { replayFile } from '../../src/app/replay.js';
import type { Connection } from '../../src/tls/model.js';
import { DirectionReassembler, MAX_OUT_OF_ORDER_PIECES } from '../../src/capture/reassembly.js';
import { clientHelloBody, ext, handshake, record, vec16, vec8 } from '../helpers/tls-bytes.js';

const alert = (level: number, description: number): number[] => record(21, [level, description]);

test('CertificateRequest: a broken CA name is reported at its stream offset, not at offset 0 of the name', () => {
  // certificate_types (1: rsa_sign), no sig algs (TLS 1.1 layout), one CA name whose SEQUENCE claims 0x30 bytes but has 2.
  const body = [...vec8([1]), ...vec16(vec16([0x30, 0x30, 0x31, 0x00]))];
  const base = 5000;
  try {
    decodeCertificateRequest(new ByteReader(Uint8Array.from(body), base, 'CertificateRequest'), false);
    assert.fail('must not decode');
  } catch (e) {
    assert.ok(e instanceof TlsParseError);
    // The name starts after certificate_types (2 bytes) and the two length prefixes (4 bytes).
    assert.ok(e.offset >= base + 6 && e.offset <= base + body.length, `offset ${e.offset}: ${e.message}`);
    assert.match(e.message, /certificate_authorities\[0\]/);
  }
});

test('text output: a finding that quotes the SNI cannot carry terminal escape sequences', () => {
  // A ClientHello whose server_name holds ESC [2J (clear screen) and a C1 CSI, answered by a fatal
  // unrecognized_name alert: the fatal-alert and hello-rejected findings quote the name.
  const evil = '\u001b[2Jevil\u009b31m.example';
  const sni = ext(0, vec16([0, ...vec16([...Buffer.from(evil, 'utf8')])]));
  const hello = record(22, handshake(1, clientHelloBody({ extensions: sni })));
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 5000 }, { ip: '127.0.0.1', port: 443 }], initiator: 0 });
  s.feed(0, Uint8Array.from(hello));
  s.feed(1, Uint8Array.from(alert(2, 112)));
  const c = s.result();
  assert.equal(c.clientHello?.serverName, evil);
  c.findings = applyRules(c, new Date());
  assert.ok(c.findings.some((f) => f.detail.includes(evil)), 'a finding quotes the name (else this test tests nothing)');
  const text = renderConnection(c, { style: makeStyle(false), verbose: true });
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u001b\u009b]/);
  assert.match(text, /\\x1b\[2Jevil\\x9b31m\.example/);
});

/** A proxy session fed these pieces from the client, then ended: its result. */
function clientPieces(pieces: Uint8Array[]): Connection {
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 5000 }, { ip: '127.0.0.1', port: 443 }], initiator: 0 });
  for (const p of pieces) s.feed(0, p);
  s.end(0);
  s.end(1);
  return s.result();
}

test('session: a plaintext stream fed one byte at a time is recognised as it is in one chunk (the head was taken from the first chunk only)', () => {
  const bytes = Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
  const whole = clientPieces([bytes]);
  assert.equal(whole.notTls, 'HTTP request (plain HTTP sent to a TLS port?)');
  assert.deepEqual(clientPieces([...bytes].map((b) => Uint8Array.of(b))), whole);
});

test('session: a plaintext stream past MAX_PLAINTEXT_SCAN counts the same preamble bytes one byte at a time as in one chunk (chunking fuzz, seed 20261127)', () => {
  // A non-TLS stream of 66,445 bytes: in one chunk every byte was counted as preamble when the
  // scan gave up; one byte at a time it gave up at 65,537 and the rest went uncounted.
  const bytes = Buffer.alloc(66_445, 0);
  const whole = clientPieces([bytes]);
  assert.equal(whole.stats.client.preambleBytes, bytes.length);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 1) pieces.push(bytes.subarray(i, i + 1));
  assert.deepEqual(clientPieces(pieces), whole);
  // A hello just past the scanned positions is not found either way.
  const late = Buffer.concat([Buffer.alloc(65_536, 0x41), Buffer.from(record(22, handshake(1, clientHelloBody({}))))]);
  const lateWhole = clientPieces([late]);
  assert.equal(lateWhole.clientHello, undefined);
  assert.deepEqual(clientPieces([late.subarray(0, 40_000), late.subarray(40_000, 65_540), late.subarray(65_540)]), lateWhole);
});

test('replay: a pcapng timestamp beyond what a Date holds is clamped, not a RangeError that stops the file', async () => {
  // captures/tls12.pcapng with every EPB's timestamp-high word set to 0xffffffff (2^64 µs ≈ 585,000 years).
  const bytes = new Uint8Array(readFileSync(new URL('../../captures/tls12.pcapng', import.meta.url)));
  const v = new DataView(bytes.buffer);
  let epbs = 0;
  for (let at = 0; at + 12 <= bytes.length; ) {
    const type = v.getUint32(at, true);
    const len = v.getUint32(at + 4, true);
    if (type === 6) {
      v.setUint32(at + 12, 0xffffffff, true);
      epbs++;
    }
    at += len;
  }
  assert.ok(epbs > 5);
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-reg-'));
  try {
    const file = join(dir, 'far-future.pcapng');
    writeFileSync(file, bytes);
    const conns: Connection[] = [];
    const r = await replayFile(file, {}, { connection: (c) => conns.push(c), warning: () => {} });
    assert.equal(r.ok, true, r.error);
    assert.equal(conns.length, 1);
    assert.match(conns[0]!.startTime!, /^9999-12-31T23:59:59\.\d{6}Z$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Wall-clock ms of fn. */
function ms(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

test('session: a 64 KiB plaintext preamble sent one byte per segment does not take seconds (ByteQueue.at walked thousands of 1-byte chunks per position)', () => {
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 5000 }, { ip: '127.0.0.1', port: 443 }], initiator: 0 });
  const t = ms(() => {
    for (let i = 0; i < 64 * 1024; i++) s.feed(0, Uint8Array.of(0x41));
  });
  assert.ok(t < 1500, `${t.toFixed(0)} ms (was ~10 s)`);
  assert.equal(s.result().stats.client.bytes, 64 * 1024);
});

test('session: a handshake message sent in 32,000 one-byte records is taken out in linear time (ByteQueue.take compacted per chunk)', () => {
  const n = 32_000;
  const msg = [11, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, ...new Array<number>(n).fill(0)];
  const bytes = new Uint8Array(msg.length * 6);
  msg.forEach((b, i) => bytes.set([22, 3, 3, 0, 1, b], i * 6));
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 5000 }, { ip: '127.0.0.1', port: 443 }], initiator: 0 });
  const t = ms(() => s.feed(1, bytes));
  assert.ok(t < 1500, `${t.toFixed(0)} ms (was ~0.7 s at 32 KB and quadratic)`);
  assert.ok(s.result().messages.some((m) => m.type?.name === 'certificate'));
});

test('reassembly: 40,000 one-byte segments in reverse order do not take 40 s (the out-of-order piece list is capped)', () => {
  const r = new DirectionReassembler({ data() {}, gap() {} }, 1 << 30, { gaps: 0, gapBytes: 0, bufferedBytes: 0 });
  r.syn(1000);
  const meta = { packet: 1, sec: 0, nsec: 0 };
  const t = ms(() => {
    for (let i = 40_000 - 1; i >= 0; i--) r.segment(1001 + i, Uint8Array.of(1), 0, meta);
    r.flush(meta);
  });
  assert.ok(t < 2000, `${t.toFixed(0)} ms (was ~40 s)`);
  assert.ok(r.buffered <= MAX_OUT_OF_ORDER_PIECES);
});
