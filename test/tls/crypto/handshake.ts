// Test helpers: handshake messages in decrypted plaintext (RFC 8446 §4, RFC 5246 §7.4), and the
// certificates of a TLS 1.3 Certificate message, read with our ByteReader.
import { ByteReader } from '../../../src/bytes/reader.js';

export interface Message {
  type: number;
  body: Uint8Array;
}

/** Handshake messages of one plaintext (whole messages only; throws Truncated on a cut one). */
export function splitMessages(plaintext: Uint8Array): Message[] {
  const r = new ByteReader(plaintext, 0, 'handshake');
  const out: Message[] = [];
  while (!r.done) {
    const type = r.u8('msg_type');
    out.push({ type, body: r.vec24('body').rest() });
  }
  return out;
}

/** Reassembles handshake messages across records (TLS 1.3 and 1.2 both let a message span records). */
export class MessageStream {
  private pending: Buffer = Buffer.alloc(0);
  readonly messages: Message[] = [];
  push(plaintext: Uint8Array): void {
    this.pending = Buffer.concat([this.pending, plaintext]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 4 + length) break;
      this.messages.push({ type: this.pending[0]!, body: this.pending.subarray(4, 4 + length) });
      this.pending = this.pending.subarray(4 + length);
    }
  }
  get leftover(): number {
    return this.pending.length;
  }
}

/** RFC 8446 §4.4.2: certificate_request_context<0..2^8-1>, certificate_list<0..2^24-1> of { cert_data<1..2^24-1>, extensions<0..2^16-1> }. */
export function tls13CertificateData(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body, 0, 'Certificate');
  r.vec8('certificate_request_context');
  const list = r.vec24('certificate_list');
  r.expectEnd();
  const out: Uint8Array[] = [];
  while (!list.done) {
    out.push(list.vec24('cert_data').rest());
    list.vec16('extensions');
  }
  return out;
}

export function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
