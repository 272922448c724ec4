// post-handshake-auth-unavailable: a decrypted TLS 1.3 post-handshake CertificateRequest sent to a
// client whose ClientHello did not offer post_handshake_auth (RFC 8446 §4.2.6 forbids it).
//
// No capture of it can be recorded with real peers: OpenSSL's SSL_verify_client_post_handshake
// (Apache httpd, openssl s_server, Node, Python) and GnuTLS refuse to send the request to such a
// client — Apache answers 403 inside the application data instead, nothing on the wire. So the
// connection here is the real capture captures/apache-pha-location.pcap (curl, which offers
// post_handshake_auth, asked by Apache's <Location> SSLVerifyClient after the handshake), replayed
// with its key log, and its decoded model then MODIFIED: post_handshake_auth taken out of the
// ClientHello, and in one case the client's answer replaced by the unexpected_message alert the RFC
// asks for. The silent case is a real, unmodified capture: Chromium (no post_handshake_auth),
// TLS 1.3, decrypted, no CertificateRequest.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { replayFile } from '../../src/app/replay.js';
import { loadKeyLogs } from '../../src/app/keys.js';
import { applyRules } from '../../src/rules/index.js';
import { rule } from '../../src/rules/client-auth/post-handshake-auth-unavailable.js';
import type { Connection } from '../../src/tls/model.js';

const DIR = new URL('../../captures/', import.meta.url).pathname;

async function replayWithKeys(pcap: string, keys: string): Promise<Connection> {
  const secrets = (await loadKeyLogs([DIR + keys], () => {})).lookup;
  const out: Connection[] = [];
  const r = await replayFile(DIR + pcap, {}, { connection: (c) => out.push(c), warning: () => {} }, { secrets });
  assert.ok(r.ok, r.error);
  assert.equal(out.length, 1);
  return out[0]!;
}

/** The same connection as if the client had not offered post_handshake_auth (extension 49). */
function withoutPha(c: Connection): Connection {
  const m = structuredClone(c);
  delete m.clientHello!.postHandshakeAuth;
  m.clientHello!.extensions = m.clientHello!.extensions.filter((e) => e.code !== 49);
  return m;
}

/** …and the client answering the post-handshake CertificateRequest with a fatal unexpected_message alert instead of its certificate. */
function refusedWithAlert(c: Connection): Connection {
  const m = withoutPha(c);
  const cr = m.messages.findIndex((x) => x.from === 'server' && x.type?.name === 'certificate_request');
  const answer = m.messages[cr + 1]!;
  assert.equal(answer.type?.name, 'certificate', "the capture's answer: the client's Certificate");
  const alert = { from: 'client' as const, level: { code: 2, name: 'fatal' }, description: { code: 10, name: 'unexpected_message' }, encrypted: true, decrypted: true as const, after: 'certificate_request', offset: answer.offset };
  // The client's Certificate, CertificateVerify and Finished become one alert; the rest of the client's records are dropped.
  m.messages = [...m.messages.slice(0, cr + 1), { from: 'client', record: 'alert', length: 2, offset: answer.offset, encrypted: true, decrypted: true }, ...m.messages.slice(cr + 1).filter((x) => x.from === 'server' && x.record !== 'alert')];
  m.alerts = [alert];
  m.postHandshakeAuth = [{ certificateRequest: m.postHandshakeAuth![0]!.certificateRequest! }];
  return m;
}

describe('post-handshake-auth-unavailable', () => {
  let pha: Connection;
  let chromium: Connection;
  before(async () => {
    pha = await replayWithKeys('apache-pha-location.pcap', 'apache-pha-location.keys');
    chromium = await replayWithKeys('keylog/chromium-tls13.pcap', 'keylog/chromium-tls13.keys.txt');
  });

  it('the real capture: curl offered post_handshake_auth, so the request was allowed — silent', () => {
    assert.equal(pha.clientHello?.postHandshakeAuth, true);
    assert.ok(pha.postHandshakeAuth?.[0]?.certificateRequest, 'the post-handshake CertificateRequest, decrypted');
    assert.deepEqual(rule.check(pha, { now: new Date(pha.startTime!) }), []);
  });

  it('modified: the same request to a client that did not offer it, the client going along: a warning', () => {
    const c = withoutPha(pha);
    const found = applyRules(c, new Date(c.startTime!));
    const f = found.find((x) => x.id === 'post-handshake-auth-unavailable');
    assert.ok(f, found.map((x) => x.id).join(', '));
    assert.equal(f.severity, 'warning');
    assert.match(f.detail, /^Post-handshake CertificateRequest 1 \(context [0-9a-f]+\) was sent although the ClientHello did not offer post_handshake_auth; the client answered with CN=client-rsa,O=tlspeek test PKI \(it went along/);
    assert.match(f.detail, /RFC 8446 §4\.2\.6/);
    assert.match(f.fix ?? '', /^Apache httpd: SSLVerifyClient require \(or optional\) for the whole VirtualHost/);
    assert.ok(found.some((x) => x.id === 'post-handshake-auth'), 'post-handshake-auth still says what was asked and answered');
  });

  it('modified: the client refuses with unexpected_message, as RFC 8446 §4.6.2 says: an error, and the cause', () => {
    const c = refusedWithAlert(pha);
    const found = applyRules(c, new Date(c.startTime!));
    const f = found.find((x) => x.id === 'post-handshake-auth-unavailable');
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /the client answered with a fatal unexpected_message alert, as RFC 8446 §4\.6\.2 tells it to\./);
    assert.equal(found[0]?.id, 'post-handshake-auth-unavailable', 'the primary finding');
  });

  it('a decrypted TLS 1.3 handshake without a CertificateRequest, the client without post_handshake_auth (Chromium): nothing raised', () => {
    assert.equal(chromium.decrypted, true, chromium.decryption);
    assert.equal(chromium.version?.code, 0x0304);
    assert.notEqual(chromium.clientHello?.postHandshakeAuth, true, 'Chromium does not offer post_handshake_auth');
    assert.equal(chromium.certificateRequest, undefined);
    const ids = applyRules(chromium, new Date(chromium.startTime!)).map((x) => x.id);
    assert.ok(!ids.includes('post-handshake-auth-unavailable'), ids.join(', '));
    assert.ok(!ids.includes('post-handshake-auth'), ids.join(', '));
  });
});
