// Types for pcap-parser 0.2.1 (CJS, ships none). Covers what lib/pcap-parser.js emits;
// `buffer`, `errored` and `stream` are internals that src/capture/pcap.ts relies on to detect
// truncation and to stop the parser (see ../shared/LIBRARIES.md §2, next to the repository).
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }
  export interface PacketHeader {
    timestampSeconds: number;
    /** Nanoseconds when the file had the ns magic (rewritten before parsing). */
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }
  export interface Packet {
    header: PacketHeader;
    data: Buffer;
  }
  export interface Parser extends EventEmitter {
    on(event: 'globalHeader', listener: (h: GlobalHeader) => void): this;
    on(event: 'packetHeader', listener: (h: PacketHeader) => void): this;
    on(event: 'packetData', listener: (d: Buffer) => void): this;
    on(event: 'packet', listener: (p: Packet) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (e: Error) => void): this;
    /** Internal: bytes received but not yet parsed (null before the first chunk). */
    buffer: Buffer | null;
    /** Internal: when true, further 'data' is ignored. */
    errored?: boolean;
    stream: Readable;
  }
  export function parse(input: string | Readable): Parser;
  const _default: { parse: typeof parse };
  export default _default;
}
