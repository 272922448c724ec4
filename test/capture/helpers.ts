// Test helpers for src/capture: tshark/editcap oracles, and builders for synthetic frames and files.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowTable, type FlowInfo, type FlowTableOptions, type CloseReason } from '../../src/capture/flows.js';
import { readCapture, type CapturedPacket, type CaptureSummary } from '../../src/capture/reader.js';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url));

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Runs at most `limit` async jobs at a time (tshark start-up dominates; the machine may have 2 cores). */
export async function pool<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-capture-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ReadResult {
  packets: CapturedPacket[];
  warnings: string[];
  summary: CaptureSummary;
}

/** Reads a capture keeping copies of every packet (the reader hands out views of a reused buffer). */
export async function readAll(path: string, chunkBytes?: number): Promise<ReadResult> {
  const packets: CapturedPacket[] = [];
  const warnings: string[] = [];
  const summary = await readCapture(
    path,
    { packet: (p) => packets.push({ ...p, data: new Uint8Array(p.data) }), warning: (m) => warnings.push(m) },
    chunkBytes ? { chunkBytes } : {},
  );
  return { packets, warnings, summary };
}

export interface FollowedFlow {
  info: FlowInfo;
  /** Per side, the stream as tshark's follow,tcp,raw shows it: hex, with gaps as its "[N bytes missing in capture file]" text. */
  hex: [string, string];
  gaps: [number, number];
  closed?: CloseReason;
  events: string[];
}

// tshark's follow output writes a gap as this NUL-terminated text, so a gap compares byte for byte.
const missingText = (n: number): string => Buffer.from(`[${n} bytes missing in capture file]\0`).toString('hex');

/** Runs packets through a FlowTable and records what each flow receives. */
export function follow(packets: Iterable<CapturedPacket>, opts?: FlowTableOptions): { flows: FollowedFlow[]; warnings: string[]; table: FlowTable } {
  const flows: FollowedFlow[] = [];
  const warnings: string[] = [];
  const table = new FlowTable(
    {
      open(info) {
        const f: FollowedFlow = { info, hex: ['', ''], gaps: [0, 0], events: [] };
        flows.push(f);
        return {
          data(side, bytes) {
            if (f.closed) throw new Error('data after close');
            f.hex[side] += Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
            f.events.push(`d${side}:${bytes.length}`);
          },
          gap(side, n) {
            if (f.closed) throw new Error('gap after close');
            f.hex[side] += missingText(n);
            f.gaps[side] += n;
            f.events.push(`g${side}:${n}`);
          },
          close(reason) {
            if (f.closed) throw new Error('closed twice');
            f.closed = reason;
          },
        };
      },
      warning: (m) => warnings.push(m),
    },
    opts,
  );
  for (const p of packets) table.packet(p);
  table.end();
  return { flows, warnings, table };
}

export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface TsharkStream {
  stream: number;
  node0: string;
  node1: string;
  hex: [string, string];
}

/** Parses `tshark -q -z follow,tcp,raw,N ...` output (node 1's lines are tab-indented). */
export function parseFollow(text: string): TsharkStream[] {
  const out: TsharkStream[] = [];
  for (const block of text.split(/^=+$/m)) {
    const m = /Filter: tcp\.stream eq (\d+)\nNode 0: (.*)\nNode 1: (.*)\n([\s\S]*)$/.exec(block.replace(/^\n+/, ''));
    if (!m) continue;
    const hex: [string, string] = ['', ''];
    for (const line of m[4]!.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('\t')) hex[1] += line.slice(1);
      else hex[0] += line;
    }
    out.push({ stream: Number(m[1]), node0: m[2]!, node1: m[3]!, hex });
  }
  return out.sort((a, b) => a.stream - b.stream);
}

// ---------- building frames and files ----------

