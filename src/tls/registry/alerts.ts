// IANA TLS Alerts registry (AlertDescription) and the AlertLevel values.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-6
//   (RFC 5246 §7.2, RFC 8446 §6, RFC 6066, RFC 7301, RFC 7507, RFC 8446bis/RFC 9846, RFC 9146, RFC 9849).
//   Taken 2026-11-26, offline: IANA entries from the registry text, checked against Wireshark 4.0.17
//   (`tshark -G values`, tls.alert_message.desc / .level).
// IANA marks the values TLS 1.3 retired as *_RESERVED; they are named here without the suffix, as the
// TLS 1.2 and earlier peers that send them meant them.

import type { Registry } from './registry.js';

const LEVELS = {
  1: 'warning',
  2: 'fatal',
} as const;

export const ALERT_LEVELS: Registry = { title: 'alert level', names: LEVELS, width: 2 };

const DESCRIPTIONS = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed', // IANA: decryption_failed_RESERVED
  22: 'record_overflow',
  30: 'decompression_failure', // IANA: decompression_failure_RESERVED
  40: 'handshake_failure',
  41: 'no_certificate', // IANA: no_certificate_RESERVED (SSL 3.0)
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  52: 'too_many_cids_requested',
  60: 'export_restriction', // IANA: export_restriction_RESERVED
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation', // IANA: no_renegotiation_RESERVED
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable', // IANA: certificate_unobtainable_RESERVED
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value', // IANA: bad_certificate_hash_value_RESERVED
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  117: 'general_error',
  120: 'no_application_protocol',
  121: 'ech_required',
} as const;

export const ALERT_DESCRIPTIONS: Registry = { title: 'alert description', names: DESCRIPTIONS, width: 2 };
