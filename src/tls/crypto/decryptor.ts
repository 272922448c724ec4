// Record decryption of one direction (RFC 8446 §5.2–5.4 for TLS 1.3, RFC 5246 §6.2.3 for TLS 1.0–1.2).
// A RecordDecryptor opens one protected record at a time: it is handed the record header's type
// and version, the record body and its sequence number, and returns the content type and the
// plaintext, or a DecryptError — it never throws (node:crypto's exceptions are caught in aead.ts
// and cbc.ts). Per record it allocates only what node:crypto does (a decipher, its output): the
// nonce and additional data are written into buffers the decryptor keeps.
import { MAX_COMPRESSED_RECORD, MAX_CIPHERTEXT_RECORD, MAX_PLAINTEXT_RECORD, MAX_TLS13_CIPHERTEXT_RECORD } from '../../limits.js';
import { TlsParseError } from '../../bytes/errors.js';
import type { AeadParams, CbcParams, MacParams } from './cipher-params.js';
import { aeadOpen } from './aead.js';
import { cbcDecrypt, hmacEquals, paddingLength } from './cbc.js';

/** What went wrong opening a record: the keys do not authenticate it, there are no keys for it, or its bytes cannot be a protected record. */
export type DecryptFailure = 'auth' | 'nokeys' | 'malformed';

const KIND: Readonly<Record<DecryptFailure, string>> = { auth: 'BadRecordMac', nokeys: 'NoKeys', malformed: 'Malformed' };

/**
 * A record that could not be opened. `reason` 'auth': the AEAD tag, the MAC or the CBC padding
 * did not check out — with the right keys that does not happen, so "keys do not match".
 * 'nokeys': the key log has no secret for the keys this record is under.
 * 'malformed': too short, too long, not whole blocks, no content type.
 */
export class DecryptError extends TlsParseError {
  readonly reason: DecryptFailure;
  constructor(reason: DecryptFailure, message: string, offset: number, path = 'TLSCiphertext') {
    super(KIND[reason], message, offset, path);
    this.reason = reason;
  }
}

export interface Decrypted {
  /** The content type: TLSInnerPlaintext.type in TLS 1.3, the header's type before. */
  readonly type: number;
  /** The content (TLS 1.3: without the type byte and the zero padding). */
  readonly plaintext: Uint8Array;
}

export interface RecordDecryptor {
  /**
   * Opens one protected record. `type` and `version` are the record header's (they are
   * authenticated), `body` its fragment, `seq` its sequence number (RFC 5246 §6.1: from 0 at each
   * key change, +1 per record), `offset` the stream offset of `body` for error messages.
   */
  decrypt(type: number, version: number, body: Uint8Array, seq: number, offset?: number): Decrypted | DecryptError;
}

export const KEYS_DO_NOT_MATCH = 'keys do not match';

/** Writes the 64-bit sequence number big-endian at buf[at..at+8). */
function writeSeq(buf: Buffer, at: number, seq: number): void {
  buf.writeUInt32BE(Math.floor(seq / 0x1_0000_0000) >>> 0, at);
  buf.writeUInt32BE(seq >>> 0, at + 4);
}

/** nonce = iv XOR the sequence number left-padded to the iv's length (RFC 8446 §5.3, RFC 7905 §2). */
function xorNonce(nonce: Buffer, iv: Buffer, seq: number): void {
  iv.copy(nonce);
  const n = nonce.length;
  const hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
  const lo = seq >>> 0;
  nonce[n - 8]! ^= hi >>> 24;
  nonce[n - 7]! ^= (hi >>> 16) & 0xff;
  nonce[n - 6]! ^= (hi >>> 8) & 0xff;
  nonce[n - 5]! ^= hi & 0xff;
  nonce[n - 4]! ^= lo >>> 24;
  nonce[n - 3]! ^= (lo >>> 16) & 0xff;
  nonce[n - 2]! ^= (lo >>> 8) & 0xff;
  nonce[n - 1]! ^= lo & 0xff;
}

/** TLS 1.3 (RFC 8446 §5.2–5.4): AEAD over the record header; the content type is inside, after the content, before zero padding. */
export class Tls13Decryptor implements RecordDecryptor {
  private readonly nonce: Buffer;
  private readonly aad = Buffer.alloc(5);

  constructor(
    private readonly aead: AeadParams,
    private readonly key: Buffer,
    private readonly iv: Buffer,
  ) {
    this.nonce = Buffer.alloc(iv.length);
  }

