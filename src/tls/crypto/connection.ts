// The decryption of one connection, put together from what its hellos negotiated and the
// secrets its key-log lines gave (RFC 9850, by ClientHello random): a Direction for each side.
//
// How the protection layer (session/protection.ts) is meant to use it:
//   - once the ServerHello is known (the real one, not a HelloRetryRequest), call
//     connectionDecryption() with the secrets its SecretsLookup gives for the ClientHello random;
//   - hand each whole protected record of a side to that side's Direction.open(), in order:
//     TLS 1.3 every record after the ServerHello (null back: not protected, e.g. the dummy
//     ChangeCipherSpec), TLS 1.0–1.2 every record after that side's ChangeCipherSpec;
//   - decrypted handshake content goes to the handshake reassembler, alerts to the alert decoder,
//     application data (type 23) is only counted and dropped;
//   - a DecryptError 'auth' means "keys do not match": report it once for the connection and stop
//     decrypting that direction (the records after it fail the same way).
// Not covered: renegotiation (a second handshake brings a new client random and new keys), TLS
// compression (the plaintext would be DEFLATE data), SSL 3.0, DTLS, an ECH inner ClientHello.
import {
  CLIENT_EARLY_TRAFFIC_SECRET,
  CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  CLIENT_RANDOM,
  CLIENT_TRAFFIC_SECRET_0,
  SERVER_HANDSHAKE_TRAFFIC_SECRET,
  SERVER_TRAFFIC_SECRET_0,
} from './secret-labels.js';
import { KEYS_DO_NOT_MATCH, Tls12AeadDecryptor, Tls12CbcDecryptor, type RecordDecryptor } from './decryptor.js';
import { Tls12Direction, Tls13Direction, type Direction, type Tls13Secrets } from './direction.js';
import { HASH_LENGTH } from './hkdf.js';
import { suiteProtection, type CbcSuite, type SuiteProtection, type Tls13Suite } from './suite.js';
import { MASTER_SECRET_LENGTH, tls12KeyBlock, type DirectionKeys } from './tls12-keys.js';

/** What the hellos negotiated, as far as record protection goes. */
export interface ConnectionParams {
  /** The negotiated version: 0x0301 (TLS 1.0) .. 0x0304 (TLS 1.3, from supported_versions). */
  readonly version: number;
  readonly cipherSuite: number;
  /** ClientHello.random and ServerHello.random (32 bytes each; the server's is used up to TLS 1.2 only). */
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  /** RFC 7366 §3: both hellos carried encrypt_then_mac (it matters for CBC suites only). */
  readonly encryptThenMac?: boolean;
}

export type ConnectionDecryption =
  | { readonly ok: true; readonly suite: SuiteProtection; readonly client: Direction; readonly server: Direction }
  /** 'unsupported': SSL 3.0, or a cipher we do not decrypt; 'nokeys': no usable line; 'mismatch': the secrets cannot be this connection's. */
  | { readonly ok: false; readonly reason: 'unsupported' | 'nokeys' | 'mismatch'; readonly why: string };

/**
 * Builds both directions' decryption from `secrets` (by key-log label). Never throws: what cannot
 * be decrypted is said in `why` (no secret of any kind is ever put in it).
 */
export function connectionDecryption(params: ConnectionParams, secrets: ReadonlyMap<string, Uint8Array>): ConnectionDecryption {
  const found = suiteProtection(params.cipherSuite);
  if (!found.ok) return { ok: false, reason: 'unsupported', why: found.why };
  const suite = found.suite;
  if (params.version === 0x0304) {
    if (!suite.tls13) return { ok: false, reason: 'mismatch', why: `${suite.name} is not a TLS 1.3 suite` };
    return tls13(suite as Tls13Suite, secrets);
  }
  if (params.version < 0x0301 || params.version > 0x0303) {
    return { ok: false, reason: 'unsupported', why: `version 0x${params.version.toString(16).padStart(4, '0')} is not decrypted (TLS 1.0–1.3 are)` };
  }
  if (suite.tls13) return { ok: false, reason: 'mismatch', why: `${suite.name} is a TLS 1.3 suite` };
  const master = secrets.get(CLIENT_RANDOM);
  if (!master) return { ok: false, reason: 'nokeys', why: `no ${CLIENT_RANDOM} line in the key log for this connection` };
  if (master.length !== MASTER_SECRET_LENGTH) {
    return { ok: false, reason: 'mismatch', why: `${KEYS_DO_NOT_MATCH}: the master secret is ${master.length} bytes, not ${MASTER_SECRET_LENGTH}` };
  }
  const block = tls12KeyBlock(suite, params.version, master, params.clientRandom, params.serverRandom);
  const make = (keys: DirectionKeys): RecordDecryptor => {
    if (suite.bulk.kind === 'aead') return new Tls12AeadDecryptor(suite.bulk, keys.key, keys.iv);
    const cbc = suite as CbcSuite;
    return new Tls12CbcDecryptor(cbc.bulk, cbc.mac, keys.macKey, keys.key, params.version <= 0x0301 ? keys.iv : undefined, params.encryptThenMac === true);
  };
  return { ok: true, suite, client: new Tls12Direction(make(block.client)), server: new Tls12Direction(make(block.server)) };
}

function tls13(suite: Tls13Suite, secrets: ReadonlyMap<string, Uint8Array>): ConnectionDecryption {
  const want = HASH_LENGTH[suite.hash];
  const labels = [CLIENT_EARLY_TRAFFIC_SECRET, CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0];
  if (!labels.some((l) => secrets.has(l))) {
    return { ok: false, reason: 'nokeys', why: 'no TLS 1.3 traffic secret in the key log for this connection' };
  }
  for (const label of labels) {
    const s = secrets.get(label);
    if (s && s.length !== want) {
      return { ok: false, reason: 'mismatch', why: `${KEYS_DO_NOT_MATCH}: ${label} is ${s.length} bytes, ${suite.name} needs ${want}` };
    }
  }
  // Read when a direction needs them, not now: a key log followed live (the proxy) gains a
  // connection's lines while its handshake passes, the client's handshake secret often only
  // after the server's records were seen.
  const client: Tls13Secrets = {
    get early() { return secrets.get(CLIENT_EARLY_TRAFFIC_SECRET); },
    get handshake() { return secrets.get(CLIENT_HANDSHAKE_TRAFFIC_SECRET); },
    get application() { return secrets.get(CLIENT_TRAFFIC_SECRET_0); },
  };
  const server: Tls13Secrets = {
    get handshake() { return secrets.get(SERVER_HANDSHAKE_TRAFFIC_SECRET); },
    get application() { return secrets.get(SERVER_TRAFFIC_SECRET_0); },
  };
  return { ok: true, suite, client: new Tls13Direction(suite, 'client', client), server: new Tls13Direction(suite, 'server', server) };
}
