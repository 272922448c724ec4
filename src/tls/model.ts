// The decoded-connection model: plain, JSON-serialisable data shared by replay,
// proxy, rules, diff and every renderer. `--json` prints exactly these objects
// (schema/connection.schema.json). Code points are {code, name} objects that the
// registries intern; nothing here is a class instance.

import type { CertInfo } from '../x509/model.js';

// The certificate model lives in x509/; re-exported for the modules that read it with the rest.
export type { CertInfo, PublicKeyInfo } from '../x509/model.js';

export interface CodePoint {
  readonly code: number;
  /** IANA name; "GREASE" for RFC 8701 values; "unknown (0x…)" otherwise. */
  readonly name: string;
}

export type Role = 'client' | 'server';

/** An extension as it appeared on the wire, in order. */
export interface Extension extends CodePoint {
  /** Length of extension_data. */
  readonly length: number;
  /** Set when extension_data did not parse; the hello is still reported. */
  error?: string;
}

export interface KeyShareEntry {
  group: CodePoint;
  keyLength: number;
}

/** Decoded extension values common to the hellos (present only when the extension was). */
export interface HelloExtensionValues {
  serverName?: string;
  alpn?: string[];
  supportedGroups?: readonly CodePoint[];
  ecPointFormats?: readonly CodePoint[];
  signatureAlgorithms?: readonly CodePoint[];
  signatureAlgorithmsCert?: readonly CodePoint[];
  /** status_request (RFC 6066 §8): status_type, 1 = ocsp. */
  statusRequest?: { type: number };
  pskKeyExchangeModes?: readonly CodePoint[];
  sessionTicket?: { length: number };
  extendedMasterSecret?: boolean;
  renegotiationInfo?: { length: number };
  encryptThenMac?: boolean;
  padding?: { length: number };
  recordSizeLimit?: number;
  compressCertificate?: readonly CodePoint[];
  cookie?: { length: number };
  certificateAuthorities?: string[];
  postHandshakeAuth?: boolean;
  earlyData?: boolean;
  heartbeat?: { mode: number };
  signedCertificateTimestamp?: { length: number };
  encryptedClientHello?: { length: number };
}

export interface ClientHello extends HelloExtensionValues {
  /** legacy_version (client_version before TLS 1.3). */
  version: CodePoint;
  random: string;
  sessionIdLength: number;
  cipherSuites: readonly CodePoint[];
  compressionMethods: readonly CodePoint[];
  extensions: Extension[];
  supportedVersions?: readonly CodePoint[];
  keyShares?: KeyShareEntry[];
  preSharedKey?: { identities: number };
  /** Set when the hello came in SSLv2 record format (RFC 5246 appendix E.2). */
  sslv2?: boolean;
  /** SSLv2 24-bit cipher specs, for an SSLv2-format hello. */
  cipherSpecs?: readonly CodePoint[];
}

export interface ServerHello extends HelloExtensionValues {
  /** legacy_version (server_version before TLS 1.3). */
  version: CodePoint;
  /** The version in force: supported_versions if present (TLS 1.3), else version. */
  selectedVersion: CodePoint;
  random: string;
  sessionIdLength: number;
  cipherSuite: CodePoint;
  compressionMethod: CodePoint;
  extensions: Extension[];
  /** RFC 8446 §4.1.3: a ServerHello whose random is the SHA-256 of "HelloRetryRequest". */
  helloRetryRequest: boolean;
  keyShare?: KeyShareEntry;
  /** HelloRetryRequest key_share: the group the server asks for. */
  selectedGroup?: CodePoint;
  /** pre_shared_key: the index of the identity the server accepted. */
  selectedIdentity?: number;
  sslv2?: boolean;
  cipherSpecs?: readonly CodePoint[];
}

export interface ServerKeyExchange {
  /** From the negotiated cipher suite: ecdhe, dhe, rsa (export), psk, ecdhe_psk, dhe_psk, rsa_psk, srp, unknown. */
  kind: string;
  length: number;
  curveType?: CodePoint;
  group?: CodePoint;
  publicKeyLength?: number;
  dhPrimeBits?: number;
  dhGenerator?: string;
  dhPublicKeyLength?: number;
  rsaModulusBits?: number;
  rsaExponent?: string;
  pskIdentityHintLength?: number;
  /** TLS 1.2 SignatureAndHashAlgorithm; absent before TLS 1.2. */
  signatureAlgorithm?: CodePoint;
  signatureLength?: number;
}

