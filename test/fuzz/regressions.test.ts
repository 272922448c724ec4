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
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: ['127.0.0.1:5000', '127.0.0.1:443'], initiator: 0 });
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

test('session: a plaintext stream fed one byte at a time is recognised as it is in one chunk (the head was taken from the first chunk only)', () => {
  const bytes = Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
  const run = (pieces: Uint8Array[]) => {
    const s = new TlsSession({ source: 'proxy', id: 1, endpoints: ['127.0.0.1:5000', '127.0.0.1:443'], initiator: 0 });
    for (const p of pieces) s.feed(0, p);
    s.end(0);
    s.end(1);
    return s.result();
  };
  const whole = run([bytes]);
  assert.equal(whole.notTls, 'HTTP request (plain HTTP sent to a TLS port?)');
  assert.deepEqual(run([...bytes].map((b) => Uint8Array.of(b))), whole);
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
