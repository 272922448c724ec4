// TCP header (RFC 9293 §3.1), into a caller-owned scratch object.

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

/**
 * Parses the TCP header at `at`; `end` is the end of captured transport data and `wireEnd` the
 * end IP says it had. Returns false (with out.error) when the header itself is unusable.
 */
export function parseTcp(d: Uint8Array, at: number, end: number, wireEnd: number, out: TcpInfo): boolean {
  if (at + 20 > end) {
    out.error = 'TCP header truncated';
    return false;
  }
  out.srcPort = (d[at]! << 8) | d[at + 1]!;
  out.dstPort = (d[at + 2]! << 8) | d[at + 3]!;
  out.seq = d[at + 4]! * 0x1000000 + ((d[at + 5]! << 16) | (d[at + 6]! << 8) | d[at + 7]!);
  out.ack = d[at + 8]! * 0x1000000 + ((d[at + 9]! << 16) | (d[at + 10]! << 8) | d[at + 11]!);
  const hlen = (d[at + 12]! >> 4) * 4; // Data Offset, in 32-bit words, options included
  out.flags = d[at + 13]!;
  if (hlen < 20) {
    out.error = `TCP data offset ${hlen} < 20`;
    return false;
  }
  if (at + hlen > end) {
    out.error = 'TCP options truncated';
    return false;
  }
  out.payload = at + hlen;
  out.end = end;
  out.missing = wireEnd > end ? wireEnd - end : 0;
  return true;
}
