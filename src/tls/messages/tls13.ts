// The TLS 1.3 messages only a key log shows (RFC 8446 §4.3–§4.7): EncryptedExtensions,
// CertificateRequest and Certificate in their 1.3 layouts, Finished, NewSessionTicket, KeyUpdate.
// CertificateVerify has the TLS 1.2 layout (client-auth.ts).
import type { ByteReader } from '../../bytes/reader.js';
import { MAX_CHAIN_LENGTH } from '../../limits.js';
import type { CertInfo, CertificateRequest, CodePoint, Extension, HelloExtensionValues } from '../model.js';
import { codePoints } from '../registry/registry.js';
import { EXTENSION_TYPES } from '../registry/extensions.js';
import { SIGNATURE_SCHEMES } from '../registry/signature-schemes.js';
import { decodeExtensions } from '../extensions/index.js';
import { decodeCertificate } from '../../x509/certificate.js';
import { authorities } from './client-auth.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** RFC 8446 §4.3.1: the server's extensions that are not in the ServerHello. */
export interface EncryptedExtensions extends HelloExtensionValues {
  extensions: Extension[];
}

export function decodeEncryptedExtensions(r: ByteReader): EncryptedExtensions {
  // The server-side decoders read these as they read a ServerHello's (server_name's empty ack, the ALPN selected, …).
  const out: EncryptedExtensions = { extensions: [] };
  out.extensions = decodeExtensions(r, 'server_hello', out);
  r.expectEnd('EncryptedExtensions');
  return out;
}

/**
 * RFC 8446 §4.3.2: certificate_request_context<0..2^8-1>, extensions<2..2^16-1>
 * (signature_algorithms required; signature_algorithms_cert, certificate_authorities, oid_filters).
 * The model's certificateTypes stays empty: TLS 1.3 has none.
 */
export function decodeCertificateRequest13(r: ByteReader): CertificateRequest {
  const context = hex(r.vec8('certificate_request_context').rest());
  const req: CertificateRequest = { certificateTypes: [], certificateAuthorities: [], requestContext: context };
  const block = r.vec16('extensions');
  const types: number[] = [];
  while (!block.done) {
    const type = block.u16(`extensions[${types.length}].extension_type`);
    const body = block.vec16(`extensions[${types.length}](0x${type.toString(16).padStart(4, '0')})`);
    types.push(type);
    switch (type) {
      case 13:
        req.signatureAlgorithms = codePoints(SIGNATURE_SCHEMES, body.vec16('supported_signature_algorithms').u16s());
        break;
      case 50:
        req.signatureAlgorithmsCert = codePoints(SIGNATURE_SCHEMES, body.vec16('supported_signature_algorithms_cert').u16s());
        break;
      case 47:
        req.certificateAuthorities = authorities(body);
        break;
      default:
        body.rest();
    }
    body.expectEnd();
  }
  req.extensions = codePoints(EXTENSION_TYPES, types) as readonly CodePoint[];
  r.expectEnd('CertificateRequest');
  return req;
}

export interface Certificate13 {
  requestContext: string;
  certificates: CertInfo[];
  skipped: number;
}

/** RFC 8446 §4.4.2: certificate_request_context, then CertificateEntry { cert_data<1..2^24-1>, extensions<0..2^16-1> }. */
export function decodeCertificate13(r: ByteReader): Certificate13 {
  const requestContext = hex(r.vec8('certificate_request_context').rest());
  const list = r.vec24('certificate_list');
  const certificates: CertInfo[] = [];
  let skipped = 0;
  while (!list.done) {
    const i = certificates.length + skipped;
    const der = list.vec24(`certificate_list[${i}].cert_data`).rest();
    list.vec16(`certificate_list[${i}].extensions`).rest();
    if (certificates.length < MAX_CHAIN_LENGTH) certificates.push(decodeCertificate(der));
    else skipped++;
  }
  r.expectEnd('Certificate');
  return { requestContext, certificates, skipped };
}

/** RFC 8446 §4.4.4 / RFC 5246 §7.4.9: verify_data, as long as the suite's hash (12 bytes before TLS 1.3). */
export function decodeFinished(r: ByteReader): { length: number } {
  return { length: r.rest().length };
}

/** RFC 8446 §4.6.1. */
export function decodeNewSessionTicket13(r: ByteReader): { lifetime: number; ticketLength: number } {
  const lifetime = r.u32('ticket_lifetime');
  r.u32('ticket_age_add');
  r.vec8('ticket_nonce').rest();
  const ticketLength = r.vec16('ticket').remaining;
  r.vec16('extensions').rest();
  r.expectEnd('NewSessionTicket');
  return { lifetime, ticketLength };
}

/** RFC 8446 §4.6.3: request_update 0 (update_not_requested) or 1 (update_requested). */
export function decodeKeyUpdate(r: ByteReader): { requestUpdate: boolean } {
  const v = r.u8('request_update');
  if (v > 1) r.fail(`request_update ${v} (want 0 or 1)`);
  r.expectEnd('KeyUpdate');
  return { requestUpdate: v === 1 };
}
