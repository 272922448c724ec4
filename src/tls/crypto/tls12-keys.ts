// TLS 1.0–1.2 record keys from the master secret of a CLIENT_RANDOM key-log line (RFC 9850).
// RFC 5246 §6.3:
//   key_block = PRF(SecurityParameters.master_secret, "key expansion",
//                   SecurityParameters.server_random + SecurityParameters.client_random);
//   partitioned as client_write_MAC_key[mac_key_length], server_write_MAC_key[mac_key_length],
//                  client_write_key[enc_key_length], server_write_key[enc_key_length],
//                  client_write_IV[fixed_iv_length], server_write_IV[fixed_iv_length].
// The IVs are the AEAD salt (RFC 5288 §3, RFC 6655 §3) or ChaCha20's fixed IV (RFC 7905 §2);
// for CBC they are the first record's IV in TLS 1.0 only (RFC 2246 §6.3) — TLS 1.1 and 1.2 carry
// an explicit IV in each record (RFC 4346 §6.2.3.2) and have none in the key block.
import { prf } from './prf.js';
import type { SuiteProtection } from './suite.js';

/** The keys of one direction. */
export interface DirectionKeys {
  readonly macKey: Buffer;
  readonly key: Buffer;
  readonly iv: Buffer;
}

export interface KeyBlock {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

/** RFC 5246 §8.1: the master secret is always 48 bytes. */
export const MASTER_SECRET_LENGTH = 48;

/** How many bytes of IV each side takes from the key block. */
export function fixedIvLength(suite: SuiteProtection, version: number): number {
  if (suite.bulk.kind === 'aead') return suite.bulk.fixedIvLength;
  return version <= 0x0301 ? suite.bulk.blockLength : 0;
}

/** The key block of `suite` at record version `version` (0x0301..0x0303), partitioned. */
export function tls12KeyBlock(
  suite: SuiteProtection,
  version: number,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock {
  const macLength = suite.mac?.length ?? 0;
  const keyLength = suite.bulk.keyLength;
  const ivLength = fixedIvLength(suite, version);
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const block = prf(version, suite.hash, masterSecret, 'key expansion', seed, 2 * (macLength + keyLength + ivLength));
  let at = 0;
  const take = (n: number): Buffer => block.subarray(at, (at += n));
  const clientMac = take(macLength);
  const serverMac = take(macLength);
  const clientKey = take(keyLength);
  const serverKey = take(keyLength);
  const clientIv = take(ivLength);
  const serverIv = take(ivLength);
  return {
    client: { macKey: clientMac, key: clientKey, iv: clientIv },
    server: { macKey: serverMac, key: serverKey, iv: serverIv },
  };
}
