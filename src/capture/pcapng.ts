// Streaming pcapng reader (draft-ietf-opsawg-pcapng). Our own, because the only npm candidate
// crashes on files written by editcap/tshark (see ../shared/LIBRARIES.md §2, next to the repository).
// Blocks are parsed in place from the read buffers (chunks.ts); only a block straddling two reads
// is copied. Every field is read through one ByteReader, re-pointed at each block, its offsets
// those of the file.
import { ByteReader } from '../bytes/reader.js';
import { notRead } from './pcap.js';
import { CaptureError, type CapturedPacket, type FormatContext, type FormatResult } from './types.js';
import { DEFAULT_TSRESOL, splitTimestamp, tsResolution, type TsResolution } from './timestamp.js';
import { decodeDecryptionSecretsBlock, tlsKeyLogText } from './dsb.js';
import { describeError } from '../bytes/errors.js';

/** Largest block we buffer. Packet blocks are bounded by snaplen (<= 256 KiB in practice); this leaves room for big NRB/DSB/custom blocks. */
export const PCAPNG_MAX_BLOCK = 64 * 1024 * 1024;

const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2; // obsolete Packet Block (pcapng §Appendix A)
const SPB = 3;
const EPB = 6;
const DSB = 0x0a;
const CB_COPY = 0xbad;
const CB_NOCOPY = 0x40000bad;
const BOM = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

const BLOCK_NAMES: Record<number, string> = {
  [SHB]: 'SHB', [IDB]: 'IDB', [PB]: 'PB', [SPB]: 'SPB', 4: 'NRB', 5: 'ISB', [EPB]: 'EPB',
  [DSB]: 'DSB', [CB_COPY]: 'CB', [CB_NOCOPY]: 'CB',
};

export function blockName(type: number): string {
  const hex = `0x${type.toString(16).padStart(8, '0')}`;
  const name = BLOCK_NAMES[type];
  return name ? `${name} ${hex}` : `type ${hex}`;
}

interface Iface {
  linkType: number;
  snaplen: number;
  res: TsResolution;
  /** if_tsoffset: seconds added to every timestamp of this interface. */
  tsOffset: number;
}

/** Thrown inside the block loop; readPcapng turns it into a CaptureError (first block) or a warning. */
class BlockError extends Error {}

class PcapngParser {
  private le = true;
  private sectionSeen = false;
  private ifaces: Iface[] = [];
  private parts: Buffer[] = [];
  private partsLen = 0;
  private need = 12;
  /** File offset of the first unparsed byte. */
  offset = 0;
  packets = 0;
  private readonly ts: [number, number] = [0, 0];
  private unknownIfaceWarned = false;
  /** Handed to the sink for every packet (CapturedPacket: the sink copies what it keeps). */
  private readonly packet: CapturedPacket = { index: 0, sec: 0, nsec: 0, linkType: 0, caplen: 0, origLen: 0, data: new Uint8Array(0) };

  constructor(private readonly ctx: FormatContext) {}

  /** The reader every block is read through (see readerAt()). */
  private readonly reader = new ByteReader(new Uint8Array(0), 0, 'pcapng');

  /** The reader re-pointed at buf[pos, end), where buf[pos] is the file's byte at this.offset. */
  private readerAt(buf: Buffer, pos: number, end: number): ByteReader {
    return this.reader.reset(buf, pos, end, this.offset - pos);
  }
  /** The field `at` bytes past r's position, in the section's byte order. */
  private u16(r: ByteReader, at: number): number {
    return this.le ? r.u16leAt(at) : r.u16At(at);
  }
  private u32(r: ByteReader, at: number): number {
    return this.le ? r.u32leAt(at) : r.u32At(at);
  }

