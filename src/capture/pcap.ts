// Classic libpcap files through pcap-parser, wrapped for the gaps listed in
// /work/shared/LIBRARIES.md §2: it rejects the nanosecond magic, is silent about truncated
// files, never bounds capturedLength and leaves the file stream open after an error.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { GlobalHeader, PacketHeader, Packet } from 'pcap-parser';
import { CaptureError, type CapturedPacket, type FormatContext, type FormatResult } from './types.js';

/** Floor of the per-record caplen cap: tcpdump's MAXIMUM_SNAPLEN (262144), the largest any libpcap writes. */
export const PCAP_MIN_CAPLEN_CAP = 262144;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/**
 * Counts bytes for progress and, for nanosecond files, rewrites the magic to the microsecond one
 * of the same byte order so pcap-parser accepts it; the 'microseconds' it reports are then ns.
 */
class MagicShim extends Transform {
  private seen = 0;
  constructor(
    private readonly ns: boolean,
    private readonly onBytes: (n: number) => void,
    private readonly backpressure: () => Promise<void> | undefined,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.ns && this.seen < 4) {
      // a1b23c4d -> a1b2c3d4 (BE) and 4d3cb2a1 -> d4c3b2a1 (LE): 3c and 4d become c3 and d4.
      for (let i = 0; i < chunk.length && this.seen + i < 4; i++) {
        if (chunk[i] === 0x3c) chunk[i] = 0xc3;
        else if (chunk[i] === 0x4d) chunk[i] = 0xd4;
      }
    }
    this.seen += chunk.length;
    this.onBytes(this.seen);
    // pcap-parser handles the chunk synchronously inside push(); holding back the callback
    // then holds back the file (pipe backpressure) until the consumer has caught up.
    this.push(chunk);
    const wait = this.backpressure();
    if (wait) wait.then(() => done(), done);
    else done();
  }
}

export function readPcap(ctx: FormatContext, ns: boolean): Promise<FormatResult> {
  return new Promise<FormatResult>((resolve, reject) => {
    const file = createReadStream(ctx.path, { highWaterMark: ctx.highWaterMark });
    let bytesRead = 0;
    const shim = new MagicShim(
      ns,
      (n) => {
        bytesRead = n;
        ctx.onBytes(n);
      },
      ctx.backpressure,
    );
    file.pipe(shim);
    const parser = pcapParser.parse(shim);

    let settled = false;
    let header: GlobalHeader | null = null;
    let cap = PCAP_MIN_CAPLEN_CAP;
    let linkType = 0;
    let packets = 0;
    let offset = GLOBAL_HEADER_LEN; // file offset of the next record header
    let pendingHeader = false;
    const nsecFactor = ns ? 1 : 1000;

    const stop = (): void => {
      parser.errored = true;
      file.unpipe(shim);
      file.destroy();
      shim.destroy();
    };
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      stop();
      if (err !== undefined) reject(err);
      else resolve({ packets, bytes: bytesRead });
    };

    file.on('error', (e) => finish(new CaptureError(`${ctx.path}: read error: ${e.message}`)));
    parser.on('error', (e: Error) => {
      // Only the header checks of pcap-parser raise errors (magic, version); the stream's own
      // errors are handled on `file` above.
      finish(new CaptureError(`${ctx.path}: ${e.message}`));
    });
    parser.on('globalHeader', (h: GlobalHeader) => {
      header = h;
      // draft-ietf-opsawg-pcap §4: the link type is the low 16 bits; the high bits carry FCS info.
      linkType = h.linkLayerType & 0xffff;
      cap = Math.max(h.snapshotLength, PCAP_MIN_CAPLEN_CAP);
      // pcap-parser's version test is `major != 2 && minor != 4`, so 2.3 etc. slip through.
      if (h.majorVersion !== 2 || h.minorVersion !== 4) {
        ctx.sink.warning(`${ctx.path}: unusual pcap version ${h.majorVersion}.${h.minorVersion} (expected 2.4); reading anyway`);
      }
      ctx.onLinkType(linkType);
    });
    parser.on('packetHeader', (h: PacketHeader) => {
      if (settled) return;
      pendingHeader = true;
      if (h.capturedLength > cap) {
        const left = Math.max(0, ctx.fileSize - offset);
        ctx.sink.warning(
          `${ctx.path}: corrupt record header for packet ${packets + 1} at offset ${offset}: ` +
            `captured length ${h.capturedLength} exceeds ${cap}; stopped reading (${left} bytes not read)`,
        );
        finish();
      }
    });
    parser.on('packet', (pkt: Packet) => {
      if (settled) return;
      pendingHeader = false;
      const h = pkt.header;
      packets++;
      offset += RECORD_HEADER_LEN + h.capturedLength;
      const p: CapturedPacket = {
        index: packets,
        sec: h.timestampSeconds,
        nsec: h.timestampMicroseconds * nsecFactor,
        linkType,
        caplen: h.capturedLength,
        origLen: h.originalLength,
        data: pkt.data,
      };
      try {
        ctx.sink.packet(p);
      } catch (e) {
        finish(e);
      }
    });
    parser.on('end', () => {
      if (settled) return;
      if (header === null) {
        finish(new CaptureError(`${ctx.path}: truncated pcap global header (${bytesRead} of ${GLOBAL_HEADER_LEN} bytes)`));
        return;
      }
      const left = parser.buffer ? parser.buffer.length + (pendingHeader ? RECORD_HEADER_LEN : 0) : 0;
      if (left > 0) {
        ctx.sink.warning(`${ctx.path}: capture truncated after ${packets} packets (${left} bytes left over)`);
      }
      finish();
    });
  });
}
