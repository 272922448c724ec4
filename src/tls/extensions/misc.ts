// Extensions that are flags or opaque blobs: we report presence and sizes, never contents.
import type { ExtensionDecoder } from './types.js';

/** RFC 6066 §8: CertificateStatusRequest; the ServerHello echoes it empty. */
export const statusRequest: ExtensionDecoder = (r, kind, out) => {
  if (kind !== 'client_hello' && r.done) {
    out.statusRequest = { type: 0 };
    return;
  }
  const type = r.u8('status_type');
  if (type === 1) {
    r.vec16('responder_id_list');
    r.vec16('request_extensions');
  } else {
    r.rest();
  }
  out.statusRequest = { type };
};

/** RFC 5077 §3.2: an empty or opaque ticket. */
export const sessionTicket: ExtensionDecoder = (r, _kind, out) => {
  out.sessionTicket = { length: r.rest().length };
};

/** RFC 7627 §5.1: empty. */
export const extendedMasterSecret: ExtensionDecoder = (_r, _kind, out) => {
  out.extendedMasterSecret = true;
};

/** RFC 7366 §2: empty. */
export const encryptThenMac: ExtensionDecoder = (_r, _kind, out) => {
  out.encryptThenMac = true;
};

/** RFC 5746 §3.2: opaque renegotiated_connection<0..255>; empty on an initial handshake. */
export const renegotiationInfo: ExtensionDecoder = (r, _kind, out) => {
  out.renegotiationInfo = { length: r.vec8('renegotiated_connection').remaining };
};

/** RFC 7685 §3: zero bytes of any length. */
export const padding: ExtensionDecoder = (r, _kind, out) => {
  out.padding = { length: r.rest().length };
};

/** RFC 8449 §4: uint16 RecordSizeLimit. */
export const recordSizeLimit: ExtensionDecoder = (r, _kind, out) => {
  out.recordSizeLimit = r.u16('RecordSizeLimit');
};

/** RFC 6520 §2: HeartbeatMode mode. */
export const heartbeat: ExtensionDecoder = (r, _kind, out) => {
  out.heartbeat = { mode: r.u8('mode') };
};

/** RFC 6962 §3.3.1: empty in ClientHello, a SignedCertificateTimestampList from the server. */
export const signedCertificateTimestamp: ExtensionDecoder = (r, _kind, out) => {
  out.signedCertificateTimestamp = { length: r.rest().length };
};

/** draft-ietf-tls-esni: we note presence and size only (the inner hello is encrypted). */
export const encryptedClientHello: ExtensionDecoder = (r, _kind, out) => {
  out.encryptedClientHello = { length: r.rest().length };
};
