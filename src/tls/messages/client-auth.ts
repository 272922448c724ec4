// CertificateRequest and CertificateVerify (RFC 5246 §7.4.4, §7.4.8; RFC 4346 §7.4.4).
import type { ByteReader } from '../../bytes/reader.js';
import type { CertificateRequest, CertificateVerify } from '../model.js';
import { codePoint, codePoints } from '../registry/registry.js';
import { CLIENT_CERTIFICATE_TYPES } from '../registry/certificate-types.js';
import { SIGNATURE_SCHEMES } from '../registry/signature-schemes.js';
import { decodeDistinguishedName } from '../../x509/dn.js';
import { FifoMap } from '../../util/fifo-map.js';

/** Most CA names remembered, and the longest DER remembered (a real Name is a few hundred bytes). */
const MAX_NAMES = 1024;
const MAX_NAME_BYTES = 1024;
/** Decoded CA names by their DER (as latin1): a server sends the same list on every connection. */
const knownNames = new FifoMap<string, string>(MAX_NAMES);

export function authorities(r: ByteReader): string[] {
  const list = r.vec16('certificate_authorities');
  const names: string[] = [];
  while (!list.done) {
    const entry = list.vec16(`certificate_authorities[${names.length}]`);
    // The entry's own stream offset and path, so an error points at it (not at offset 0 of the DN).
    const at = entry.offset;
    const der = entry.rest();
    const key = der.length <= MAX_NAME_BYTES ? Buffer.from(der.buffer, der.byteOffset, der.length).toString('latin1') : undefined;
    let name = key === undefined ? undefined : knownNames.get(key);
    if (name === undefined) {
      name = decodeDistinguishedName(der, at, entry.path);
      if (key !== undefined) knownNames.set(key, name);
    }
    names.push(name);
  }
  return names;
}

function decodeAs(r: ByteReader, tls12: boolean): CertificateRequest {
  const certificateTypes = codePoints(CLIENT_CERTIFICATE_TYPES, r.vec8('certificate_types').u8s());
  const req: CertificateRequest = { certificateTypes, certificateAuthorities: [] };
  // Only TLS 1.2 carries supported_signature_algorithms here (RFC 5246 §7.4.4).
  if (tls12) req.signatureAlgorithms = codePoints(SIGNATURE_SCHEMES, r.vec16('supported_signature_algorithms').u16s());
  req.certificateAuthorities = authorities(r);
  r.expectEnd('CertificateRequest');
  return req;
}

/** `tls12` undefined (no ServerHello seen): try the TLS 1.2 layout, then the older one. */
export function decodeCertificateRequest(r: ByteReader, tls12: boolean | undefined): CertificateRequest {
  if (tls12 !== undefined) return decodeAs(r, tls12);
  try {
    return decodeAs(r.fork(), true);
  } catch {
    return decodeAs(r, false);
  }
}

export function decodeCertificateVerify(r: ByteReader, tls12: boolean | undefined): CertificateVerify {
  const is12 = tls12 ?? (r.remaining >= 4 && ((r.peek(2)! << 8) | r.peek(3)!) === r.remaining - 4);
  const cv: CertificateVerify = { signatureLength: 0 };
  if (is12) cv.signatureAlgorithm = codePoint(SIGNATURE_SCHEMES, r.u16('algorithm'));
  cv.signatureLength = r.vec16('signature').remaining;
  r.expectEnd('CertificateVerify');
  return cv;
}
