// NewSessionTicket (RFC 5077 §3.3) and CertificateStatus (RFC 6066 §8).
import type { ByteReader } from '../../bytes/reader.js';
import type { CertificateStatus, NewSessionTicket } from '../model.js';

export function decodeNewSessionTicket(r: ByteReader): NewSessionTicket {
  const lifetime = r.u32('ticket_lifetime_hint');
  const ticketLength = r.vec16('ticket').remaining;
  r.expectEnd('NewSessionTicket');
  return { lifetime, ticketLength };
}

/** RFC 6960 §4.2.1 OCSPResponseStatus. */
const OCSP_RESPONSE_STATUS: Record<number, string> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

/**
 * OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT … OPTIONAL }.
 * Only the status is read; the response itself is not ours to judge.
 */
function ocspResponseStatus(der: ByteReader): string {
  if (der.u8('OCSPResponse.tag') !== 0x30) der.fail('OCSPResponse is not a SEQUENCE');
  const len = der.u8('OCSPResponse.length');
  if (len & 0x80) der.skip(len & 0x7f, 'OCSPResponse.length');
  if (der.u8('responseStatus.tag') !== 0x0a || der.u8('responseStatus.length') !== 1) {
    der.fail('responseStatus is not a one-byte ENUMERATED');
  }
  const status = der.u8('responseStatus');
  der.rest();
  return OCSP_RESPONSE_STATUS[status] ?? `unknown (${status})`;
}

export function decodeCertificateStatus(r: ByteReader): CertificateStatus {
  const type = r.u8('status_type');
  const body = type === 1 ? r.vec24('OCSPResponse') : r.sub(r.remaining);
  const status: CertificateStatus = { type, length: body.remaining };
  if (type === 1) status.responseStatus = ocspResponseStatus(body);
  r.expectEnd('CertificateStatus');
  return status;
}
