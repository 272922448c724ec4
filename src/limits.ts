// Every cap tlspeek enforces, named once. Hitting one is reported for that
// connection (a LimitExceeded error) and the rest of the input goes on.

/** RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT_RECORD = 1 << 14;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_CIPHERTEXT_RECORD = (1 << 14) + 2048;

/** Largest handshake message we reassemble (a 360 KB chain is real; 16 MB is not). */
export const MAX_HANDSHAKE_MESSAGE = 1 << 20;
/** Largest single certificate we hand to the X.509 decoder. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;
/** Most certificates we decode from one Certificate message. */
export const MAX_CHAIN_LENGTH = 32;
/** Most extensions we list from one hello. */
export const MAX_EXTENSIONS = 256;
/** How far into a non-TLS stream we look for a hello (STARTTLS, CONNECT, SOCKS preambles). */
export const MAX_PLAINTEXT_SCAN = 64 * 1024;
/** Most ladder entries kept per connection; the rest are only counted. */
export const MAX_LADDER_ENTRIES = 256;
/** Most errors kept per connection. */
export const MAX_ERRORS = 32;
/** Most ClientHellos (and, separately, ServerHellos) kept per connection; later ones are counted and reported. */
export const MAX_HELLOS = 16;
/** Longest list in a reported connection (cipher suites, groups, CA names, SANs, ...); the rest is cut and reported. */
export const MAX_OUTPUT_LIST = 512;
/** Longest string in a reported connection (SNI, DNs, hex fields, error texts); the rest is cut and reported. */
export const MAX_OUTPUT_STRING = 1024;
