// IANA TLS ClientCertificateType Identifiers registry (CertificateRequest.certificate_types) and
// TLS Certificate Status Types registry (status_request / CertificateStatus).
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-2
//   and https://www.iana.org/assignments/tls-extensiontype-values/tls-extensiontype-values.xhtml#certificate-status
//   (RFC 5246 §7.4.4, RFC 8422 §5.5, RFC 9189, RFC 6066 §8, RFC 6961). Taken 2026-11-26, offline: IANA
//   entries from the registry text, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.handshake.cert_type). IANA's *_RESERVED names (5, 6, 20) are given without the suffix.

import type { Registry } from './registry.js';

const CLIENT_CERT_TYPES = {
  1: 'rsa_sign',
  2: 'dss_sign',
  3: 'rsa_fixed_dh',
  4: 'dss_fixed_dh',
  5: 'rsa_ephemeral_dh', // IANA: rsa_ephemeral_dh_RESERVED
  6: 'dss_ephemeral_dh', // IANA: dss_ephemeral_dh_RESERVED
  20: 'fortezza_dms', // IANA: fortezza_dms_RESERVED
  64: 'ecdsa_sign',
  65: 'rsa_fixed_ecdh',
  66: 'ecdsa_fixed_ecdh',
  67: 'gost_sign256',
  68: 'gost_sign512',
} as const;

export const CLIENT_CERTIFICATE_TYPES: Registry = {
  title: 'client certificate type',
  names: CLIENT_CERT_TYPES,
  width: 2,
};

const STATUS_TYPES = {
  1: 'ocsp',
  2: 'ocsp_multi',
} as const;

export const CERTIFICATE_STATUS_TYPES: Registry = { title: 'certificate status type', names: STATUS_TYPES, width: 2 };