export interface CertificateRequest {
  /** TLS 1.0–1.2 certificate_types; empty in TLS 1.3, which has none. */
  certificateTypes: readonly CodePoint[];
  /** supported_signature_algorithms (TLS 1.2) or the signature_algorithms extension (TLS 1.3), in server preference order; absent before 1.2. */
  signatureAlgorithms?: readonly CodePoint[];
  /** Distinguished names as RFC 4514 strings. */
  certificateAuthorities: string[];
  /** TLS 1.3 only: certificate_request_context (hex; empty in the handshake, set for post-handshake auth). */
  requestContext?: string;
  /** TLS 1.3 only: signature_algorithms_cert. */
  signatureAlgorithmsCert?: readonly CodePoint[];
  /** TLS 1.3 only: the extensions, in order. */
  extensions?: readonly CodePoint[];
}

export interface CertificateVerify {
  signatureAlgorithm?: CodePoint;
  signatureLength: number;
}

export interface ClientKeyExchange {
  /** rsa (encrypted premaster), ecdh (point), dh (public value), psk…, unknown. */
  kind: string;
  length: number;
}

export interface NewSessionTicket {
  lifetime: number;
  ticketLength: number;
}

export interface CertificateStatus {
  /** status_type: 1 = ocsp. */
  type: number;
  length: number;
  /** OCSPResponseStatus name (RFC 6960 §4.2.1), e.g. successful. */
  responseStatus?: string;
}

export interface Alert {
  from: Role;
  /** null when the alert was encrypted. */
  level: CodePoint | null;
  description: CodePoint | null;
  encrypted: boolean;
  /** An encrypted alert read with keys from a key log: level and description are known. */
  decrypted?: true;
  /** The last handshake message seen (either side) before it, e.g. "certificate_request". */
  after?: string;
  offset: number;
  packet?: number;
  time?: string;
}

/** One line of the message ladder. */
export interface LadderEntry {
  from: Role;
  /** Record content type: handshake, change_cipher_spec, alert, application_data, heartbeat, sslv2. */
  record: string;
  /** Handshake (or SSLv2) message type; absent for non-handshake records. */
  type?: CodePoint;
  /** Message length (handshake body, or record length for other records). */
  length: number;
  /** Offset of the message (or record) in this direction's TCP stream. */
  offset: number;
  encrypted?: boolean;
  /** Protected on the wire and read with keys from a key log. */
  decrypted?: true;
  /** Short summary for the text ladder, e.g. "TLS 1.2, 17 suites, SNI example.com". */
  summary?: string;
  packet?: number;
  time?: string;
}

export interface DirectionStats {
  /** TCP payload bytes seen in this direction. */
  bytes: number;
  /** Bytes before the first TLS record (STARTTLS, CONNECT, SOCKS preambles). */
  preambleBytes: number;
  /** Records by content type name (TLS) or "sslv2". */
  records: Record<string, number>;
  /** Records and bytes after this direction went encrypted. */
  encryptedRecords: number;
  encryptedBytes: number;
  /** Whether this direction switched to encrypted records (after ChangeCipherSpec, or TLS 1.3 ServerHello). */
  encrypted: boolean;
}

export interface ConnectionError {
  from?: Role;
  offset?: number;
  packet?: number;
  message: string;
}

export interface Finding {
  id: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  detail: string;
  /** The cause: the finding that best explains what went wrong on this connection (listed first). */
  primary?: true;
  fix?: string;
  refs?: readonly string[];
}

/**
 * How the handshake ended: `complete`; `failed` (a fatal alert, seen or inferred); `aborted` (a
 * side closed or reset mid-handshake without an alert); `incomplete` (the capture lacks part of
 * it: its end, a gap, its start); `unknown` (encrypted, and nothing visible decides it);
 * `not-tls`.
 */
export type Outcome = 'complete' | 'failed' | 'aborted' | 'incomplete' | 'unknown' | 'not-tls';

/** `seen`: in cleartext on the wire; `inferred`: from record sizes and the order of records and closes. */
export type OutcomeBasis = 'seen' | 'inferred';

/** A side's FIN or RST, in the order the connection's events happened. */
export interface StreamEnd {
  from: Role;
  how: 'fin' | 'rst';
  /** How many ladder entries came before it. */
  afterMessages: number;
  packet?: number;
}

/** TLS 1.3 without keys: the client's second flight (its first protected records) and what the server sent after it. */
export interface EncryptedFlight {
  clientRecords: number;
  clientBytes: number;
  serverRecords: number;
  /** Length of the server's first record after the flight. */
  serverFirstLength?: number;
}

/** A later handshake on an established connection, decrypted with a key log: what it carried. */
export interface Renegotiation {
  clientHello?: ClientHello;
  serverHello?: ServerHello;
  /** The server's chain, when the exchange carried one. */
  certificates?: CertInfo[];
  certificateRequest?: CertificateRequest;
  /** The client's chain; [] for an empty Certificate. */
  clientCertificates?: CertInfo[];
  certificateVerify?: CertificateVerify;
}

/** TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2), decrypted: the request and the client's answer. */
export type PostHandshakeAuth = Pick<Renegotiation, 'certificateRequest' | 'clientCertificates' | 'certificateVerify'>;

export interface Connection {
  source: 'replay' | 'proxy';
  /** 1-based connection number within its capture file or proxy run. */
  id: number;
  file?: string;
  /** "ip:port", IPv6 as "[addr]:port". */
  client: string;
  server: string;
  /** ISO 8601 of the first and last packet/byte. */
  startTime?: string;
  endTime?: string;
  /** TLS was recognised in at least one direction. */
  tls: boolean;
  /** What the stream looked like when it was not TLS (e.g. "HTTP request"). */
  notTls?: string;
  /** The negotiated version (the ServerHello's selected version); absent when no ServerHello was seen. */
  version?: CodePoint;
  clientHello?: ClientHello;
  serverHello?: ServerHello;
  /** Further hellos: the second ClientHello after a HelloRetryRequest, duplicates, plaintext renegotiation. */
  additionalClientHellos?: ClientHello[];
  additionalServerHellos?: ServerHello[];
  /** The server's chain, in the order sent; present when a Certificate message was seen. */
  certificates?: CertInfo[];
  certificateStatus?: CertificateStatus;
  serverKeyExchange?: ServerKeyExchange;
  certificateRequest?: CertificateRequest;
  /** The client's chain; [] when the client answered with an empty Certificate. */
  clientCertificates?: CertInfo[];
  clientKeyExchange?: ClientKeyExchange;
  /** The client's CertificateVerify. */
  certificateVerify?: CertificateVerify;
  /** TLS 1.3, decrypted: the server's CertificateVerify. */
  serverCertificateVerify?: CertificateVerify;
  /** TLS 1.3, decrypted: the server's EncryptedExtensions. */
  encryptedExtensions?: HelloExtensionValues & { extensions: Extension[] };
  newSessionTicket?: NewSessionTicket;
  /** TLS 1.0–1.2 renegotiations after the handshake, decrypted with a key log (the initial handshake's messages are the fields above). */
  renegotiations?: Renegotiation[];
  /** TLS 1.3 post-handshake client authentication, decrypted with a key log. */
  postHandshakeAuth?: PostHandshakeAuth[];
  alerts: Alert[];
  messages: LadderEntry[];
  /** Ladder entries not kept because of the cap. */
  messagesDropped?: number;
  stats: { client: DirectionStats; server: DirectionStats };
  /** outcome === 'complete'. */
  complete: boolean;
  /** Some protected record of this connection was decrypted with a key log (--keylog); its messages say decrypted: true. */
  decrypted: boolean;
  /** A key log was given but did not open this connection: why ("no keys for this connection", "keys do not match", …). */
  decryption?: string;
  outcome: Outcome;
  outcomeBasis: OutcomeBasis;
  /** What the outcome rests on, e.g. "client sent fatal handshake_failure". */
  outcomeDetail: string;
  /** FIN and RST per side, first one each, in order. */
  closes?: StreamEnd[];
  /** TLS 1.3 only: sizes of the client's second flight and of the server's answer. */
  tls13Flight?: EncryptedFlight;
  /** Bytes missing from the capture (TCP gaps), per direction. */
  gaps?: { client: number; server: number };
  /** Replay only: no SYN in the capture, which began after the connection did (TLS found by its record boundaries). */
  midstream?: true;
  errors: ConnectionError[];
  findings?: Finding[];
  fingerprints?: Fingerprints;
}

/**
 * `Connection.fingerprints` (schema/connection.schema.json), filled in by fingerprint/. The type
 * lives with the model that carries it, so tls/ names nothing of fingerprint/.
 */
export interface Fingerprints {
  /** MD5 of ja3Full. */
  ja3?: string;
  /** The JA3 string: version,ciphers,extensions,groups,point formats (decimal, GREASE removed). */
  ja3Full?: string;
  ja3s?: string;
  /** The JA3S string: version,cipher,extensions. */
  ja3sFull?: string;
  /** JA4 (client), e.g. t13d1516h2_8daaf6152771_e5627efa2ab1. */
  ja4?: string;
  /** JA4_r, the unhashed sorted form (only with --ja4-raw). */
  ja4Raw?: string;
  /** Why a fingerprint is missing (e.g. MD5 unavailable in FIPS mode, SSLv2-format hello). */
  notes?: string[];
}