  decrypt(type: number, version: number, body: Uint8Array, seq: number, offset = 0): Decrypted | DecryptError {
    const tag = this.aead.tagLength;
    if (body.length > MAX_TLS13_CIPHERTEXT_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${body.length} bytes, more than 2^14 + 256 (RFC 8446 §5.2)`, offset);
    }
    if (body.length < tag + 1) {
      return new DecryptError('malformed', `${body.length} bytes: shorter than the ${tag}-byte tag and a content type`, offset);
    }
    xorNonce(this.nonce, this.iv, seq);
    // RFC 8446 §5.2: additional_data = TLSCiphertext.opaque_type || legacy_record_version || length
    const aad = this.aad;
    aad[0] = type;
    aad.writeUInt16BE(version & 0xffff, 1);
    aad.writeUInt16BE(body.length, 3);
    const inner = aeadOpen(this.aead, this.key, this.nonce, aad, body);
    if (!inner) return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record does not authenticate (${this.aead.node})`, offset);
    // RFC 8446 §5.4: the content type is the last non-zero byte of TLSInnerPlaintext.
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) return new DecryptError('malformed', 'unexpected_message: the decrypted record has no non-zero content type (RFC 8446 §5.4)', offset, 'TLSInnerPlaintext');
    if (i > MAX_PLAINTEXT_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${i} bytes of content, more than 2^14 (RFC 8446 §5.4)`, offset, 'TLSInnerPlaintext');
    }
    return { type: inner[i]!, plaintext: inner.subarray(0, i) };
  }
}

/**
 * TLS 1.2 AEAD (RFC 5246 §6.2.3.3): additional_data = seq_num + type + version + length of the
 * plaintext. GCM and CCM (RFC 5288 §3, RFC 6655 §3): nonce = the 4-byte salt from the key block +
 * the record's 8-byte nonce_explicit. ChaCha20-Poly1305 (RFC 7905 §2): nonce = the 12-byte fixed
 * IV XOR the sequence number, nothing explicit.
 */
export class Tls12AeadDecryptor implements RecordDecryptor {
  private readonly nonce = Buffer.alloc(12);
  private readonly aad = Buffer.alloc(13);

  constructor(
    private readonly aead: AeadParams,
    private readonly key: Buffer,
    private readonly fixedIv: Buffer,
  ) {}

  decrypt(type: number, version: number, body: Uint8Array, seq: number, offset = 0): Decrypted | DecryptError {
    const explicit = this.aead.explicitNonceLength;
    const tag = this.aead.tagLength;
    if (body.length > MAX_CIPHERTEXT_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${body.length} bytes, more than 2^14 + 2048 (RFC 5246 §6.2.3)`, offset);
    }
    if (body.length < explicit + tag) {
      return new DecryptError('malformed', `${body.length} bytes: shorter than the ${explicit}-byte explicit nonce and ${tag}-byte tag`, offset);
    }
    const nonce = this.nonce;
    if (explicit > 0) {
      this.fixedIv.copy(nonce, 0);
      nonce.set(body.subarray(0, explicit), this.fixedIv.length);
    } else {
      xorNonce(nonce, this.fixedIv, seq);
    }
    const length = body.length - explicit - tag;
    const aad = this.aad;
    writeSeq(aad, 0, seq);
    aad[8] = type;
    aad.writeUInt16BE(version & 0xffff, 9);
    aad.writeUInt16BE(length, 11);
    const plaintext = aeadOpen(this.aead, this.key, nonce, aad, body.subarray(explicit));
    if (!plaintext) return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record does not authenticate (${this.aead.node})`, offset);
    if (plaintext.length > MAX_COMPRESSED_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${plaintext.length} bytes of plaintext, more than 2^14 + 1024 (RFC 5246 §6.2.3)`, offset);
    }
    return { type, plaintext };
  }
}

/**
 * TLS 1.0–1.2 CBC (RFC 5246 §6.2.3.2): MAC-then-encrypt — HMAC(MAC_write_key, seq_num + type +
 * version + length + content), then content + MAC + padding is encrypted — or, negotiated by
 * RFC 7366, encrypt-then-MAC: the MAC covers the IV and ciphertext and follows them in clear.
 * TLS 1.1 and later send an explicit IV as the first block of each record (RFC 4346 §6.2.3.2);
 * TLS 1.0 chains: each record's IV is the last ciphertext block of the one before (RFC 2246
 * §6.2.3.2), so records must be opened in order.
 */
export class Tls12CbcDecryptor implements RecordDecryptor {
  private readonly header = Buffer.alloc(13);
  /** TLS 1.0: the IV of the next record, and a buffer to hold the current one while that is replaced. */
  private readonly chainIv: Buffer | undefined;
  private readonly currentIv: Buffer | undefined;

