// One answer per question about a decoded Connection, for everything that reads one: rules,
// fingerprints, diff, the reports and the proxy summary. Before this file several of them worked
// the same things out their own way and did not always agree (which ServerHello is final, which
// versions are TLS 1.3, how a handshake ended).
import type { ClientHello, Connection, Outcome, OutcomeBasis, PublicKeyInfo, ServerHello } from './model.js';
import { isTls13Version } from './session/state.js';

export { isTls13Version } from './session/state.js';

export const TLS13 = 0x0304;

// ---- hellos and versions ---------------------------------------------------------------------

const NO_HELLOS: readonly never[] = Object.freeze([]);

/**
 * The ServerHello that settled the connection: the last one that is not a HelloRetryRequest (a
 * TLS 1.3 HRR comes first, RFC 8446 §4.1.4; a plaintext renegotiation adds a later one).
 */
export function finalServerHello(c: Connection): ServerHello | undefined {
  // A loop, not lists: most rules ask for it on every connection.
  let last = c.serverHello !== undefined && !c.serverHello.helloRetryRequest ? c.serverHello : undefined;
  for (const h of c.additionalServerHellos ?? NO_HELLOS) if (h !== undefined && !h.helloRetryRequest) last = h;
  return last;
}

export function allClientHellos(c: Connection): ClientHello[] {
  return hellos(c.clientHello, c.additionalClientHellos);
}

export function allServerHellos(c: Connection): ServerHello[] {
  return hellos(c.serverHello, c.additionalServerHellos);
}

function hellos<T>(first: T | undefined, more: readonly T[] | undefined): T[] {
  // Almost every connection has one of each: one small array, nothing else.
  if (more === undefined || more.length === 0) return first === undefined ? [] : [first];
  const out = first === undefined ? [] : [first];
  for (const h of more) if (h !== undefined) out.push(h);
  return out;
}

/**
 * Exactly one ClientHello and one ServerHello, both in TLS format (not SSLv2): the common case,
 * which rules check first without building the lists allClientHellos()/allServerHellos() make.
 */
export function oneTlsHelloEach(c: Connection): c is Connection & { clientHello: ClientHello; serverHello: ServerHello } {
  const ch = c.clientHello;
  const sh = c.serverHello;
  return ch !== undefined && sh !== undefined && !ch.sslv2 && !sh.sslv2 && !c.additionalClientHellos?.length && !c.additionalServerHellos?.length;
}

/** TLS 1.0–1.2 negotiated (a ServerHello in TLS record format that did not pick TLS 1.3). */
export function negotiatedPre13(c: Connection): ServerHello | undefined {
  const sh = finalServerHello(c);
  if (!sh || sh.sslv2 || isTls13Version(sh.selectedVersion.code)) return undefined;
  return sh;
}

/** TLS 1.3 (or a draft of it) was negotiated. */
export function negotiatedTls13(c: Connection): boolean {
  const sh = finalServerHello(c);
  return sh !== undefined && !sh.sslv2 && isTls13Version(sh.selectedVersion.code);
}

// ---- how it ended ----------------------------------------------------------------------------

export function outcome(c: Connection): Outcome {
  return c.outcome;
}

/** "failed (inferred)", "complete", "unknown (inferred)": the outcome as the reports print it. */
export function outcomeLabel(c: { outcome: Outcome; outcomeBasis: OutcomeBasis }): string {
  return c.outcomeBasis === 'inferred' ? `${c.outcome} (inferred)` : c.outcome;
}

/** A TLS 1.3 failure that only record sizes show (tlspeek had no keys). */
export function inferredFailure(c: Connection): boolean {
  return c.outcome === 'failed' && c.outcomeBasis === 'inferred';
}

// ---- signature schemes (RFC 8446 §4.2.3; TLS 1.2 pairs: RFC 5246 §7.4.1.4.1) ---------------------

/** TLS 1.2 (hash, signature) pair with a defined hash: MD5..SHA-512 (1..6). */
function pair(code: number, sig: number): boolean {
  const hash = code >> 8;
  return (code & 0xff) === sig && hash >= 1 && hash <= 6;
}

