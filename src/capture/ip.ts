// IPv4 (RFC 791) and IPv6 (RFC 8200) headers, down to the transport header. Writes into a
// caller-owned scratch object so the per-packet path allocates nothing.

/** Most IPv6 extension headers walked before we call the chain malformed. */
export const MAX_IPV6_EXT_HEADERS = 16;

export const IPPROTO_TCP = 6;

export const IP_OK = 0;
/** Part of a fragmented datagram (we do not reassemble IP fragments). */
export const IP_FRAGMENT = 1;
export const IP_MALFORMED = 2;
export type IpStatus = typeof IP_OK | typeof IP_FRAGMENT | typeof IP_MALFORMED;

export interface IpInfo {
  version: 4 | 6;
  /** Offsets of the source and destination addresses in the frame (4 or 16 bytes each). */
  src: number;
  dst: number;
  protocol: number;
  /** Offset of the transport header. */
  payload: number;
  /** End of the transport data that was captured: min(what IP says, caplen); Ethernet padding is cut off. */
  end: number;
  /** End of the transport data as IP says it was on the wire (> end when the snaplen cut it). */
  wireEnd: number;
  /** Fragment identification (IPv4 id, IPv6 Fragment header id) when IP_FRAGMENT. */
  fragId: number;
  /** Why IP_MALFORMED. */
  error: string;
}

export function newIpInfo(): IpInfo {
  return { version: 4, src: 0, dst: 0, protocol: 0, payload: 0, end: 0, wireEnd: 0, fragId: 0, error: '' };
}

export function parseIp(d: Uint8Array, at: number, kind: 4 | 6, len: number, out: IpInfo): IpStatus {
  return kind === 4 ? parseIpv4(d, at, len, out) : parseIpv6(d, at, len, out);
}

function malformed(out: IpInfo, why: string): IpStatus {
  out.error = why;
  return IP_MALFORMED;
}

function parseIpv4(d: Uint8Array, at: number, len: number, out: IpInfo): IpStatus {
  if (at + 20 > len) return malformed(out, 'IPv4 header truncated');
  const vihl = d[at]!;
  if (vihl >> 4 !== 4) return malformed(out, `IP version ${vihl >> 4} where IPv4 was expected`);
  const hlen = (vihl & 0x0f) * 4; // RFC 791: IHL in 32-bit words, options included
  if (hlen < 20) return malformed(out, `IPv4 header length ${hlen} < 20`);
  if (at + hlen > len) return malformed(out, 'IPv4 options truncated');
  let total = (d[at + 2]! << 8) | d[at + 3]!;
  // A total length of 0 is what TCP segmentation offload leaves in captures taken on the sender;
  // Wireshark then uses the captured length, and so do we.
  if (total === 0) total = len - at;
  if (total < hlen) return malformed(out, `IPv4 total length ${total} < header length ${hlen}`);
  out.version = 4;
  out.src = at + 12;
  out.dst = at + 16;
  out.protocol = d[at + 9]!;
  out.payload = at + hlen;
  out.wireEnd = at + total;
  out.end = Math.min(at + total, len);
  const flagsFrag = (d[at + 6]! << 8) | d[at + 7]!;
  // RFC 791: MF set or a non-zero fragment offset means this is one piece of a datagram.
  if ((flagsFrag & 0x3fff) !== 0) {
    out.fragId = (d[at + 4]! << 8) | d[at + 5]!;
    return IP_FRAGMENT;
  }
  return IP_OK;
}

function parseIpv6(d: Uint8Array, at: number, len: number, out: IpInfo): IpStatus {
  if (at + 40 > len) return malformed(out, 'IPv6 header truncated');
  if (d[at]! >> 4 !== 6) return malformed(out, `IP version ${d[at]! >> 4} where IPv6 was expected`);
  const plen = (d[at + 4]! << 8) | d[at + 5]!;
  let next = d[at + 6]!;
  out.version = 6;
  out.src = at + 8;
  out.dst = at + 24;
  // Payload length 0 with a Hop-by-Hop header is a jumbogram (RFC 2675); use what was captured.
  const wireEnd = plen === 0 && next === 0 ? len : at + 40 + plen;
  out.wireEnd = wireEnd;
  out.end = Math.min(wireEnd, len);
  let p = at + 40;
  for (let i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
    switch (next) {
      case 0: // Hop-by-Hop Options
      case 43: // Routing
      case 60: // Destination Options
        if (p + 8 > out.end) return malformed(out, `IPv6 extension header ${next} truncated`);
        next = d[p]!;
        p += (d[p + 1]! + 1) * 8; // RFC 8200 §4.3: Hdr Ext Len in 8-octet units, not counting the first 8
        break;
      case 51: // Authentication Header: RFC 4302 §2.2, Payload Len in 4-octet units minus 2
        if (p + 8 > out.end) return malformed(out, 'IPv6 AH truncated');
        next = d[p]!;
        p += (d[p + 1]! + 2) * 4;
        break;
      case 44: { // Fragment: RFC 8200 §4.5
        if (p + 8 > out.end) return malformed(out, 'IPv6 Fragment header truncated');
        const offM = (d[p + 2]! << 8) | d[p + 3]!;
        next = d[p]!;
        if ((offM & 0xfff9) !== 0) {
          // offset != 0 or M set; offset 0 and M clear is an atomic fragment (RFC 6946): carry on.
          out.fragId = (d[p + 4]! * 0x1000000) + ((d[p + 5]! << 16) | (d[p + 6]! << 8) | d[p + 7]!);
          out.protocol = next;
          out.payload = p + 8;
          return IP_FRAGMENT;
        }
        p += 8;
        break;
      }
      default:
        if (p > out.end) return malformed(out, 'IPv6 extension headers overrun the packet');
        out.protocol = next;
        out.payload = p;
        return IP_OK;
    }
  }
  return malformed(out, `more than ${MAX_IPV6_EXT_HEADERS} IPv6 extension headers`);
}

export { ipv4String, ipv6String } from '../util/ip-text.js';