  constructor(
    private readonly cbc: CbcParams,
    private readonly mac: MacParams,
    private readonly macKey: Buffer,
    private readonly key: Buffer,
    /** TLS 1.0: client/server_write_IV from the key block; undefined for TLS 1.1+ (explicit IVs). */
    firstIv: Buffer | undefined,
    private readonly encryptThenMac: boolean,
  ) {
    this.chainIv = firstIv ? Buffer.from(firstIv) : undefined;
    this.currentIv = firstIv ? Buffer.alloc(firstIv.length) : undefined;
  }

  private macHeader(seq: number, type: number, version: number, length: number): Buffer {
    const h = this.header;
    writeSeq(h, 0, seq);
    h[8] = type;
    h.writeUInt16BE(version & 0xffff, 9);
    h.writeUInt16BE(length, 11);
    return h;
  }

  decrypt(type: number, version: number, body: Uint8Array, seq: number, offset = 0): Decrypted | DecryptError {
    const block = this.cbc.blockLength;
    const macLength = this.mac.length;
    const explicitIv = this.chainIv ? 0 : block;
    if (body.length > MAX_CIPHERTEXT_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${body.length} bytes, more than 2^14 + 2048 (RFC 5246 §6.2.3)`, offset);
    }
    const encLength = this.encryptThenMac ? body.length - macLength : body.length;
    const cipherLength = encLength - explicitIv;
    // The IV the next TLS 1.0 record uses is this record's last ciphertext block, whatever becomes of this one.
    let iv: Uint8Array;
    if (this.chainIv && this.currentIv) {
      this.chainIv.copy(this.currentIv);
      iv = this.currentIv;
      if (encLength >= block) this.chainIv.set(body.subarray(encLength - block, encLength));
    } else {
      iv = body.subarray(0, explicitIv);
    }
    if (cipherLength < block || cipherLength % block !== 0) {
      return new DecryptError(
        'malformed',
        `${body.length} bytes: ${this.encryptThenMac ? `less the ${macLength}-byte MAC, ` : ''}${explicitIv ? `after the ${explicitIv}-byte IV, ` : ''}not a whole number of ${block}-byte blocks`,
        offset,
      );
    }
    const encrypted = body.subarray(explicitIv, encLength);
    if (this.encryptThenMac) {
      // RFC 7366 §3: MAC(MAC_write_key, seq_num + type + version + length + IV + ENC(content + padding + padding_length))
      const header = this.macHeader(seq, type, version, encLength);
      if (!hmacEquals(this.mac, this.macKey, header, body.subarray(0, encLength), body.subarray(encLength))) {
        return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record MAC does not check out (encrypt_then_mac, HMAC-${this.mac.node})`, offset);
      }
      const padded = cbcDecrypt(this.cbc, this.key, iv, encrypted);
      const pad = padded ? paddingLength(padded, 0) : -1;
      if (!padded || pad < 0) return new DecryptError('malformed', 'bad CBC padding under a good MAC', offset);
      return { type, plaintext: padded.subarray(0, padded.length - pad - 1) };
    }
    if (cipherLength < macLength + 1) {
      return new DecryptError('malformed', `${body.length} bytes: too short for a ${macLength}-byte MAC and the padding length`, offset);
    }
    const padded = cbcDecrypt(this.cbc, this.key, iv, encrypted);
    if (!padded) return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record does not decrypt (${this.cbc.node})`, offset);
    // RFC 5246 §6.2.3.2: padding errors are reported as bad_record_mac, like a MAC error.
    const pad = paddingLength(padded, macLength);
    if (pad < 0) return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: bad CBC padding (${this.cbc.node})`, offset);
    const contentLength = padded.length - pad - 1 - macLength;
    const content = padded.subarray(0, contentLength);
    const header = this.macHeader(seq, type, version, contentLength);
    if (!hmacEquals(this.mac, this.macKey, header, content, padded.subarray(contentLength, contentLength + macLength))) {
      return new DecryptError('auth', `${KEYS_DO_NOT_MATCH}: the record MAC does not check out (HMAC-${this.mac.node})`, offset);
    }
    if (contentLength > MAX_COMPRESSED_RECORD) {
      return new DecryptError('malformed', `record_overflow: ${contentLength} bytes of plaintext, more than 2^14 + 1024 (RFC 5246 §6.2.3)`, offset);
    }
    return { type, plaintext: content };
  }
}