export function u16be(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
export function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function ipv4Bytes(s: string): number[] {
  return s.split('.').map(Number);
}

export interface TcpSpec {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  seq: number;
  ack?: number;
  flags: string; // e.g. 'S', 'SA', 'A', 'PA', 'FA', 'R'
  payload?: Uint8Array | string;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16 };

export function tcpHeader(t: TcpSpec, options: number[] = []): number[] {
  let flags = 0;
  for (const c of t.flags) flags |= FLAG_BITS[c] ?? 0;
  const hlen = 20 + options.length;
  return [...u16be(t.sport ?? 40000), ...u16be(t.dport ?? 443), ...u32be(t.seq >>> 0), ...u32be((t.ack ?? 0) >>> 0), (hlen / 4) << 4, flags, ...u16be(65535), 0, 0, 0, 0, ...options];
}

export function payloadBytes(p: Uint8Array | string | undefined): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  return typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

/** IPv4 header (no checksum: nothing here verifies it, and tshark does not by default). */
export function ipv4Header(src: string, dst: string, payloadLen: number, opts: { proto?: number; id?: number; fragOffset?: number; mf?: boolean; options?: number[] } = {}): number[] {
  const options = opts.options ?? [];
  const hlen = 20 + options.length;
  const frag = ((opts.mf ? 0x2000 : 0) | ((opts.fragOffset ?? 0) >> 3)) & 0xffff;
  return [0x40 | (hlen / 4), 0, ...u16be(hlen + payloadLen), ...u16be(opts.id ?? 1), ...u16be(frag), 64, opts.proto ?? 6, 0, 0, ...ipv4Bytes(src), ...ipv4Bytes(dst), ...options];
}

export function ipv6Header(src: number[], dst: number[], payloadLen: number, next: number): number[] {
  return [0x60, 0, 0, 0, ...u16be(payloadLen), next, 64, ...src, ...dst];
}

export function ethernet(type: number, body: number[] | Uint8Array, vlans: { tpid: number; vid: number }[] = []): Uint8Array {
  const head = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  for (const v of vlans) head.push(...u16be(v.tpid), ...u16be(v.vid));
  head.push(...u16be(type));
  return Uint8Array.from([...head, ...body]);
}

/** An Ethernet/IPv4/TCP frame. */
export function tcpFrame(t: TcpSpec): Uint8Array {
  const pl = payloadBytes(t.payload);
  const tcp = tcpHeader(t);
  return ethernet(0x0800, [...ipv4Header(t.src ?? '10.0.0.1', t.dst ?? '10.0.0.2', tcp.length + pl.length), ...tcp, ...pl]);
}

export function packet(index: number, data: Uint8Array, linkType = 1, sec = 1_700_000_000 + index, nsec = 0): CapturedPacket {
  return { index, sec, nsec, linkType, caplen: data.length, origLen: data.length, data };
}

export interface PcapRecord {
  sec?: number;
  usec?: number;
  data: Uint8Array;
  origLen?: number;
  caplen?: number; // override (to write a lying header)
}

/** Writes a classic little-endian µs pcap. */
export function pcapFile(linkType: number, records: PcapRecord[], snaplen = 262144): Buffer {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(snaplen, 16);
  gh.writeUInt32LE(linkType, 20);
  parts.push(gh);
  records.forEach((r, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(r.sec ?? 1_700_000_000 + i, 0);
    h.writeUInt32LE(r.usec ?? 0, 4);
    h.writeUInt32LE(r.caplen ?? r.data.length, 8);
    h.writeUInt32LE(r.origLen ?? r.data.length, 12);
    parts.push(h, Buffer.from(r.data));
  });
  return Buffer.concat(parts);
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

export interface NgBlock {
  type: number;
  body: number[] | Uint8Array;
}

/** Serialises pcapng blocks in the given byte order (body is padded to 4; total length both ends). */
export function pcapngBlocks(blocks: NgBlock[], littleEndian = true): Buffer {
  const parts: Buffer[] = [];
  for (const b of blocks) {
    const body = Buffer.from(b.body);
    const pad = (4 - (body.length % 4)) % 4;
    const total = 12 + body.length + pad;
    const buf = Buffer.alloc(total);
    const w = (v: number, at: number): void => {
      if (littleEndian) buf.writeUInt32LE(v >>> 0, at);
      else buf.writeUInt32BE(v >>> 0, at);
    };
    w(b.type, 0);
    w(total, 4);
    body.copy(buf, 8);
    w(total, total - 4);
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

/** Little/big-endian field writers for block bodies. */
export function ngWriter(littleEndian: boolean): { u16(n: number): number[]; u32(n: number): number[]; opt(code: number, value: number[]): number[] } {
  const u16 = (n: number): number[] => (littleEndian ? [n & 0xff, (n >> 8) & 0xff] : u16be(n));
  const u32 = (n: number): number[] => (littleEndian ? [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff] : u32be(n));
  const opt = (code: number, value: number[]): number[] => {
    const pad = (4 - (value.length % 4)) % 4;
    return [...u16(code), ...u16(value.length), ...value, ...new Array<number>(pad).fill(0)];
  };
  return { u16, u32, opt };
}

export function shbBody(littleEndian: boolean): number[] {
  const w = ngWriter(littleEndian);
  return [...w.u32(0x1a2b3c4d), ...w.u16(1), ...w.u16(0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
}
