// TCP header (RFC 9293 §3.1), into a caller-owned scratch object, read through one re-pointed ByteReader.
import { ByteReader } from '../bytes/reader.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface TcpInfo {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Offsets of the captured payload in the frame. */
  payload: number;
  end: number;
  /** Payload bytes that were on the wire but cut off by the snaplen. */
  missing: number;
  error: string;
}

export function newTcpInfo(): TcpInfo {
  return { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, payload: 0, end: 0, missing: 0, error: '' };
}

/** The one reader every TCP header is read through, re-pointed per packet; synchronous use only. */
const header = new ByteReader(new Uint8Array(0), 0, 'TCP');

/**
 * Parses the TCP header at `at`; `end` is the end of captured transport data and `wireEnd` the
 * end IP says it had. Returns false (with out.error) when the header itself is unusable.
 */
export function parseTcp(d: Uint8Array, at: number, end: number, wireEnd: number, out: TcpInfo): boolean {
  const r = header.reset(d, at, end);
  if (r.remaining < 20) {
    out.error = 'TCP header truncated';
    return false;
  }
  // RFC 9293 §3.1: the fields by their offsets in the header.
  out.srcPort = r.u16At(0);
  out.dstPort = r.u16At(2);
  out.seq = r.u32At(4);
  out.ack = r.u32At(8);
  const hlen = (r.u8At(12) >> 4) * 4; // Data Offset, in 32-bit words, options included
  out.flags = r.u8At(13);
  if (hlen < 20) {
    out.error = `TCP data offset ${hlen} < 20`;
    return false;
  }
  if (hlen > r.remaining) {
    out.error = 'TCP options truncated';
    return false;
  }
  out.payload = at + hlen;
  out.end = end;
  out.missing = wireEnd > end ? wireEnd - end : 0;
  return true;
}
