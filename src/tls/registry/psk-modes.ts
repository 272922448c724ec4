// IANA TLS PskKeyExchangeMode registry and the Heartbeat Modes registry.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-pskkeyexchangemode
//   (RFC 8446 §4.2.9; single-byte GREASE per RFC 8701 §2) and
//   https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#heartbeat-modes (RFC 6520).
//   Taken 2026-11-26, offline: IANA entries from the registry text, checked against Wireshark 4.0.17
//   (`tshark -G values`, tls.extension.psk_ke_mode / tls.handshake.extension.heartbeat.mode).

import type { Registry } from './registry.js';

const PSK_MODES = {
  0: 'psk_ke',
  1: 'psk_dhe_ke',
} as const;

export const PSK_KEY_EXCHANGE_MODES: Registry = {
  title: 'PSK key exchange mode',
  names: PSK_MODES,
  grease: 'u8',
  width: 2,
};

const HEARTBEAT = {
  1: 'peer_allowed_to_send',
  2: 'peer_not_allowed_to_send',
} as const;

export const HEARTBEAT_MODES: Registry = { title: 'heartbeat mode', names: HEARTBEAT, width: 2 };
