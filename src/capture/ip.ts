// IPv4 (RFC 791) and IPv6 (RFC 8200) headers, down to the transport header. Writes into a
// caller-owned scratch object and reads through one re-pointed ByteReader, so the per-packet
// path allocates nothing.
import { ByteReader } from '../bytes/reader.js';

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

/**
 * The one reader every IP header is read through, re-pointed per packet (no allocation per
 * packet). Synchronous use only: parseIp() is done with it when it returns. Every check that
 * decides a packet is malformed is made before the read it guards, with the wording of the
 * warning; the reader's own bounds are the backstop (a read past them would throw Truncated).
 */
const header = new ByteReader(new Uint8Array(0), 0, 'IP');

function parseIpv4(d: Uint8Array, at: number, len: number, out: IpInfo): IpStatus {
  // RFC 791 §3.1: the fields by their offsets in the header.
  const r = header.reset(d, at, len);
  if (r.remaining < 20) return malformed(out, 'IPv4 header truncated');
  const vihl = r.u8At(0);
  if (vihl >> 4 !== 4) return malformed(out, `IP version ${vihl >> 4} where IPv4 was expected`);
  const hlen = (vihl & 0x0f) * 4; // IHL in 32-bit words, options included
  if (hlen < 20) return malformed(out, `IPv4 header length ${hlen} < 20`);
  if (hlen > r.remaining) return malformed(out, 'IPv4 options truncated');
  let total = r.u16At(2);
  // A total length of 0 is what TCP segmentation offload leaves in captures taken on the sender;
  // Wireshark then uses the captured length, and so do we.
  if (total === 0) total = len - at;
  if (total < hlen) return malformed(out, `IPv4 total length ${total} < header length ${hlen}`);
  out.version = 4;
  out.src = at + 12;
  out.dst = at + 16;
  out.protocol = r.u8At(9);
  out.payload = at + hlen;
  out.wireEnd = at + total;
  out.end = Math.min(at + total, len);
  // MF set or a non-zero fragment offset means this is one piece of a datagram.
  if ((r.u16At(6) & 0x3fff) !== 0) {
    out.fragId = r.u16At(4);
    return IP_FRAGMENT;
  }
  return IP_OK;
}

/** Moves past an extension header of n bytes if they were captured; false (not moved) when it runs past `r`'s end. */
function skipWithin(r: ByteReader, n: number): boolean {
  if (n > r.remaining) return false;
  r.skip(n);
  return true;
}

function parseIpv6(d: Uint8Array, at: number, len: number, out: IpInfo): IpStatus {
  // RFC 8200 §3: the fixed header by offsets, then the extension headers in turn (a cursor).
  let r = header.reset(d, at, len);
  if (r.remaining < 40) return malformed(out, 'IPv6 header truncated');
  const version = r.u8At(0) >> 4;
  if (version !== 6) return malformed(out, `IP version ${version} where IPv6 was expected`);
  const plen = r.u16At(4);
  let next = r.u8At(6);
  out.version = 6;
  out.src = at + 8;
  out.dst = at + 24;
  // Payload length 0 with a Hop-by-Hop header is a jumbogram (RFC 2675); use what was captured.
  const wireEnd = plen === 0 && next === 0 ? len : at + 40 + plen;
  out.wireEnd = wireEnd;
  out.end = Math.min(wireEnd, len);
  // The extension headers are read within the payload as captured (out.end >= at + 40: wireEnd and len both are).
  r = header.reset(d, at + 40, out.end);
  /** An extension header's length ran past the captured payload: whatever follows is cut off. */
  let past = false;
  for (let i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
    switch (next) {
      case 0: // Hop-by-Hop Options
      case 43: // Routing
      case 60: { // Destination Options
        if (past || r.remaining < 8) return malformed(out, `IPv6 extension header ${next} truncated`);
        // RFC 8200 §4.3: Hdr Ext Len in 8-octet units, not counting the first 8
        const extLen = (r.u8At(1) + 1) * 8;
        next = r.u8At(0);
        past = !skipWithin(r, extLen);
        break;
      }
      case 51: { // Authentication Header: RFC 4302 §2.2, Payload Len in 4-octet units minus 2
        if (past || r.remaining < 8) return malformed(out, 'IPv6 AH truncated');
        const ahLen = (r.u8At(1) + 2) * 4;
        next = r.u8At(0);
        past = !skipWithin(r, ahLen);
        break;
      }
      case 44: { // Fragment: RFC 8200 §4.5
        if (past || r.remaining < 8) return malformed(out, 'IPv6 Fragment header truncated');
        next = r.u8At(0);
        if ((r.u16At(2) & 0xfff9) !== 0) {
          // offset != 0 or M set; offset 0 and M clear is an atomic fragment (RFC 6946): carry on.
          out.fragId = r.u32At(4);
          out.protocol = next;
          out.payload = r.offset + 8;
          return IP_FRAGMENT;
        }
        r.skip(8);
        break;
      }
      default:
        if (past) return malformed(out, 'IPv6 extension headers overrun the packet');
        out.protocol = next;
        out.payload = r.offset;
        return IP_OK;
    }
  }
  return malformed(out, `more than ${MAX_IPV6_EXT_HEADERS} IPv6 extension headers`);
}

export { ipv4String, ipv6String } from '../util/ip-text.js';
