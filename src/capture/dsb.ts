// pcapng Decryption Secrets Block (draft-ietf-opsawg-pcapng §4.7), as `editcap --inject-secrets
// tls,keys.txt` writes it: the key log travels inside the capture.
//    Block Type = 0x0000000A | Block Total Length | Secrets Type (u32) | Secrets Length (u32) |
//    Secrets Data (padded to 32 bits) | Options | Block Total Length
// Secrets Type 0x544c534b ("TLSK") is a TLS key log in the SSLKEYLOGFILE format (RFC 9850); the
// other types (WireGuard 0x57474b4c, ZigBee 0x5a4e574b / 0x5a415053, OPC UA 0x55414b4c, SSH
// 0x5353484b) are not ours and are skipped. pcapng.ts hands us the block body; the text goes to
// PacketSink.secrets, which feeds a key log (src/keylog/parse.ts).
import { ByteReader } from '../bytes/reader.js';

/** Block Type of a Decryption Secrets Block. */
export const DSB_BLOCK_TYPE = 0x0000000a;
/** Secrets Type of a TLS key log (NSS SSLKEYLOGFILE format). */
export const SECRETS_TYPE_TLS_KEY_LOG = 0x544c534b;

export interface DecryptionSecrets {
  readonly secretsType: number;
  /** The Secrets Data, unpadded (a view into the block). */
  readonly data: Uint8Array;
}

/**
 * Reads a DSB body (the bytes between Block Total Length and the trailing Block Total Length) in
 * the section's byte order. `base` is the body's file offset, for errors. Throws Truncated or
 * Malformed (bytes/errors.ts); Options after the data are not read.
 */
export function decodeDecryptionSecretsBlock(body: Uint8Array, littleEndian: boolean, base = 0): DecryptionSecrets {
  const r = new ByteReader(body, base, 'DSB');
  const u32 = (what: string): number => {
    const v = r.u32(what);
    return littleEndian ? (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0 : v;
  };
  const secretsType = u32('secrets_type');
  const length = u32('secrets_length');
  if (length > r.remaining) r.fail(`secrets length ${length} exceeds the block (${r.remaining} bytes left)`, 'secrets_data');
  const data = r.bytes(length, 'secrets_data');
  return { secretsType, data };
}

/** The key-log text of a TLS DSB (key logs are ASCII; latin1 keeps every byte as one character), or undefined for another type. */
export function tlsKeyLogText(s: DecryptionSecrets): string | undefined {
  if (s.secretsType !== SECRETS_TYPE_TLS_KEY_LOG) return undefined;
  return Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength).toString('latin1');
}
