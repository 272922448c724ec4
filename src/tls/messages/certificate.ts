// Certificate (RFC 5246 §7.4.2 / §7.4.6): ASN.1Cert certificate_list<0..2^24-1>.
import type { ByteReader } from '../../bytes/reader.js';
import { MAX_CHAIN_LENGTH } from '../../limits.js';
import type { CertInfo } from '../model.js';
import { decodeCertificate } from '../../x509/certificate.js';

export interface CertificateMessage {
  certificates: CertInfo[];
  /** Certificates beyond MAX_CHAIN_LENGTH, counted but not decoded. */
  skipped: number;
}

export function decodeCertificateMessage(r: ByteReader): CertificateMessage {
  const list = r.vec24('certificate_list');
  const certificates: CertInfo[] = [];
  let skipped = 0;
  while (!list.done) {
    const der = list.vec24(`certificate_list[${certificates.length + skipped}]`).rest();
    if (certificates.length < MAX_CHAIN_LENGTH) certificates.push(decodeCertificate(der));
    else skipped++;
  }
  r.expectEnd('Certificate');
  return { certificates, skipped };
}
