// Every truncation of a real ClientHello and of a real Certificate message (cut out of
// captures recorded here) is a decode error from our own error classes — never a foreign
// exception, never a silent partial value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ByteReader } from '../../src/bytes/reader.js';
import { TlsParseError } from '../../src/bytes/errors.js';
import { TlsSession } from '../../src/tls/session.js';
import { decodeClientHello } from '../../src/tls/messages/hello.js';
import { decodeCertificateMessage } from '../../src/tls/messages/certificate.js';
import { captureStreams } from '../helpers/streams.js';

const CAPTURE = fileURLToPath(new URL('../../captures/apache-mtls-pss-default.pcap', import.meta.url));

async function realMessages() {
  const [stream] = await captureStreams(CAPTURE);
  assert.ok(stream);
  const s = new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: '192.0.2.1', port: 50000 }, { ip: '192.0.2.2', port: 443 }], initiator: 0 });
  for (const e of stream.events) s.feed(e.side, e.bytes);
  const c = s.result();
  const body = (type: string, from: 'client' | 'server') => {
    const m = c.messages.find((x) => x.type?.name === type && x.from === from);
    assert.ok(m, `${from} ${type} on the ladder`);
    const side = from === 'client' ? 0 : 1;
    return stream.sides[side].subarray(m.offset + 4, m.offset + 4 + m.length);
  };
  return { clientHello: body('client_hello', 'client'), certificate: body('certificate', 'server'), clientCertificate: body('certificate', 'client') };
}

function everyTruncation(full: Uint8Array, decode: (r: ByteReader) => unknown, label: string, completeAt = -1): void {
  assert.doesNotThrow(() => decode(new ByteReader(full)), `${label} decodes whole`);
  for (let n = 0; n < full.length; n++) {
    try {
      decode(new ByteReader(full.subarray(0, n)));
    } catch (e) {
      assert.ok(e instanceof TlsParseError, `${label} cut at ${n}: ${String(e)}`);
      continue;
    }
    if (n !== completeAt) assert.fail(`${label} cut at ${n} of ${full.length} decoded without error`);
  }
}

/** Where a ClientHello's extensions block starts: a hello may legally end there (RFC 5246 §7.4.1.2). */
function extensionsStart(ch: Uint8Array): number {
  let at = 2 + 32;
  at += 1 + ch[at]!;
  at += 2 + ((ch[at]! << 8) | ch[at + 1]!);
  return at + 1 + ch[at]!;
}

test('every truncation of a real ClientHello is a TlsParseError', async () => {
  const { clientHello } = await realMessages();
  everyTruncation(clientHello, decodeClientHello, 'ClientHello', extensionsStart(clientHello));
});

test('every truncation of real server and client Certificate messages is a TlsParseError', async () => {
  const { certificate, clientCertificate } = await realMessages();
  everyTruncation(certificate, decodeCertificateMessage, 'server Certificate');
  everyTruncation(clientCertificate, decodeCertificateMessage, 'client Certificate');
});
