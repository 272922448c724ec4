import { CaptureError } from './types.js';

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** Byte order of a classic pcap file, from its magic. */
export interface Sniffed {
  format: CaptureFormat;
  /** true when the file's multi-byte fields are little-endian (classic pcap only). */
  littleEndian: boolean;
}

/**
 * Identifies a capture by its first 4 bytes.
 * Classic pcap magics: 0xa1b2c3d4 (µs) and 0xa1b23c4d (ns), written in the capturing host's
 * byte order (draft-ietf-opsawg-pcap §4); pcapng starts with the SHB type 0x0a0d0d0a, which
 * reads the same in both orders (draft-ietf-opsawg-pcapng §4.1).
 */
export function sniff(head: Uint8Array, path = ''): Sniffed {
  if (head.length < 4) {
    throw new CaptureError(`${path}: too short to be a capture file (${head.length} byte${head.length === 1 ? '' : 's'})`);
  }
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  switch (be) {
    case 0xa1b2c3d4: return { format: 'pcap', littleEndian: false };
    case 0xd4c3b2a1: return { format: 'pcap', littleEndian: true };
    case 0xa1b23c4d: return { format: 'pcap-ns', littleEndian: false };
    case 0x4d3cb2a1: return { format: 'pcap-ns', littleEndian: true };
    case 0x0a0d0d0a: return { format: 'pcapng', littleEndian: true };
    default: {
      const hex = be.toString(16).padStart(8, '0');
      throw new CaptureError(`${path}: not a pcap or pcapng file (magic 0x${hex})`);
    }
  }
}
