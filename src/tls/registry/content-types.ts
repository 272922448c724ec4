// IANA TLS ContentType registry.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-5
//   (RFC 5246 §6.2.1, RFC 8446 §5.1, RFC 6520, RFC 9146, RFC 9147). Taken 2026-11-26, offline: IANA
//   entries from the registry text, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.record.content_type).

import type { Registry } from './registry.js';

const CONTENT = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  24: 'heartbeat',
  25: 'tls12_cid',
  26: 'ack',
} as const;

export const CONTENT_TYPES: Registry = { title: 'content type', names: CONTENT, width: 2 };
