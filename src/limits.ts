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

/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256 in TLS 1.3. */
export const MAX_TLS13_CIPHERTEXT_RECORD = (1 << 14) + 256;
/** RFC 5246 §6.2.2: TLSCompressed.length MUST NOT exceed 2^14 + 1024 (what a TLS 1.0–1.2 record may decrypt to). */
export const MAX_COMPRESSED_RECORD = (1 << 14) + 1024;
/**
 * Most connections a key log keeps secrets for (by ClientHello random); past it the oldest go
 * first. A browser appending to SSLKEYLOGFILE for a day makes thousands; each entry is ~1 KiB.
 */
export const MAX_KEYLOG_CONNECTIONS = 65_536;
/** Longest key-log line we read (a TLS 1.3 line is ~170 characters; ECH_CONFIG lines carry an ECHConfigList). Longer lines are skipped, not buffered. */
export const MAX_KEYLOG_LINE = 8 * 1024;
/** Most per-line warnings one key-log source prints; the rest are counted in one closing line. */
export const MAX_KEYLOG_WARNINGS = 10;
/** Most distinct unknown key-log labels remembered (each is warned about once). */
export const MAX_KEYLOG_UNKNOWN_LABELS = 64;
/** Largest piece a key log is read in (a file, or the new bytes of a followed one): memory stays flat however big it is. */
export const MAX_KEYLOG_READ = 1 << 20;

/**
 * Protected record bytes one proxied connection holds while the followed key log has no line for
 * it yet (a browser writes its lines as it connects); past it the records are taken as unreadable.
 * A handshake with a long chain, a few NewSessionTickets and the first response fit well within.
 */
export const MAX_HELD_RECORD_BYTES = 256 * 1024;

/**
 * How long a proxied connection waits for its line in a followed key log once its ServerHello
 * found none; then its held records are given up ("no keys: no key-log line for this connection
 * within 5 s") and the connection is reported. A client writes the line when it derives the
 * handshake keys, milliseconds after the ServerHello reaches it and before it sends its next
 * record, so a line that is seconds late is not coming (the client writes its key log elsewhere,
 * or not at all). 5 s leaves room for a loaded machine or a slow disk, and keeps a connection that
 * stays open (a browser's kept-alive one) from going unreported for long.
 */
export const KEY_LOG_WAIT_MS = 5_000;

/** Connections the live page (`proxy --ui`) keeps by default (--ui-keep); past it the oldest go. */
export const UI_DEFAULT_KEEP = 1000;
/**
 * Bytes of pcap the live page keeps per connection for its download: a handshake with a long
 * chain fits many times; application data past it is cut (a gap in the TCP sequence numbers).
 * At the default --ui-keep that is at most 64 MiB.
 */
export const UI_PCAP_BYTES = 64 * 1024;
/**
 * Bytes waiting for one page's event stream before nothing more is queued for it: a stalled page
 * never holds more, and never slows the relay. When the stream drains, it is sent what it missed.
 */
export const UI_CLIENT_QUEUE_BYTES = 1 << 20;
/** How long a page's event stream may stay full before it is closed (its browser reconnects and catches up). */
export const UI_STALLED_CLIENT_MS = 30_000;
/** Pages open at once on the live page's event stream; more are refused (503) until one closes. */
export const UI_MAX_EVENT_STREAMS = 32;
/** Connections one diff, download or report request may name. */
export const UI_MAX_SELECTION = UI_DEFAULT_KEEP;