export type RsaSchemeKind = 'pkcs1' | 'pss-rsae' | 'pss-pss';

/**
 * Which RSA signature a scheme is: rsa_pkcs1_* (RSASSA-PKCS1-v1_5, also the legacy md5/sha224
 * pairs), rsa_pss_rsae_* (RSA-PSS with an rsaEncryption key, 0x0804–0x0806) or rsa_pss_pss_*
 * (RSA-PSS with an id-RSASSA-PSS key, 0x0809–0x080b); undefined for anything else.
 */
export function rsaSchemeKind(code: number): RsaSchemeKind | undefined {
  if (pair(code, 1)) return 'pkcs1';
  if (code >= 0x0804 && code <= 0x0806) return 'pss-rsae';
  if (code >= 0x0809 && code <= 0x080b) return 'pss-pss';
  return undefined;
}

export function isRsaPkcs1(code: number): boolean {
  return rsaSchemeKind(code) === 'pkcs1';
}

/** rsa_pss_rsae_* and rsa_pss_pss_*. */
export function isRsaPss(code: number): boolean {
  const k = rsaSchemeKind(code);
  return k === 'pss-rsae' || k === 'pss-pss';
}

/** rsa_pss_rsae_*: RSA-PSS made with an ordinary rsaEncryption key. */
export function isRsaPssRsae(code: number): boolean {
  return rsaSchemeKind(code) === 'pss-rsae';
}

/** The public-key algorithm (as in CertInfo.publicKey.algorithm) that can make this signature. */
export function keyTypesFor(code: number): string[] {
  const rsa = rsaSchemeKind(code);
  if (rsa === 'pkcs1' || rsa === 'pss-rsae') return ['rsa'];
  if (rsa === 'pss-pss') return ['rsa-pss'];
  if (pair(code, 2)) return ['dsa'];
  if (pair(code, 3) || (code >= 0x081a && code <= 0x081c)) return ['ec'];
  if (code === 0x0807) return ['ed25519'];
  if (code === 0x0808) return ['ed448'];
  return [];
}

// ---- certificates ----------------------------------------------------------------------------

/** "rsa 2048 bits", "ec 256 bits prime256v1": a certificate's key as the reports print it. */
export function keyDescription(k: PublicKeyInfo, opts: { upperCase?: boolean } = {}): string {
  const alg = opts.upperCase ? k.algorithm.toUpperCase() : k.algorithm;
  return [alg, k.bits ? `${k.bits} bits` : '', k.curve ?? ''].filter(Boolean).join(' ');
}

// ---- later exchanges ---------------------------------------------------------------------------

export interface ExchangeView {
  /** "renegotiation 1", "post-handshake authentication 1". */
  label: string;
  /** The connection as the client-authentication rules see it in that exchange. */
  view: Connection;
}

/**
 * Each decrypted renegotiation and post-handshake authentication that asked for a client
 * certificate, as a view of the connection with that exchange's CertificateRequest, client
 * certificates and CertificateVerify in the handshake's places: the client-auth rules judge it
 * the same way.
 */
export function exchangeViews(c: Connection): ExchangeView[] {
  const out: ExchangeView[] = [];
  const add = (label: string, x: NonNullable<Connection['renegotiations']>[number]): void => {
    if (!x.certificateRequest) return;
    const view: Connection = { ...c, certificateRequest: x.certificateRequest };
    delete view.renegotiations;
    delete view.postHandshakeAuth;
    if (x.clientHello) view.clientHello = x.clientHello;
    if (x.clientCertificates) view.clientCertificates = x.clientCertificates;
    else delete view.clientCertificates;
    if (x.certificateVerify) view.certificateVerify = x.certificateVerify;
    else delete view.certificateVerify;
    out.push({ label, view });
  };
  c.renegotiations?.forEach((x, i) => add(`renegotiation ${i + 1}`, x));
  c.postHandshakeAuth?.forEach((x, i) => add(`post-handshake authentication ${i + 1}`, x));
  return out;
}
