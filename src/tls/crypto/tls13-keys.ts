// TLS 1.3 traffic keys from a traffic secret (RFC 8446 §7.3) and the next secret of a KeyUpdate
// (§7.2). The secrets themselves come from a key log (RFC 9850): CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET,
// CLIENT_/SERVER_TRAFFIC_SECRET_0, CLIENT_EARLY_TRAFFIC_SECRET.
import { TLS13_IV_LENGTH } from './cipher-params.js';
import { HASH_LENGTH, hkdfExpandLabel, type HashName } from './hkdf.js';
import type { Tls13Suite } from './suite.js';

export interface TrafficKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
}

/**
 * RFC 8446 §7.3:
 *   [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 *   [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
 */
export function tls13TrafficKeys(suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', empty, suite.bulk.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', empty, TLS13_IV_LENGTH),
  };
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Buffer {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), HASH_LENGTH[hash]);
}
