// The labels of the SSLKEYLOGFILE format, RFC 9850 ("The SSLKEYLOGFILE Format for TLS", §2 and
// its label sections), which are also the keys of a connection's secrets (ConnectionSecrets in
// session/protection.ts). Data only; here rather than in keylog/ so that tls/ imports nothing above it. A line is `LABEL <client_random hex> <secret hex>`; the client
// random is the 32-byte Random of the ClientHello (the inner one when ECH was accepted).

/** TLS 1.0–1.2: the 48-byte master secret (RFC 5246 §8.1). */
export const CLIENT_RANDOM = 'CLIENT_RANDOM';
/** TLS 1.3 (RFC 8446 §7.1): client_early_traffic_secret, 0-RTT data. */
export const CLIENT_EARLY_TRAFFIC_SECRET = 'CLIENT_EARLY_TRAFFIC_SECRET';
/** TLS 1.3: early_exporter_master_secret. */
export const EARLY_EXPORTER_SECRET = 'EARLY_EXPORTER_SECRET';
/** TLS 1.3: client_handshake_traffic_secret. */
export const CLIENT_HANDSHAKE_TRAFFIC_SECRET = 'CLIENT_HANDSHAKE_TRAFFIC_SECRET';
/** TLS 1.3: server_handshake_traffic_secret. */
export const SERVER_HANDSHAKE_TRAFFIC_SECRET = 'SERVER_HANDSHAKE_TRAFFIC_SECRET';
/** TLS 1.3: client_application_traffic_secret_0. */
export const CLIENT_TRAFFIC_SECRET_0 = 'CLIENT_TRAFFIC_SECRET_0';
/** TLS 1.3: server_application_traffic_secret_0. */
export const SERVER_TRAFFIC_SECRET_0 = 'SERVER_TRAFFIC_SECRET_0';
/** TLS 1.3: exporter_master_secret. */
export const EXPORTER_SECRET = 'EXPORTER_SECRET';

/** What we accept for each label: the secret's length in bytes. */
export interface LabelSpec {
  /** Allowed secret lengths: 48 for a master secret; a TLS 1.3 hash length (SHA-256, SHA-384) otherwise. */
  readonly secretLengths: readonly number[];
}

const TLS13: LabelSpec = { secretLengths: [32, 48] };

export const KEYLOG_LABELS: Readonly<Record<string, LabelSpec>> = {
  [CLIENT_RANDOM]: { secretLengths: [48] },
  [CLIENT_EARLY_TRAFFIC_SECRET]: TLS13,
  [EARLY_EXPORTER_SECRET]: TLS13,
  [CLIENT_HANDSHAKE_TRAFFIC_SECRET]: TLS13,
  [SERVER_HANDSHAKE_TRAFFIC_SECRET]: TLS13,
  [CLIENT_TRAFFIC_SECRET_0]: TLS13,
  [SERVER_TRAFFIC_SECRET_0]: TLS13,
  [EXPORTER_SECRET]: TLS13,
};

/**
 * Labels some writers add that we do not need, read without a warning: OpenSSL 3 logs the
 * application traffic secret after each KeyUpdate as CLIENT_/SERVER_TRAFFIC_SECRET_N (not in
 * RFC 9850); the next secret is derived here from the one before ("traffic upd", RFC 8446 §7.2).
 * OpenSSL (curl, s_client, Node) writes an `RSA` line (pre-master secret keyed by the first 8
 * bytes of the encrypted one, NSS's old form) beside the CLIENT_RANDOM line of every static-RSA
 * handshake; the CLIENT_RANDOM line is the one used.
 */
export const UNUSED_LABELS: ReadonlySet<string> = new Set(['CLIENT_TRAFFIC_SECRET_N', 'SERVER_TRAFFIC_SECRET_N', 'RSA']);

/**
 * RFC 9850's Encrypted Client Hello labels (ECH_SECRET, ECH_CONFIG): noted once and ignored — we
 * do not decrypt the inner ClientHello, and TLS 1.3 lines are keyed by the inner random anyway.
 */
export const ECH_LABEL_PREFIX = 'ECH_';

/** Length of a ClientHello random (RFC 8446 §4.1.2): 32 bytes, 64 hex digits. */
export const CLIENT_RANDOM_LENGTH = 32;
