// Classic libpcap files through pcap-parser, wrapped for the gaps listed in
// ../shared/LIBRARIES.md §2: it rejects the nanosecond magic, is silent about truncated
// files, never bounds capturedLength and leaves the file stream open after an error.
//
// We read the file ourselves (chunks.ts: two read buffers used in turn) and hand pcap-parser the
// bytes as synchronous 'data' events on a stand-in stream. Two costs go away that way, each
// larger than all of pcap-parser's own parsing: a fresh read buffer per chunk (its pages are
// faulted in anew by every read on VMs where that is slow), and pcap-parser's copy of its
// leftover plus each new chunk into a fresh zero-filled buffer, which ParserFeed avoids by
// giving it only whole pieces. Packet data handed to the sink is a view of the read
// buffer, valid only during sink.packet() (CapturedPacket.data says so; what outlives the call
// is copied by reassembly and by the TLS session).
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { GlobalHeader, Packet, PacketHeader, Parser } from 'pcap-parser';
import { CaptureError, type CapturedPacket, type FormatContext, type FormatResult } from './types.js';

/** Floor of the per-record caplen cap: tcpdump's MAXIMUM_SNAPLEN (262144), the largest any libpcap writes. */
export const PCAP_MIN_CAPLEN_CAP = 262144;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

/**
 * Hands pcap-parser the file's bytes so that it never has a leftover to copy, without reading a
 * header itself: pcap-parser parses the global header and every record header, once, and its
 * events ('globalHeader', 'packetHeader', 'packet') say what it waits for when a read ends inside
 * a piece, which `waitingFor` turns into that piece's length. Such a start of a piece (a view of
 * the read buffer, which is read into again) is taken out of the parser and copied; the bytes
 * that complete it are copied to it from the next reads, and the whole piece handed over once.
 * Whole records inside a read go out as views of it. It also rewrites the nanosecond magic to the
 * microsecond one of the same byte order so pcap-parser accepts it (the 'microseconds' it reports
 * are then ns).
 */
class ParserFeed {
  private seen = 0;
  /** The start of the piece pcap-parser waits for, copied out of it. */
  private held: Buffer[] = [];
  private heldLen = 0;

  /**
   * `waitingFor` is the length of the piece pcap-parser is in (the global header, a record header
   * or a record's data), known from its events; `stopped` is true once reading has ended.
   */
  constructor(
    private readonly parser: Parser,
    private readonly feed: SyncFeed,
    private readonly ns: boolean,
    private readonly waitingFor: () => number,
    private readonly stopped: () => boolean,
  ) {}

  /** Bytes of the unfinished piece held here (of a record's data: without the header pcap-parser has already parsed). */
  get heldBytes(): number {
    return this.heldLen;
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
    let pos = 0;
    while (this.heldLen > 0) {
      // Complete the held piece, hand it over whole (pcap-parser parses all of it), and go on:
      // a record header handed over this way leaves pcap-parser waiting for the data that follows.
      const take = Math.min(this.waitingFor() - this.heldLen, chunk.length - pos);
      this.held.push(Buffer.from(chunk.subarray(pos, pos + take)));
      this.heldLen += take;
      pos += take;
      if (this.heldLen < this.waitingFor()) return;
      const piece = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldLen);
      this.held = [];
      this.heldLen = 0;
      this.give(piece);
      if (this.stopped()) return;
    }
    if (pos < chunk.length) this.give(chunk.subarray(pos));
    const rest = this.parser.buffer;
    if (rest !== null && rest.length > 0 && !this.stopped()) {
      this.held = [Buffer.from(rest)];
      this.heldLen = rest.length;
      this.parser.buffer = null;
    }
  }

  private give(piece: Buffer): void {
    // With nothing left over pcap-parser takes the piece as its buffer instead of copying it.
    if (this.parser.buffer !== null && this.parser.buffer.length === 0) this.parser.buffer = null;
    this.feed.emit('data', piece);
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
  /** Largest captured length believed: the snaplen, at least PCAP_MIN_CAPLEN_CAP. */
  let cap = PCAP_MIN_CAPLEN_CAP;
  /** Captured length of the record whose header pcap-parser parsed and whose data it waits for; -1 between records. */
  let dataLength = -1;
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
    cap = Math.max(h.snapshotLength, PCAP_MIN_CAPLEN_CAP);
    // draft-ietf-opsawg-pcap §4: the link type is the low 16 bits; the high bits carry FCS info.
    linkType = h.linkLayerType & 0xffff;
    // pcap-parser's version test is `major != 2 && minor != 4`, so 2.3 etc. slip through.
    if (h.majorVersion !== 2 || h.minorVersion !== 4) {
      ctx.sink.warning(`${ctx.path}: unusual pcap version ${h.majorVersion}.${h.minorVersion} (expected 2.4); reading anyway`);
    }
    ctx.onLinkType(linkType);
  });
  // Checked as pcap-parser parses each record header, before it would buffer the rest of the
  // file waiting for a captured length that is garbage.
  parser.on('packetHeader', (h: PacketHeader) => {
    if (settled) return;
    if (h.capturedLength > cap) {
      ctx.sink.warning(
        `${ctx.path}: corrupt record header for packet ${packets + 1} at offset ${offset}: ` +
          `captured length ${h.capturedLength} exceeds ${cap}; stopped reading (${notRead(ctx.fileSize, offset)})`,
      );
      finish();
      return;
    }
    dataLength = h.capturedLength;
  });
  // One object for every packet: the sink may use it only during its call (CapturedPacket).
  const p: CapturedPacket = { index: 0, sec: 0, nsec: 0, linkType: 0, caplen: 0, origLen: 0, data: new Uint8Array(0) };
  parser.on('packet', (pkt: Packet) => {
    if (settled) return;
    const h = pkt.header;
    dataLength = -1;
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

  const input = new ParserFeed(
    parser,
    feed,
    ns,
    () => (header === null ? GLOBAL_HEADER_LEN : dataLength >= 0 ? dataLength : RECORD_HEADER_LEN),
    () => settled,
  );
  /** Bytes of the incomplete last record at the end of the file. */
  let truncated = 0;
  try {
    bytesRead = await ctx.read((chunk) => {
      input.write(chunk);
      return !settled;
    });
  } catch (e) {
    finish(e);
  }
  if (!settled) {
    // The incomplete last record: its header when pcap-parser has parsed it, and what of the rest
    // the feed holds (pcap-parser never sees it).
    truncated = (dataLength >= 0 ? RECORD_HEADER_LEN : 0) + input.heldBytes;
    feed.emit('end');
  }
  if (failure !== undefined) throw failure;
  return { packets, bytes: bytesRead };
}
