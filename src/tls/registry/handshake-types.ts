// IANA TLS HandshakeType registry, plus the SSL 2.0 message types.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-7
//   (RFC 5246 §7.4, RFC 8446 §4, RFC 6347, RFC 9147, RFC 6066, RFC 4680, RFC 8879, RFC 8870, RFC 5077),
//   and SSL 2.0 (draft-hickman-netscape-ssl-00 §2.6) for SSLV2_MESSAGE_TYPES. Taken 2026-11-26, offline:
//   IANA entries from the registry text, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.handshake.type). IANA's *_RESERVED names (values TLS 1.3 retired) are given without the suffix;
//   67 next_protocol (NPN) is not IANA.

import type { Registry } from './registry.js';

const HANDSHAKE = {
  0: 'hello_request',
  1: 'client_hello',
  2: 'server_hello',
  3: 'hello_verify_request',
  4: 'new_session_ticket',
  5: 'end_of_early_data',
  6: 'hello_retry_request',
  8: 'encrypted_extensions',
  9: 'request_connection_id',
  10: 'new_connection_id',
  11: 'certificate',
  12: 'server_key_exchange',
  13: 'certificate_request',
  14: 'server_hello_done',
  15: 'certificate_verify',
  16: 'client_key_exchange',
  17: 'client_certificate_request',
  20: 'finished',
  21: 'certificate_url',
  22: 'certificate_status',
  23: 'supplemental_data',
  24: 'key_update',
  25: 'compressed_certificate',
  26: 'ekt_key',
  67: 'next_protocol', // not IANA (NPN)
  254: 'message_hash',
} as const;

export const HANDSHAKE_TYPES: Registry = { title: 'handshake type', names: HANDSHAKE, width: 2 };

/** SSL 2.0 message types (first byte of an SSLv2 record body). */
const SSLV2 = {
  0: 'error',
  1: 'client_hello',
  2: 'client_master_key',
  3: 'client_finished',
  4: 'server_hello',
  5: 'server_verify',
  6: 'server_finished',
  7: 'request_certificate',
  8: 'client_certificate',
} as const;

export const SSLV2_MESSAGE_TYPES: Registry = { title: 'SSLv2 message type', names: SSLV2, width: 2 };
