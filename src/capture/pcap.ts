// Classic libpcap files through pcap-parser, wrapped for the gaps listed in
// ../shared/LIBRARIES.md §2: it rejects the nanosecond magic, is silent about truncated
// files, never bounds capturedLength and leaves the file stream open after an error.
//
// We read the file ourselves (chunks.ts: two read buffers used in turn) and hand pcap-parser the
// bytes as synchronous 'data' events on a stand-in stream. Two costs go away that way, each
// larger than all of pcap-parser's own parsing: a fresh read buffer per chunk (its pages are
// faulted in anew by every read on VMs where that is slow), and pcap-parser's copy of its
// leftover plus each new chunk into a fresh zero-filled buffer, which RecordAligner avoids by
// cutting the input at record boundaries. Packet data handed to the sink is a view of the read
// buffer, valid only during sink.packet() (CapturedPacket.data says so; what outlives the call
// is copied by reassembly and by the TLS session).
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { GlobalHeader, Packet } from 'pcap-parser';
import { CaptureError, type CapturedPacket, type FormatContext, type FormatResult } from './types.js';

/** Floor of the per-record caplen cap: tcpdump's MAXIMUM_SNAPLEN (262144), the largest any libpcap writes. */
export const PCAP_MIN_CAPLEN_CAP = 262144;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/**
 * Cuts the file's bytes into pieces that end on record boundaries, so pcap-parser never has a
 * leftover to copy. Whole records inside a read go out as views of it; a record that straddles
 * two reads is copied once, here. It also rewrites the nanosecond magic to the microsecond one
 * of the same byte order so pcap-parser accepts it (the 'microseconds' it reports are then ns).
 */
class RecordAligner {
  private seen = 0;
  /** The start of a record (or of the global header) that straddles reads, copied. */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** Length of the pending piece once its header is known, else -1. */
  private pieceLen = -1;
  private headerSeen = false;
  private little = true;
  private cap = PCAP_MIN_CAPLEN_CAP;
  /** Past a record length we will not buffer: nothing more goes out. */
  private stopped = false;

  /**
   * `out` gets the pieces; `corrupt` is told of a record header whose captured length is over
   * the cap, once every record before it has gone out (readPcap's own count is then at it).
   */
  constructor(
    private readonly ns: boolean,
    private readonly out: (piece: Buffer) => void,
    private readonly corrupt: (caplen: number, cap: number) => void,
  ) {}

  /** Bytes of an incomplete record (or global header) still held: at the end of the file, what the truncation cut. */
  get heldBytes(): number {
    return this.pendingLen;
  }

  /** Takes the next bytes of the file; `chunk` may be reused by the caller once this returns. */
  write(chunk: Buffer): void {
    if (this.ns && this.seen < 4) {
      // a1b23c4d -> a1b2c3d4 (BE) and 4d3cb2a1 -> d4c3b2a1 (LE): 3c and 4d become c3 and d4.
      for (let i = 0; i < chunk.length && this.seen + i < 4; i++) {
        if (chunk[i] === 0x3c) chunk[i] = 0xc3;
        else if (chunk[i] === 0x4d) chunk[i] = 0xd4;
      }
    }
    this.seen += chunk.length;
    if (!this.stopped) this.align(chunk);
  }

  private align(chunk: Buffer): void {
    let pos = 0;
    if (this.pendingLen > 0) {
      if (this.pieceLen < 0) {
        const hdr = this.headerSeen ? RECORD_HEADER_LEN : GLOBAL_HEADER_LEN;
        pos = this.addPending(chunk, 0, hdr);
        if (this.pendingLen < hdr) return;
        const head = Buffer.concat(this.pending, this.pendingLen);
        this.pending = [head];
        this.pieceLen = this.pieceLength(head, 0);
        if (this.pieceLen < 0) return this.giveUp(head);
      }
      pos = this.addPending(chunk, pos, this.pieceLen);
      if (this.pendingLen < this.pieceLen) return;
      this.out(Buffer.concat(this.pending, this.pendingLen));
      this.pending = [];
      this.pendingLen = 0;
      this.pieceLen = -1;
    }
    let cut = pos;
    if (!this.headerSeen && cut + GLOBAL_HEADER_LEN <= chunk.length) cut += this.pieceLength(chunk, cut);
    if (this.headerSeen) {
      // The record walk, inlined: it runs once per packet.
      const cap = this.cap;
      const len = chunk.length;
      const le = this.little;
      while (cut + RECORD_HEADER_LEN <= len) {
        const c = cut + 8;
        const caplen = le
          ? (chunk[c]! | (chunk[c + 1]! << 8) | (chunk[c + 2]! << 16)) + chunk[c + 3]! * 0x1000000
          : chunk[c]! * 0x1000000 + ((chunk[c + 1]! << 16) | (chunk[c + 2]! << 8) | chunk[c + 3]!);
        if (caplen > cap) {
          if (cut > pos) this.out(chunk.subarray(pos, cut));
          return this.giveUp(chunk.subarray(cut));
        }
        if (cut + RECORD_HEADER_LEN + caplen > len) {
          this.pieceLen = RECORD_HEADER_LEN + caplen;
          break;
        }
        cut += RECORD_HEADER_LEN + caplen;
      }
    }
    if (cut > pos) this.out(chunk.subarray(pos, cut));
    if (cut < chunk.length) this.addPending(chunk, cut, chunk.length);
  }