  /**
   * Feeds the next bytes of the file. `chunk` may be reused by the caller once this returns:
   * blocks are parsed in place, and only what waits for more bytes (a block straddling two
   * reads) is copied, just its own bytes.
   */
  push(chunk: Buffer): void {
    let pos = 0;
    while (this.partsLen > 0) {
      const take = Math.min(this.need - this.partsLen, chunk.length - pos);
      if (take > 0) {
        this.parts.push(Buffer.from(chunk.subarray(pos, pos + take)));
        this.partsLen += take;
        pos += take;
      }
      if (this.partsLen < this.need) return;
      const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLen);
      const used = this.parse(buf, 0);
      // Still short (the header told us the block's length): keep it and take more.
      this.parts = used < buf.length ? [buf.subarray(used)] : [];
      this.partsLen = buf.length - used;
    }
    const used = this.parse(chunk, pos);
    if (used < chunk.length) {
      this.parts = [Buffer.from(chunk.subarray(used))];
      this.partsLen = chunk.length - used;
    }
  }

  /** Parses whole blocks of buf from `start`; returns where it stopped and sets `need` for the rest. */
  private parse(buf: Buffer, start: number): number {
    let pos = start;
    const end = buf.length;
    for (;;) {
      const avail = end - pos;
      if (avail < 12) {
        this.need = 12;
        break;
      }
      const r = this.readerAt(buf, pos, end);
      let type = this.u32(r, 0);
      if (type === SHB) {
        // The SHB type is a palindrome; its byte-order magic decides how to read its length (§4.1).
        const bom = r.u32At(8);
        if (bom === BOM) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else this.fail(pos, type, `bad byte-order magic 0x${bom.toString(16).padStart(8, '0')}`);
        type = SHB;
      } else if (!this.sectionSeen) {
        this.fail(pos, type, 'the file does not start with a Section Header Block');
      }
      const len = this.u32(r, 4);
      if (len % 4 !== 0) this.fail(pos, type, `total length ${len} is not a multiple of 4`);
      if (len < 12) this.fail(pos, type, `total length ${len} is below the minimum of 12`);
      if (len > PCAPNG_MAX_BLOCK) this.fail(pos, type, `total length ${len} exceeds the limit of ${PCAPNG_MAX_BLOCK}`);
      if (this.offset + len > this.ctx.fileSize) {
        const left = this.ctx.fileSize - this.offset;
        throw new Truncation(
          `capture truncated after ${this.packets} packets (${left} bytes left over: ` +
            `${blockName(type)} at offset ${this.offset} claims ${len} bytes)`,
        );
      }
      if (avail < len) {
        this.need = len;
        break;
      }
      const trailer = this.u32(r, len - 4);
      if (trailer !== len) this.fail(pos, type, `trailing total length ${trailer} differs from the leading ${len}`);
      this.block(buf, pos, type, len);
      pos += len;
      this.offset += len;
    }
    return pos;
  }

  /** Bytes received but not parsed (at end of file: a truncated tail). */
  get leftover(): number {
    return this.partsLen;
  }

  private fail(pos: number, type: number, why: string): never {
    void pos;
    throw new BlockError(`corrupt pcapng block at offset ${this.offset} (${blockName(type)}): ${why}`);
  }

  private block(b: Buffer, pos: number, type: number, len: number): void {
    const r = this.readerAt(b, pos, pos + len);
    switch (type) {
      case EPB: {
        if (len < 32) this.fail(pos, type, `total length ${len} is below the EPB minimum of 32`);
        const ifId = this.u32(r, 8);
        const caplen = this.u32(r, 20);
        if (caplen > len - 32) this.fail(pos, type, `captured length ${caplen} exceeds the block (${len} bytes)`);
        this.emit(r, ifId, this.u32(r, 12), this.u32(r, 16), caplen, this.u32(r, 24), 28);
        return;
      }
      case SPB: {
        if (len < 16) this.fail(pos, type, `total length ${len} is below the SPB minimum of 16`);
        // §4.4: SPB data is min(original length, snaplen of interface 0); it has no timestamp.
        const origLen = this.u32(r, 8);
        const snap = this.ifaces[0]?.snaplen || Infinity;
        const caplen = Math.min(origLen, snap, len - 16);
        this.emitRaw(r, 0, 0, 0, caplen, origLen, 12, true);
        return;
      }
      case PB: {
        if (len < 32) this.fail(pos, type, `total length ${len} is below the PB minimum of 32`);
        const ifId = this.u16(r, 8);
        const caplen = this.u32(r, 20);
        if (caplen > len - 32) this.fail(pos, type, `captured length ${caplen} exceeds the block (${len} bytes)`);
        this.emit(r, ifId, this.u32(r, 12), this.u32(r, 16), caplen, this.u32(r, 24), 28);
        return;
      }
      case IDB:
        this.interfaceBlock(b, pos, len);
        return;
      case SHB: {
        if (len < 28) this.fail(pos, type, `total length ${len} is below the SHB minimum of 28`);
        const major = this.u16(r, 12);
        if (major !== 1) this.fail(pos, type, `unsupported pcapng major version ${major}`);
        // §4.1: each section has its own interfaces and byte order.
        this.sectionSeen = true;
        this.ifaces = [];
        return;
      }
      case DSB:
        this.secrets(b, pos, len);
        return;
      case CB_COPY:
      case CB_NOCOPY:
        // Wiretap hands Custom Blocks (§4.8) to tshark as records with their own frame number
        // (checked with tshark 4.0); count them so our frame numbers stay tshark's.
        this.packets++;
        return;
      default:
        return; // NRB, ISB and unknown blocks carry no packets and get no frame number
    }
  }

  /** A Decryption Secrets Block (dsb.ts): its TLS key log goes to the sink; no packet, no frame number. */
  private secrets(b: Buffer, pos: number, len: number): void {
    const sink = this.ctx.sink;
    if (!sink.secrets) return;
    let text: string | undefined;
    try {
      text = tlsKeyLogText(decodeDecryptionSecretsBlock(b.subarray(pos + 8, pos + len - 4), this.le, this.offset + 8));
    } catch (e) {
      sink.warning(`${this.ctx.path}: DSB at offset ${this.offset}: ${describeError(e)}; skipped`);
      return;
    }
    if (text !== undefined) sink.secrets(text, `${this.ctx.path} DSB at offset ${this.offset}`);
  }

  private interfaceBlock(b: Buffer, pos: number, len: number): void {
    if (len < 20) this.fail(pos, IDB, `total length ${len} is below the IDB minimum of 20`);
    const r = this.readerAt(b, pos, pos + len - 4); // the block without its trailing length
    const iface: Iface = { linkType: this.u16(r, 8), snaplen: this.u32(r, 12), res: DEFAULT_TSRESOL, tsOffset: 0 };
    // §3.5 options: code u16, length u16, value padded to 32 bits, up to opt_endofopt.
    r.skip(16);
    while (r.remaining >= 4) {
      const code = this.u16(r, 0);
      const olen = this.u16(r, 2);
      if (code === OPT_ENDOFOPT) break;
      if (4 + olen > r.remaining) {
        this.ctx.sink.warning(`${this.ctx.path}: IDB at offset ${this.offset}: option ${code} overruns the block; ignoring the remaining options`);
        break;
      }
      if (code === IF_TSRESOL && olen >= 1) iface.res = tsResolution(r.u8At(4));
      else if (code === IF_TSOFFSET && olen >= 8) {
        const lo = this.u32(r, this.le ? 4 : 8);
        const hi = this.u32(r, this.le ? 8 : 4);
        iface.tsOffset = (hi | 0) * 4294967296 + lo; // signed 64-bit seconds
      }
      const size = 4 + ((olen + 3) & ~3);
      if (size > r.remaining) break; // the padding of the last option is cut: nothing follows it
      r.skip(size);
    }
    this.ifaces.push(iface);
    this.ctx.onLinkType(iface.linkType);
  }

  /** A packet whose data is the caplen bytes `at` bytes past r's position (the block's start). */
  private emit(r: ByteReader, ifId: number, tsHigh: number, tsLow: number, caplen: number, origLen: number, at: number): void {
    this.emitRaw(r, ifId, tsHigh, tsLow, caplen, origLen, at, false);
  }

  private emitRaw(r: ByteReader, ifId: number, tsHigh: number, tsLow: number, caplen: number, origLen: number, at: number, noTs: boolean): void {
    this.packets++;
    const iface = this.ifaces[ifId];
    if (!iface) {
      if (!this.unknownIfaceWarned) {
        this.unknownIfaceWarned = true;
        this.ctx.sink.warning(`${this.ctx.path}: packet ${this.packets} at offset ${this.offset} refers to interface ${ifId}, which has no IDB; such packets are skipped`);
      }
      return;
    }
    let sec = 0;
    let nsec = 0;
    if (!noTs) {
      splitTimestamp(tsHigh, tsLow, iface.res, this.ts);
      sec = this.ts[0] + iface.tsOffset;
      nsec = this.ts[1];
    }
    const p = this.packet;
    p.index = this.packets;
    p.sec = sec;
    p.nsec = nsec;
    p.linkType = iface.linkType;
    p.caplen = caplen;
    p.origLen = origLen;
    r.skip(at);
    p.data = r.bytes(caplen);
    this.ctx.sink.packet(p);
  }
}

/** A block that would extend past the end of the file: the file was cut. */
class Truncation extends Error {}

export async function readPcapng(ctx: FormatContext): Promise<FormatResult> {
  const parser = new PcapngParser(ctx);
  let stopped = false;
  const bytes = await ctx.read((chunk) => {
    try {
      parser.push(chunk);
      return true;
    } catch (e) {
      if ((e instanceof BlockError || e instanceof Truncation) && parser.offset === 0) {
        throw new CaptureError(`${ctx.path}: ${e.message}`);
      }
      if (e instanceof BlockError || e instanceof Truncation) {
        ctx.sink.warning(`${ctx.path}: ${e.message}${e instanceof BlockError ? `; stopped reading (${notRead(ctx.fileSize, parser.offset)})` : ''}`);
        stopped = true;
        return false;
      }
      throw e; // the sink threw: not ours to swallow
    }
  });
  if (!stopped && parser.leftover > 0) {
    if (parser.offset === 0) throw new CaptureError(`${ctx.path}: truncated pcapng section header (${parser.leftover} bytes)`);
    ctx.sink.warning(`${ctx.path}: capture truncated after ${parser.packets} packets (${parser.leftover} bytes left over)`);
  }
  return { packets: parser.packets, bytes };
}
