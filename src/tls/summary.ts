// One-line summaries of decoded messages for the ladder. Plain strings, no colour:
// renderers decide how to show them.
import type {
  CertInfo,
  CertificateRequest,
  CertificateVerify,
  ClientHello,
  ClientKeyExchange,
  ServerHello,
  ServerKeyExchange,
} from './model.js';

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export function summarizeClientHello(h: ClientHello): string {
  const parts = [h.supportedVersions ? `versions ${h.supportedVersions.map((v) => v.name).join('/')}` : h.version.name];
  if (h.sslv2) parts.push('SSLv2 format');
  parts.push(count(h.cipherSuites.length, 'suite'), count(h.extensions.length, 'extension'));
  if (h.serverName !== undefined) parts.push(`SNI ${h.serverName}`);
  if (h.alpn) parts.push(`ALPN ${h.alpn.join(',')}`);
  return parts.join(', ');
}

export function summarizeServerHello(h: ServerHello): string {
  if (h.helloRetryRequest) {
    return `HelloRetryRequest${h.selectedGroup ? `, group ${h.selectedGroup.name}` : ''}`;
  }
  const parts = [h.selectedVersion.name];
  if (!h.sslv2) parts.push(h.cipherSuite.name);
  if (h.keyShare) parts.push(h.keyShare.group.name);
  if (h.alpn) parts.push(`ALPN ${h.alpn.join(',')}`);
  return parts.join(', ');
}

export function summarizeCertificates(certs: CertInfo[]): string {
  if (certs.length === 0) return 'empty (no certificate)';
  const leaf = certs[0]!;
  const key = leaf.publicKey.curve ?? (leaf.publicKey.bits ? `${leaf.publicKey.bits} bits` : '');
  return `${count(certs.length, 'certificate')}: ${leaf.error ? `unparsable (${leaf.error})` : `${leaf.subject} (${leaf.publicKey.algorithm}${key ? ` ${key}` : ''})`}`;
}

/** RSA, ECDHE… or, before any ServerHello told the cipher suite (a capture joined mid-stream), so. */
function kindText(kind: string): string {
  return kind === 'unknown' ? 'key exchange unknown (no ServerHello)' : kind.toUpperCase();
}

export function summarizeServerKeyExchange(s: ServerKeyExchange): string {
  const parts = [kindText(s.kind)];
  if (s.group) parts.push(s.group.name);
  if (s.dhPrimeBits !== undefined) parts.push(`${s.dhPrimeBits}-bit prime`);
  if (s.rsaModulusBits !== undefined) parts.push(`${s.rsaModulusBits}-bit RSA`);
  if (s.signatureAlgorithm) parts.push(`signed ${s.signatureAlgorithm.name}`);
  return parts.join(', ');
}

export function summarizeCertificateRequest(c: CertificateRequest): string {
  // TLS 1.3 has no certificate_types, but a request context (non-empty after the handshake).
  const parts = c.requestContext !== undefined ? [c.requestContext ? `context ${c.requestContext}` : 'TLS 1.3'] : [`types ${c.certificateTypes.map((t) => t.name).join(',')}`];
  if (c.signatureAlgorithms) parts.push(`sigalgs ${c.signatureAlgorithms.map((s) => s.name).join(',')}`);
  parts.push(count(c.certificateAuthorities.length, 'CA name'));
  return parts.join('; ');
}

export function summarizeCertificateVerify(c: CertificateVerify): string {
  return c.signatureAlgorithm ? c.signatureAlgorithm.name : `${c.signatureLength}-byte signature`;
}

export function summarizeClientKeyExchange(c: ClientKeyExchange): string {
  return `${kindText(c.kind)}, ${c.length} bytes`;
}

/** The ladder summary of an encrypted handshake record after application data (TLS 1.0–1.2). */
export const RENEGOTIATION = 'encrypted handshake after application data: a renegotiation';