  /** Copies chunk bytes from `at` into the pending piece until it holds `upTo` bytes; returns the new position. */
  private addPending(chunk: Buffer, at: number, upTo: number): number {
    const take = Math.min(Math.max(0, upTo - this.pendingLen), chunk.length - at);
    if (take > 0) {
      this.pending.push(Buffer.from(chunk.subarray(at, at + take)));
      this.pendingLen += take;
    }
    return at + take;
  }

  /** Length of the piece whose header starts at `at` (the global header, or a record), or -1 for a record we will not buffer. */
  private pieceLength(b: Buffer, at: number): number {
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.little = b[at] === 0xd4; // the magic, already rewritten to its microsecond form
      this.cap = Math.max(this.little ? b.readUInt32LE(at + 16) : b.readUInt32BE(at + 16), PCAP_MIN_CAPLEN_CAP);
      return GLOBAL_HEADER_LEN;
    }
    const caplen = this.little ? b.readUInt32LE(at + 8) : b.readUInt32BE(at + 8);
    return caplen > this.cap ? -1 : RECORD_HEADER_LEN + caplen;
  }

  /** `header` starts with the record header whose length is over the cap. */
  private giveUp(header: Buffer): void {
    this.stopped = true;
    this.pending = [];
    this.pendingLen = 0;
    this.corrupt(this.little ? header.readUInt32LE(8) : header.readUInt32BE(8), this.cap);
  }
}

/** What pcap-parser needs of a Readable: 'data'/'end'/'error' events, pause() and resume(). */
class SyncFeed extends EventEmitter {
  pause(): void {}
  resume(): void {}
}

/** What a stop left unread: its size in a file; a pipe's rest is unknown. */
export function notRead(fileSize: number, offset: number): string {
  return Number.isFinite(fileSize) ? `${Math.max(0, fileSize - offset)} bytes not read` : 'the rest of the input not read';
}

export async function readPcap(ctx: FormatContext, ns: boolean): Promise<FormatResult> {
  const feed = new SyncFeed();
  const parser = pcapParser.parse(feed as unknown as Readable);
  let failure: unknown;
  let settled = false;
  let header: GlobalHeader | null = null;
  let linkType = 0;
  let packets = 0;
  let bytesRead = 0;
  let offset = GLOBAL_HEADER_LEN; // file offset of the next record header
  const nsecFactor = ns ? 1 : 1000;
  const finish = (err?: unknown): void => {
    if (settled) return;
    settled = true;
    parser.errored = true;
    failure = err;
  };

  parser.on('error', (e: Error) => {
    // Only the header checks of pcap-parser raise errors (magic, version).
    finish(new CaptureError(`${ctx.path}: ${e.message}`));
  });
  parser.on('globalHeader', (h: GlobalHeader) => {
    header = h;
    // draft-ietf-opsawg-pcap §4: the link type is the low 16 bits; the high bits carry FCS info.
    linkType = h.linkLayerType & 0xffff;
    // pcap-parser's version test is `major != 2 && minor != 4`, so 2.3 etc. slip through.
    if (h.majorVersion !== 2 || h.minorVersion !== 4) {
      ctx.sink.warning(`${ctx.path}: unusual pcap version ${h.majorVersion}.${h.minorVersion} (expected 2.4); reading anyway`);
    }
    ctx.onLinkType(linkType);
  });
  // One object for every packet: the sink may use it only during its call (CapturedPacket).
  const p: CapturedPacket = { index: 0, sec: 0, nsec: 0, linkType: 0, caplen: 0, origLen: 0, data: new Uint8Array(0) };
  parser.on('packet', (pkt: Packet) => {
    if (settled) return;
    const h = pkt.header;
    packets++;
    offset += RECORD_HEADER_LEN + h.capturedLength;
    p.index = packets;
    p.sec = h.timestampSeconds;
    p.nsec = h.timestampMicroseconds * nsecFactor;
    p.linkType = linkType;
    p.caplen = h.capturedLength;
    p.origLen = h.originalLength;
    p.data = pkt.data;
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
    if (truncated > 0) {
      ctx.sink.warning(`${ctx.path}: capture truncated after ${packets} packets (${truncated} bytes left over)`);
    }
    finish();
  });

  // The aligner reads every record header before pcap-parser does, so a captured length over the
  // cap is caught there, before pcap-parser would buffer the rest of the file waiting for it.
  const aligner = new RecordAligner(
    ns,
    (piece) => {
      if (settled) return;
      // With nothing left over pcap-parser takes the piece as its buffer instead of copying it.
      if (parser.buffer !== null && parser.buffer.length === 0) parser.buffer = null;
      feed.emit('data', piece);
    },
    (caplen, max) => {
      if (settled) return;
      ctx.sink.warning(
        `${ctx.path}: corrupt record header for packet ${packets + 1} at offset ${offset}: ` +
          `captured length ${caplen} exceeds ${max}; stopped reading (${notRead(ctx.fileSize, offset)})`,
      );
      finish();
    },
  );
  /** Bytes of the incomplete last record at the end of the file (the aligner holds them). */
  let truncated = 0;
  try {
    bytesRead = await ctx.read((chunk) => {
      aligner.write(chunk);
      return !settled;
    });
  } catch (e) {
    finish(e);
  }
  if (!settled) {
    // What the aligner still holds is the incomplete last record: pcap-parser never sees it.
    truncated = aligner.heldBytes;
    feed.emit('end');
  }
  if (failure !== undefined) throw failure;
  return { packets, bytes: bytesRead };
}
