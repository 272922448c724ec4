// Protocol version values seen in record headers, hello versions and supported_versions.
// Source: RFC 6101 (SSL 3.0), RFC 2246/4346/5246/8446 (TLS 1.0-1.3), RFC 4347/6347/9147 (DTLS 1.0/1.2/1.3),
//   draft-ietf-tls-tls13-14..28 (0x7f0e-0x7f1c, 0x7f00 + draft number), SSL 2.0 (0x0002), and the
//   non-standard values Wireshark 4.0.17 knows (`tshark -G values`, tls.handshake.version): Facebook's
//   TLS 1.3 drafts (0xfb17, 0xfb1a), OpenSSL's pre-0.9.8f DTLS (0x0100) and GM/T 0024 GMTLS
//   (0x0101). There is no IANA registry for versions. Taken 2026-11-26. GREASE (RFC 8701) is handled
//   by the registry lookup.

import type { Registry } from './registry.js';

const VERSION_NAMES = {
  0x0002: 'SSL 2.0',
  0x0100: 'DTLS 1.0 (OpenSSL pre 0.9.8f)',
  0x0101: 'GMTLS', // GM/T 0024 (Chinese national TLS variant)
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
  0x7f0e: 'TLS 1.3 (draft 14)',
  0x7f0f: 'TLS 1.3 (draft 15)',
  0x7f10: 'TLS 1.3 (draft 16)',
  0x7f11: 'TLS 1.3 (draft 17)',
  0x7f12: 'TLS 1.3 (draft 18)',
  0x7f13: 'TLS 1.3 (draft 19)',
  0x7f14: 'TLS 1.3 (draft 20)',
  0x7f15: 'TLS 1.3 (draft 21)',
  0x7f16: 'TLS 1.3 (draft 22)',
  0x7f17: 'TLS 1.3 (draft 23)',
  0x7f18: 'TLS 1.3 (draft 24)',
  0x7f19: 'TLS 1.3 (draft 25)',
  0x7f1a: 'TLS 1.3 (draft 26)',
  0x7f1b: 'TLS 1.3 (draft 27)',
  0x7f1c: 'TLS 1.3 (draft 28)',
  0xfb17: 'TLS 1.3 (Facebook draft 23)',
  0xfb1a: 'TLS 1.3 (Facebook draft 26)',
  0xfefc: 'DTLS 1.3',
  0xfefd: 'DTLS 1.2',
  0xfeff: 'DTLS 1.0',
} as const;

export const VERSIONS: Registry = { title: 'protocol version', names: VERSION_NAMES, grease: 'u16', width: 4 };
