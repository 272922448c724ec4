// Link layer -> network layer. Link type numbers: https://www.tcpdump.org/linktypes.html
// Every header is read through one ByteReader, re-pointed per frame.
import { ByteReader } from '../bytes/reader.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
/** Most VLAN tags we walk through before giving up (QinQ is 2; anything past 8 is garbage). */
export const MAX_VLAN_TAGS = 8;

export interface NetworkLayer {
  /** IP version of the payload. */
  kind: 4 | 6;
  /** Offset of the IP header in the frame. */
  offset: number;
}

/**
 * Where the IP header is, packed in one number so the per-packet path allocates nothing:
 * offset * 2, plus 1 for IPv6; NO_IP when there is none. ipOffset()/ipVersion() unpack it.
 */
export type PackedNetworkLayer = number;
export const NO_IP: PackedNetworkLayer = -1;
export const ipOffset = (nl: PackedNetworkLayer): number => nl >> 1;
export const ipVersion = (nl: PackedNetworkLayer): 4 | 6 => (nl & 1 ? 6 : 4);
const v4 = (offset: number): PackedNetworkLayer => offset << 1;
const v6 = (offset: number): PackedNetworkLayer => (offset << 1) | 1;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

function byEthertype(type: number, offset: number): PackedNetworkLayer {
  if (type === ETH_IPV4) return v4(offset);
  if (type === ETH_IPV6) return v6(offset);
  return NO_IP;
}

/** 802.1Q (0x8100), 802.1ad (0x88a8) and the pre-standard QinQ 0x9100 tag: 2 bytes TCI, then the next type. */
function isVlan(type: number): boolean {
  return type === 0x8100 || type === 0x88a8 || type === 0x9100;
}

/** The IP header after the EtherType at `typeAt` and any VLAN tags (each is its type, a 2-byte TCI, then the next type). */
function skipVlans(r: ByteReader, typeAt: number): PackedNetworkLayer {
  let at = typeAt;
  for (let i = 0; i <= MAX_VLAN_TAGS; i++) {
    if (r.remaining < at + 2) return NO_IP;
    const type = r.u16At(at);
    if (!isVlan(type)) return byEthertype(type, at + 2);
    at += 4;
  }
  return NO_IP;
}

/** BSD AF_ values for IP: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS). */
function byAf(af: number, offset: number): PackedNetworkLayer {
  if (af === 2) return v4(offset);
  if (af === 24 || af === 28 || af === 30) return v6(offset);
  return NO_IP;
}

function byVersionNibble(r: ByteReader): PackedNetworkLayer {
  if (r.remaining < 1) return NO_IP;
  const v = r.u8At(0) >> 4;
  if (v === 4) return v4(0);
  if (v === 6) return v6(0);
  return NO_IP;
}

/**
 * The one reader every frame's link header is read through, re-pointed per frame (no allocation
 * per packet). Synchronous use only: packedNetworkLayer() is done with it when it returns.
 */
const frame = new ByteReader(new Uint8Array(0), 0, 'link');

/** Where the IP header starts in a frame of this link type; null for non-IP frames and unsupported link types. */
export function networkLayer(linkType: number, d: Uint8Array, len: number = d.length): NetworkLayer | null {
  const nl = packedNetworkLayer(linkType, d, len);
  return nl === NO_IP ? null : { kind: ipVersion(nl), offset: ipOffset(nl) };
}

/** networkLayer() packed into a number (see PackedNetworkLayer), for the per-packet path. */
export function packedNetworkLayer(linkType: number, d: Uint8Array, len: number = d.length): PackedNetworkLayer {
  const r = frame.reset(d, 0, len);
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      // dst(6) src(6) type(2); a type <= 1500 is an 802.3 length (LLC follows), not IP.
      return skipVlans(r, 12);
    case LINKTYPE_LINUX_SLL:
      // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2): https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
      return skipVlans(r, 14);
    case LINKTYPE_LINUX_SLL2: {
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
      if (r.remaining < 20) return NO_IP;
      const type = r.u16At(0);
      // A VLAN protocol means the tag's TCI starts the payload and the inner type follows it.
      return isVlan(type) ? skipVlans(r, 22) : byEthertype(type, 20);
    }
    case LINKTYPE_RAW:
    case 12: // DLT_RAW on OpenBSD; tshark reads it as raw IP
    case 14: // DLT_RAW on BSD/OS; likewise
      return byVersionNibble(r);
    case LINKTYPE_IPV4:
      return r.remaining >= 1 ? v4(0) : NO_IP;
    case LINKTYPE_IPV6:
      return r.remaining >= 1 ? v6(0) : NO_IP;
    case LINKTYPE_NULL: {
      // The AF value is in the capturing host's byte order; AF values are < 256, so it is
      // either byte 0 (little-endian host) or byte 3 (big-endian host).
      if (r.remaining < 4) return NO_IP;
      const b0 = r.u8At(0);
      return byAf(b0 !== 0 ? b0 : r.u8At(3), 4);
    }
    case LINKTYPE_LOOP:
      // OpenBSD loopback: the same 4-byte AF header, always in network byte order.
      if (r.remaining < 4) return NO_IP;
      return byAf(r.u8At(3), 4);
    default:
      return NO_IP;
  }
}
