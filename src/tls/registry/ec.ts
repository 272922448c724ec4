// IANA TLS EC Point Format and EC Curve Type registries.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-9
//   and #tls-parameters-10 (RFC 8422 §5.1.2, §5.4). Taken 2026-11-26, offline: IANA entries from the
//   registry text, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.handshake.extensions_ec_point_format / server_curve_type).

import type { Registry } from './registry.js';

const POINT_FORMATS = {
  0: 'uncompressed',
  1: 'ansiX962_compressed_prime',
  2: 'ansiX962_compressed_char2',
} as const;

export const EC_POINT_FORMATS: Registry = { title: 'EC point format', names: POINT_FORMATS, width: 2 };

const CURVE_TYPES = {
  1: 'explicit_prime',
  2: 'explicit_char2',
  3: 'named_curve',
} as const;

export const EC_CURVE_TYPES: Registry = { title: 'EC curve type', names: CURVE_TYPES, width: 2 };
