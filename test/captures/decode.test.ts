// tlspeek's decode of every capture recorded here (scripts/make-captures.sh) against the values
// known from how each was made: captures/manifest.json, written from the server and client
// command lines and configurations, not from tlspeek's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import type { CertInfo, Connection } from '../../src/tls/model.js';

const DIR = fileURLToPath(new URL('../../captures/', import.meta.url));

interface ManifestAlert {
  from: 'client' | 'server';
  level: string;
  description: string;
  code: number;
  encrypted?: boolean;
}

interface Entry {
  file: string;
  connections: number;
  sni: string | null;
  versionCode: number | null;
  cipherSuiteCode: number | null;
  helloRetryRequest: boolean;
  helloRetryGroup?: number;
  serverKey: { type: string; bits: number; curve?: string } | null;
  serverChain: string[] | null;
  serverKeyExchangeSigalg: number | null;
  keyExchangeGroup?: number;
  certificateRequest: 'none' | 'plaintext' | 'encrypted';
  certificateRequestSigalgs: number[] | null;
  certificateRequestCAs?: string[];
  clientCertificate: 'none' | 'sent' | 'empty' | 'encrypted';
  clientCertSubject: string | null;
  clientCertChain?: string[];
  certificateVerifySigalg: number | null;
  alerts: ManifestAlert[];
  handshakeComplete: boolean;
  /** How it ended and how tlspeek can know it (known from how the capture was made). */
  outcome?: string;
  outcomeBasis?: 'seen' | 'inferred';
  /** A TLS 1.3 alert that was sent encrypted: known from the sender, not on the wire. */
  hiddenAlert?: { from: 'client' | 'server'; description: string; code: number };
  dhPrimeBits?: number;
  maxRecordPayload?: number;
}

const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { captures: Entry[] };

const KEY_TYPES: Record<string, string> = { RSA: 'rsa', EC: 'ec', Ed25519: 'ed25519', 'RSA-PSS': 'rsa-pss' };
const CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/** The CN of an RFC 4514 name (our subjects) — the manifest lists chains by CN. */
const cn = (dn: string) => /(?:^|,)CN=([^,]*)/.exec(dn)?.[1] ?? dn;
const cns = (certs: CertInfo[] | undefined) => certs?.map((c) => cn(c.subject));

async function decode(file: string): Promise<Connection[]> {
  const conns: Connection[] = [];
  const r = await replayFile(DIR + file, {}, { connection: (c) => conns.push(c), warning: () => {} });
  assert.ok(r.ok, r.error);
  return conns;
}

test('the manifest lists every capture', () => {
  assert.ok(manifest.captures.length >= 30);
});

