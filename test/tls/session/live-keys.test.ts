// A followed key log (the proxy's --keylog): a session whose ServerHello found no line holds its
// protected records, is not decided while it does, and ends the wait when its keys come
// (keysArrived) or when the proxy says the wait is over (keysOverdue). The bytes are a real
// connection with its key log (captures/keylog/tls13-mtls: openssl s_client with a client
// certificate against s_server -Verify, both -keylogfile), fed as the proxy would, the connection
// left open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { KeyLog } from '../../../src/keylog/parse.js';
import { readKeyLogFile } from '../../../src/keylog/read.js';
import { TlsSession, type SecretsLookup } from '../../../src/tls/session.js';
import { captureStreams } from '../../helpers/streams.js';

const DIR = fileURLToPath(new URL('../../../captures/keylog/', import.meta.url));

/** The capture's connection fed into a live-keys session whose lookup finds keys only once `line.written`. */
async function open(): Promise<{ session: TlsSession; line: { written: boolean }; looks: () => number }> {
  const [stream] = await captureStreams(`${DIR}tls13-mtls.pcap`);
  const log = new KeyLog();
  await readKeyLogFile(`${DIR}tls13-mtls.keys.txt`, log, () => {});
  const line = { written: false };
  let looks = 0;
  const secrets: SecretsLookup = (random) => {
    looks++;
    return line.written ? log.lookup(random) : undefined;
  };
  const session = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 40000 }, { ip: '127.0.0.1', port: 443 }], secrets, liveKeys: true });
  for (const e of stream!.events) session.feed(e.side, e.bytes);
  return { session, line, looks: () => looks };
}

describe('live key log: waiting for the line', () => {
  it('no line yet: the protected records are held, the handshake is not decided, nothing is reported as unreadable', async () => {
    const { session, looks } = await open();
    assert.equal(session.awaitingKeys, true);
    assert.equal(session.decided, false, 'held records are not judged yet');
    assert.ok(looks() > 1, 'looked again with each protected record');
    const c = session.result();
    assert.equal(c.decrypted, false);
    assert.equal(c.decryption, undefined);
  });

  it('keysOverdue without a line: the held records are given up, the reason names the wait, the handshake is decided as without keys', async () => {
    const { session } = await open();
    assert.equal(session.keysOverdue(5000), false);
    assert.equal(session.awaitingKeys, false);
    assert.equal(session.decided, true);
    const c = session.result();
    assert.equal(c.decrypted, false);
    assert.equal(c.decryption, 'no keys: no key-log line for this connection within 5 s');
    assert.equal(c.certificateRequest, undefined);
    assert.ok(c.messages.some((m) => m.encrypted && !m.decrypted), 'the held records are on the ladder, encrypted');
    assert.ok(c.tls13Flight, 'the flight sizes, as without a key log');
    // Over is over: a line written now does not reopen it.
    assert.equal(session.keysOverdue(5000), false);
  });

  it('the wait in the message is in seconds as given', async () => {
    const { session } = await open();
    session.keysOverdue(1500);
    assert.equal(session.result().decryption, 'no keys: no key-log line for this connection within 1.5 s');
  });

  it('keysOverdue when the line came meanwhile: one last look finds it and the held records decrypt', async () => {
    const { session, line } = await open();
    line.written = true;
    assert.equal(session.keysOverdue(5000), true);
    assert.equal(session.awaitingKeys, false);
    assert.equal(session.decided, true);
    const c = session.result();
    assert.equal(c.decrypted, true, c.decryption);
    assert.equal(c.decryption, undefined);
    assert.equal(c.certificateRequest?.requestContext, '');
    assert.equal(c.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
  });

  it('keysArrived before the wait is over: decrypted the same way; keysOverdue afterwards changes nothing', async () => {
    const { session, line } = await open();
    assert.equal(session.keysArrived(), false, 'no line yet');
    line.written = true;
    assert.equal(session.keysArrived(), true);
    assert.equal(session.keysOverdue(5000), false, 'not waiting any more');
    const c = session.result();
    assert.equal(c.decrypted, true);
    assert.equal(c.decryption, undefined);
    assert.ok(c.certificateVerify);
  });
});
