// SSL 2.0 CIPHER-KIND values (24-bit cipher specs in an SSLv2 CLIENT-HELLO).
// Source: draft-hickman-netscape-ssl-00 (1995) appendix A and RFC 5246 appendix E.2 (there is no IANA
//   registry). Taken 2026-11-26, checked against Wireshark 4.0.17 (`tshark -G values`,
//   tls.handshake.cipherspec). A spec 0x00XXXX is a TLS cipher suite; callers look those up in
//   CIPHER_SUITES themselves.

import type { Registry } from './registry.js';

const SPECS = {
  0x010080: 'SSL_CK_RC4_128_WITH_MD5',
  0x020080: 'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
  0x030080: 'SSL_CK_RC2_128_CBC_WITH_MD5',
  0x040080: 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5',
  0x050080: 'SSL_CK_IDEA_128_CBC_WITH_MD5',
  0x060040: 'SSL_CK_DES_64_CBC_WITH_MD5',
  0x0700c0: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5',
  0x080080: 'SSL_CK_RC4_64_WITH_MD5',
} as const;

export const SSLV2_CIPHER_SPECS: Registry = { title: 'SSLv2 cipher spec', names: SPECS, width: 6 };
