// Hand-built connections for the rule tests (test/rules/*.test.ts): a clean TLS 1.2 ECDHE-RSA
// handshake with the full chain, and builders for its parts, each overridable field by field.
import { applyRules } from '../../src/rules/index.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { EXTENSION_TYPES } from '../../src/tls/registry/extensions.js';
import { COMPRESSION_METHODS } from '../../src/tls/registry/compression.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from '../../src/tls/registry/alerts.js';
import { HANDSHAKE_TYPES } from '../../src/tls/registry/handshake-types.js';
import type { CertInfo, ClientHello, Connection, LadderEntry, Role, ServerHello } from '../../src/tls/model.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const ids = (c: Connection) => applyRules(c, NOW).map((f) => `${f.id}:${f.severity}`);
export const has = (c: Connection, id: string) => applyRules(c, NOW).filter((f) => f.id === id);

export const stats = () => ({ bytes: 100, preambleBytes: 0, records: { handshake: 1 }, encryptedRecords: 0, encryptedBytes: 0, encrypted: false });

export function cert(over: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=localhost,O=Test',
    issuer: 'CN=Test CA,O=Test',
    serial: '01',
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2035-01-01T00:00:00Z',
    publicKey: { algorithm: 'rsa', oid: '1.2.840.113549.1.1.1', bits: 2048 },
    signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption' },
    san: ['DNS:localhost'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['serverAuth'],
    selfSigned: false,
    sha256: '00',
    length: 900,
    ...over,
  };
}
export const CA = cert({ subject: 'CN=Test CA,O=Test', issuer: 'CN=Test Root,O=Test', san: undefined, extKeyUsage: undefined, basicConstraints: { ca: true } });

export function clientHello(over: Partial<ClientHello> = {}): ClientHello {
  return {
    version: codePoint(VERSIONS, 0x0303),
    random: '00',
    sessionIdLength: 0,
    cipherSuites: codePoints(CIPHER_SUITES, [0xc02f, 0xc030, 0x00ff]),
    compressionMethods: codePoints(COMPRESSION_METHODS, [0]),
    extensions: codePoints(EXTENSION_TYPES, [0, 10, 11, 13, 23]).map((e) => ({ ...e, length: 0 })),
    serverName: 'localhost',
    signatureAlgorithms: codePoints(SIGNATURE_SCHEMES, [0x0403, 0x0804, 0x0401]),
    supportedGroups: [],
    ...over,
  };
}

export function serverHello(over: Partial<ServerHello> = {}): ServerHello {
  return {
    version: codePoint(VERSIONS, 0x0303),
    selectedVersion: codePoint(VERSIONS, 0x0303),
    random: '00',
    sessionIdLength: 0,
    cipherSuite: codePoint(CIPHER_SUITES, 0xc02f),
    compressionMethod: codePoint(COMPRESSION_METHODS, 0),
    extensions: codePoints(EXTENSION_TYPES, [0xff01, 11, 23]).map((e) => ({ ...e, length: 0 })),
    helloRetryRequest: false,
    ...over,
  };
}

export const hs = (from: Role, type: number, length = 10): LadderEntry => ({ from, record: 'handshake', type: codePoint(HANDSHAKE_TYPES, type), length, offset: 0 });

/** A clean TLS 1.2 ECDHE-RSA handshake with the full chain. */
export function conn(over: Partial<Connection> = {}): Connection {
  return {
    source: 'replay',
    id: 1,
    client: '127.0.0.1:50000',
    server: '127.0.0.1:443',
    tls: true,
    version: codePoint(VERSIONS, 0x0303),
    clientHello: clientHello(),
    serverHello: serverHello(),
    certificates: [cert(), CA],
    alerts: [],
    messages: [hs('client', 1), hs('server', 2), hs('server', 11), hs('server', 12), hs('server', 14), hs('client', 16)],
    stats: { client: stats(), server: stats() },
    complete: true,
    decrypted: false,
    outcome: 'complete',
    outcomeBasis: 'seen',
    outcomeDetail: 'both sides sent ChangeCipherSpec and Finished',
    errors: [],
    ...over,
    // A test that says complete: false means what the decoder would say then.
    ...(over.complete === false && over.outcome === undefined
      ? { outcome: over.alerts?.some((a) => a.level?.code === 2) ? ('failed' as const) : ('incomplete' as const), outcomeDetail: '' }
      : {}),
  };
}

export const sig = (codes: number[]) => codePoints(SIGNATURE_SCHEMES, codes);
export const alert = (from: Role, desc: number, offset: number) => ({
  from,
  level: codePoint(ALERT_LEVELS, 2),
  description: codePoint(ALERT_DESCRIPTIONS, desc),
  encrypted: false,
  offset,
});
