// Properties of the decoder, checked with fast-check (fixed seeds, size 'max' so inputs are
// not biased towards a few bytes):
//  - the session gives the identical result however a real stream is chunked;
//  - any bytes give a value or one of our parse errors, never a foreign exception;
//  - a session fed arbitrary bytes never throws and its result stays plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { ByteReader } from '../../src/bytes/reader.js';
import { TlsParseError } from '../../src/bytes/errors.js';
import { TlsSession, type Side } from '../../src/tls/session.js';
import { decodeClientHello, decodeServerHello } from '../../src/tls/messages/hello.js';
import { decodeCertificateMessage } from '../../src/tls/messages/certificate.js';
import { decodeServerKeyExchange } from '../../src/tls/messages/key-exchange.js';
import { decodeCertificateRequest, decodeCertificateVerify } from '../../src/tls/messages/client-auth.js';
import { decodeCertificateStatus, decodeNewSessionTicket } from '../../src/tls/messages/session-messages.js';
import { captureStreams, type CapturedStream } from '../helpers/streams.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const corpus = (p: string) => fileURLToPath(new URL(`../../../shared/corpus/captures/${p}`, import.meta.url));

function replay(stream: CapturedStream, cut: (side: Side, bytes: Uint8Array) => Uint8Array[]) {
  const s = new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }], initiator: 0 });
  for (const e of stream.events) for (const piece of cut(e.side, e.bytes)) s.feed(e.side, piece);
  s.end(0);
  s.end(1);
  return s.result();
}

function chunker(sizes: number[]) {
  let k = 0;
  return (_side: Side, bytes: Uint8Array) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; ) {
      const n = sizes[k++ % sizes.length]!;
      out.push(bytes.subarray(i, i + n));
      i += n;
    }
    return out;
  };
}

for (const path of [repo('captures/apache-mtls-pss-default.pcap'), repo('captures/fragmented-512.pcap'), repo('captures/tls13-hrr.pcap'), corpus('ssl-v2.pcap'), corpus('xmpp-dialback-starttls.pcap'), corpus('tls-fragmented-handshake.pcap')]) {
  test(`chunking invariance: ${path.split('/').pop()}`, async () => {
    const streams = await captureStreams(path);
    assert.ok(streams.length > 0);
    for (const stream of streams.slice(0, 3)) {
      const whole = replay(stream, (_s, b) => [b]);
      assert.deepEqual(replay(stream, chunker([1])), whole, 'one byte at a time');
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 64, size: 'max' }), (sizes) => {
          assert.deepEqual(replay(stream, chunker(sizes)), whole);
        }),
        { seed: 7, numRuns: Math.max(10, Math.floor(RUNS / 10)) },
      );
    }
  });
}

const DECODERS: [string, (r: ByteReader) => unknown][] = [
  ['ClientHello', decodeClientHello],
  ['ServerHello', (r) => decodeServerHello(r)],
  ['Certificate', decodeCertificateMessage],
  ['ServerKeyExchange/ECDHE', (r) => decodeServerKeyExchange(r, 'ECDHE', 'RSA', true)],
  ['ServerKeyExchange/DHE', (r) => decodeServerKeyExchange(r, 'DHE', 'RSA', false)],
  ['ServerKeyExchange/unknown', (r) => decodeServerKeyExchange(r, undefined, undefined, undefined)],
  ['CertificateRequest', (r) => decodeCertificateRequest(r, undefined)],
  ['CertificateVerify', (r) => decodeCertificateVerify(r, undefined)],
  ['CertificateStatus', decodeCertificateStatus],
  ['NewSessionTicket', decodeNewSessionTicket],
];

for (const [name, decode] of DECODERS) {
  test(`${name}: any bytes give a value or a TlsParseError`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600, size: 'max' }), (bytes) => {
        try {
          decode(new ByteReader(bytes));
        } catch (e) {
          if (!(e instanceof TlsParseError)) throw e;
        }
      }),
      { seed: 11, numRuns: RUNS },
    );
  });
}

test('a session fed arbitrary bytes never throws; its result is plain JSON', () => {
  // Bias towards things that look like TLS: a record header prefix makes the record layer engage.
  const tlsish = fc.tuple(fc.constantFrom(20, 21, 22, 23, 24, 0x80), fc.constantFrom(3, 2), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 400, size: 'max' }));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.oneof(tlsish.map(([a, b, c, rest]) => Uint8Array.from([a, b, c, ...rest])), fc.uint8Array({ maxLength: 300 }))), { maxLength: 12 }), (steps) => {
      const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: 'a', port: 1 }, { ip: 'b', port: 2 }], initiator: 0 });
      for (const [side, bytes] of steps) s.feed(side ? 1 : 0, bytes);
      const r = s.result();
      assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
      assert.ok(!r.errors.some((e) => e.message.startsWith('internal error')), JSON.stringify(r.errors));
    }),
    { seed: 13, numRuns: RUNS },
  );
});
