// IANA TLS Compression Method Identifiers and TLS Certificate Compression Algorithm IDs registries.
// Source: https://www.iana.org/assignments/comp-meth-ids/comp-meth-ids.xhtml (RFC 3749, RFC 3943)
//   and https://www.iana.org/assignments/tls-extensiontype-values/tls-extensiontype-values.xhtml#tls-certificate-compression-algorithm-ids
//   (RFC 8879). Taken 2026-11-26, offline: IANA entries from the registry text, checked against
//   Wireshark 4.0.17 (`tshark -G values`, tls.handshake.comp_method / tls.compress_certificate.algorithm).

import type { Registry } from './registry.js';

const METHODS = {
  0: 'null',
  1: 'DEFLATE',
  64: 'LZS',
} as const;

export const COMPRESSION_METHODS: Registry = { title: 'compression method', names: METHODS, width: 2 };

const CERT_COMPRESSION = {
  1: 'zlib',
  2: 'brotli',
  3: 'zstd',
} as const;

export const CERT_COMPRESSION_ALGORITHMS: Registry = {
  title: 'certificate compression algorithm',
  names: CERT_COMPRESSION,
  width: 4,
};