for (const m of manifest.captures) {
  test(`${m.file}: decoded as it was made`, async () => {
    const conns = await decode(m.file);
    assert.equal(conns.length, m.connections, 'connections');
    const c = conns[0]!;
    assert.equal(c.errors.length, 0, JSON.stringify(c.errors));
    if (m.versionCode === null && m.sni === null) {
      assert.equal(c.tls, false, 'not TLS');
      assert.match(c.notTls ?? '', /HTTP request/);
      return;
    }
    assert.equal(c.clientHello?.serverName ?? null, m.sni, 'SNI');
    assert.equal(c.version?.code ?? null, m.versionCode, 'negotiated version');
    const hellos = [c.serverHello, ...(c.additionalServerHellos ?? [])];
    const final = hellos.find((h) => h && !h.helloRetryRequest);
    assert.equal(final?.cipherSuite.code ?? null, m.cipherSuiteCode, 'cipher suite');
    const hrr = hellos.find((h) => h?.helloRetryRequest);
    assert.equal(Boolean(hrr), m.helloRetryRequest, 'HelloRetryRequest');
    if (m.helloRetryGroup !== undefined) assert.equal(hrr?.selectedGroup?.code, m.helloRetryGroup);

    // Server chain: visible in TLS 1.2 and earlier only.
    assert.deepEqual(cns(c.certificates) ?? null, m.serverChain, 'server chain');
    if (m.serverChain && m.serverKey) {
      const key = c.certificates![0]!.publicKey;
      assert.equal(key.algorithm, KEY_TYPES[m.serverKey.type], 'server key type');
      assert.equal(key.bits, m.serverKey.bits, 'server key bits');
      if (m.serverKey.curve) assert.equal(key.curve, CURVES[m.serverKey.curve]);
    }
    assert.equal(c.serverKeyExchange?.signatureAlgorithm?.code ?? null, m.serverKeyExchangeSigalg, 'SKE sigalg');
    if (m.keyExchangeGroup !== undefined) {
      assert.equal(c.serverKeyExchange?.group?.code ?? final?.keyShare?.group.code, m.keyExchangeGroup, 'key exchange group');
    }
    if (m.dhPrimeBits !== undefined) assert.equal(c.serverKeyExchange?.dhPrimeBits, m.dhPrimeBits, 'DH prime bits');

    // Client authentication, the reason tlspeek exists.
    assert.equal(c.certificateRequest !== undefined, m.certificateRequest === 'plaintext', 'CertificateRequest visible');
    assert.deepEqual(c.certificateRequest?.signatureAlgorithms?.map((s) => s.code) ?? null, m.certificateRequestSigalgs, 'CertificateRequest sigalgs, in order');
    if (m.certificateRequestCAs) assert.deepEqual(c.certificateRequest?.certificateAuthorities.map(cn), m.certificateRequestCAs, 'CA names');
    const clientCert = c.clientCertificates === undefined ? 'none' : c.clientCertificates.length === 0 ? 'empty' : 'sent';
    assert.equal(clientCert, m.clientCertificate === 'encrypted' ? 'none' : m.clientCertificate, 'client Certificate');
    // In TLS 1.3 the client's certificate is encrypted: the manifest knows it, the wire does not show it.
    assert.equal(c.clientCertificates?.[0]?.subject ?? null, m.clientCertificate === 'encrypted' ? null : m.clientCertSubject, 'client certificate subject');
    if (m.clientCertChain) assert.deepEqual(cns(c.clientCertificates), m.clientCertChain, 'client chain');
    assert.equal(c.certificateVerify?.signatureAlgorithm?.code ?? null, m.certificateVerifySigalg, 'CertificateVerify sigalg');

    // Plaintext alerts exactly and in order; encrypted ones only by direction (their order varies between runs).
    assert.deepEqual(
      c.alerts.filter((a) => !a.encrypted).map((a) => [a.from, a.level?.name, a.description?.code]),
      m.alerts.filter((a) => !a.encrypted).map((a) => [a.from, a.level, a.code]),
      'plaintext alerts',
    );
    assert.deepEqual(
      [...new Set(c.alerts.filter((a) => a.encrypted).map((a) => a.from))].sort(),
      [...new Set(m.alerts.filter((a) => a.encrypted).map((a) => a.from))].sort(),
      'encrypted alerts by sender',
    );
    assert.equal(c.complete, m.handshakeComplete, 'handshake complete');
    if (m.outcome !== undefined) assert.deepEqual([c.outcome, c.outcomeBasis], [m.outcome, m.outcomeBasis], 'outcome');
    if (m.hiddenAlert) {
      // The refusal is an encrypted alert: no plaintext one, and the sender's single alert-sized record closes the exchange.
      assert.equal(c.alerts.filter((a) => !a.encrypted).length, 0);
      assert.equal(c.tls13Flight?.serverRecords, m.hiddenAlert.from === 'server' ? 1 : 0);
      assert.equal(c.tls13Flight?.serverFirstLength, 2 + 1 + 16, 'an alert, its content type and the GCM tag');
    }
    if (m.maxRecordPayload !== undefined) {
      const cert = c.messages.find((x) => x.type?.name === 'certificate' && x.from === 'server');
      assert.ok(cert && cert.length > m.maxRecordPayload, 'the Certificate message is longer than one record and was reassembled');
    }
  });
}
