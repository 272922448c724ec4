// Test helper: the sending side of the record layer, written straight from the RFCs with
// node:crypto, to make records for every cipher the decryptors take (the captures cover those
// OpenSSL negotiates; this covers the rest: AES-256-CCM/CCM_8, ARIA, Camellia, 3DES, ...).
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import type { AeadParams, CbcParams, MacParams } from '../../../src/tls/crypto/cipher-params.js';

function seq64(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), 0);
  b.writeUInt32BE(seq >>> 0, 4);
  return b;
}

function xorSeq(iv: Buffer, seq: number): Buffer {
  const n = Buffer.from(iv);
  const s = seq64(seq);
  for (let i = 0; i < 8; i++) n[n.length - 8 + i]! ^= s[i]!;
  return n;
}

function aeadSeal(p: AeadParams, key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const c = createCipheriv(p.node as 'aes-128-ccm', key, nonce, { authTagLength: p.tagLength });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** RFC 8446 §5.2: TLSInnerPlaintext = content + type + zeros, sealed with additional data = the record header. Returns the body. */
export function sealTls13(p: AeadParams, key: Buffer, iv: Buffer, seq: number, type: number, content: Buffer, padding = 0): Buffer {
  const inner = Buffer.concat([content, Buffer.from([type]), Buffer.alloc(padding)]);
  const header = Buffer.from([23, 3, 3, 0, 0]);
  header.writeUInt16BE(inner.length + p.tagLength, 3);
  return aeadSeal(p, key, xorSeq(iv, seq), header, inner);
}

/** RFC 5246 §6.2.3.3 with RFC 5288 / RFC 6655 (explicit nonce) or RFC 7905 (none). */
export function sealTls12Aead(p: AeadParams, key: Buffer, fixedIv: Buffer, seq: number, type: number, version: number, content: Buffer): Buffer {
  const aad = Buffer.concat([seq64(seq), Buffer.from([type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff])]);
  if (p.explicitNonceLength === 0) return aeadSeal(p, key, xorSeq(fixedIv, seq), aad, content);
  const explicit = randomBytes(p.explicitNonceLength);
  return Buffer.concat([explicit, aeadSeal(p, key, Buffer.concat([fixedIv, explicit]), aad, content)]);
}

export interface CbcSender {
  /** The record body of `content`; `badPadding` spoils one padding byte. */
  seal(seq: number, type: number, version: number, content: Buffer, opts?: { extraPadding?: number; badPadding?: boolean }): Buffer;
}

/** RFC 5246 §6.2.3.2 (MAC-then-encrypt) or RFC 7366 (encrypt-then-MAC); TLS 1.0 chains IVs, 1.1+ sends one per record. */
export function cbcSender(p: CbcParams, mac: MacParams, macKey: Buffer, key: Buffer, firstIv: Buffer | undefined, etm: boolean): CbcSender {
  let chain = firstIv ? Buffer.from(firstIv) : undefined;
  const hmac = (header: Buffer, data: Buffer) => createHmac(mac.node, macKey).update(header).update(data).digest();
  const header = (seq: number, type: number, version: number, length: number) =>
    Buffer.concat([seq64(seq), Buffer.from([type, version >> 8, version & 0xff, length >> 8, length & 0xff])]);
  return {
    seal(seq, type, version, content, opts = {}) {
      const b = p.blockLength;
      const body = etm ? content : Buffer.concat([content, hmac(header(seq, type, version, content.length), content)]);
      let pad = (b - ((body.length + 1) % b)) % b;
      pad += (opts.extraPadding ?? 0) * b;
      const padding = Buffer.alloc(pad + 1, pad);
      if (opts.badPadding && pad > 0) padding[0] = (pad + 1) & 0xff;
      const plain = Buffer.concat([body, padding]);
      const iv = chain ?? randomBytes(b);
      const c = createCipheriv(p.node, key, iv);
      c.setAutoPadding(false);
      const enc = Buffer.concat([c.update(plain), c.final()]);
      const ivAndEnc = chain ? enc : Buffer.concat([iv, enc]);
      if (chain) chain = enc.subarray(enc.length - b);
      if (!etm) return ivAndEnc;
      return Buffer.concat([ivAndEnc, hmac(header(seq, type, version, ivAndEnc.length), ivAndEnc)]);
    },
  };
}
