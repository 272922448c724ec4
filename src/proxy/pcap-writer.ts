// --write-pcap: the proxied streams as a classic pcap (LINKTYPE_ETHERNET) with synthetic
// Ethernet, IPv4/IPv6 and TCP headers, so that tshark and `tlspeek replay` read back the
// same handshake the proxy decoded. Each connection is drawn as the client talking straight
// to the backend: SYN, SYN-ACK, ACK, data segments with correct sequence and ack numbers,
// then FIN or RST per side. Timestamps are the arrival times at the proxy.
//
// Formats: pcap — https://www.tcpdump.org/manpages/pcap-savefile.5.html;
// IPv4 RFC 791 §3.1; IPv6 RFC 8200 §3; TCP RFC 9293 §3.1 (checksum over the pseudo-header).
import { createWriteStream, type WriteStream } from 'node:fs';
import { isIP } from 'node:net';
import type { Side } from '../tls/session.js';
import type { HostPort } from './address.js';
import { splitMs } from './clock.js';

const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;
/** Largest TCP payload per synthetic segment (fits the 16-bit IPv4 total length with headers). */
export const MAX_SEGMENT = 65000;
/** Stop writing (with one warning) when the file cannot keep up and this much is queued. */
const MAX_QUEUED = 256 << 20;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Buffer {
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded dotted quad (::ffff:127.0.0.1) becomes two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (quad) {
    const b = ipv4Bytes(quad[1]!);
    s = `${s.slice(0, -quad[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** Both ends in one family: IPv4 if both are IPv4, else IPv6 (IPv4 as ::ffff:a.b.c.d). */
function addresses(a: string, b: string): { v6: boolean; a: Buffer; b: Buffer } {
  if (isIP(a) === 4 && isIP(b) === 4) return { v6: false, a: ipv4Bytes(a), b: ipv4Bytes(b) };
  const six = (ip: string) => (isIP(ip) === 4 ? ipv6Bytes(`::ffff:${ip}`) : ipv6Bytes(ip));
  return { v6: true, a: six(a), b: six(b) };
}

/** RFC 1071 one's-complement sum, not yet folded or inverted. */
function sum16(buf: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8;
  // Fold now and then so the sum stays a small integer.
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** The 24-byte pcap global header: microsecond timestamps, Ethernet link type. */
export function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8);
  h.writeUInt32LE(0, 12);
  h.writeUInt32LE(SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  return h;
}

/** Where a flow's packets go: a file (PcapWriter) or memory (pcap-memory.ts). */
export interface PacketSink {
  /** One segment of the flow; the payload is not copied, and must not be kept without copying. */
  packet(f: PcapFlow, from: Side, flags: number, seq: number, ack: number, payload: Uint8Array | undefined, atMs: number): void;
}

/**
 * The pcap record header and the Ethernet, IP and TCP headers of one segment (the payload
 * follows them in the file). `ipId` is the IPv4 identification field.
 */
export function frameHeader(f: PcapFlow, from: Side, flags: number, seq: number, ack: number, payload: Uint8Array | undefined, atMs: number, ipId: number): Buffer {
  const len = payload?.length ?? 0;
  const ipLen = f.v6 ? 40 : 20;
  const hdr = Buffer.allocUnsafe(16 + 14 + ipLen + 20);
  const { sec, nsec } = splitMs(atMs);
  const frameLen = 14 + ipLen + 20 + len;
  hdr.writeUInt32LE(sec, 0);
  hdr.writeUInt32LE(Math.floor(nsec / 1000), 4);
  hdr.writeUInt32LE(frameLen, 8);
  hdr.writeUInt32LE(frameLen, 12);
  // Ethernet II: locally administered MACs, 02:00:00:00:00:01 client, …:02 server.
  let o = 16;
  hdr.fill(0, o, o + 12);
  hdr[o] = 0x02;
  hdr[o + 5] = from === 0 ? 2 : 1;
  hdr[o + 6] = 0x02;
  hdr[o + 11] = from === 0 ? 1 : 2;
  hdr.writeUInt16BE(f.v6 ? 0x86dd : 0x0800, o + 12);
  o += 14;
  const src = from === 0 ? f.clientIp : f.serverIp;
  const dst = from === 0 ? f.serverIp : f.clientIp;
  const ipStart = o;
  if (f.v6) {
    hdr.writeUInt32BE(0x60000000, o);
    hdr.writeUInt16BE(20 + len, o + 4);
    hdr[o + 6] = 6; // next header: TCP
    hdr[o + 7] = 64;
    src.copy(hdr, o + 8);
    dst.copy(hdr, o + 24);
  } else {
    hdr[o] = 0x45;
    hdr[o + 1] = 0;
    hdr.writeUInt16BE(20 + 20 + len, o + 2);
    hdr.writeUInt16BE(ipId & 0xffff, o + 4);
    hdr.writeUInt16BE(0x4000, o + 6); // DF
    hdr[o + 8] = 64;
    hdr[o + 9] = 6;
    hdr.writeUInt16BE(0, o + 10);
    src.copy(hdr, o + 12);
    dst.copy(hdr, o + 16);
    hdr.writeUInt16BE(fold(sum16(hdr, o, o + 20, 0)), o + 10);
  }
  o += ipLen;
  const tcp = o;
  hdr.writeUInt16BE(from === 0 ? f.clientPort : f.serverPort, o);
  hdr.writeUInt16BE(from === 0 ? f.serverPort : f.clientPort, o + 2);
  hdr.writeUInt32BE(seq >>> 0, o + 4);
  hdr.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, o + 8);
  hdr[o + 12] = 5 << 4;
  hdr[o + 13] = flags;
  hdr.writeUInt16BE(65535, o + 14);
  hdr.writeUInt16BE(0, o + 16);
  hdr.writeUInt16BE(0, o + 18);
  // Pseudo-header: addresses, protocol, TCP length.
  let s = 0;
  if (f.v6) s = sum16(hdr, ipStart + 8, ipStart + 40, s);
  else s = sum16(hdr, ipStart + 12, ipStart + 20, s);
  s += 6 + 20 + len;
  s = sum16(hdr, tcp, tcp + 20, s);
  if (payload && len > 0) s = sum16(payload, 0, len, s);
  hdr.writeUInt16BE(fold(s), tcp + 16);
  return hdr;
}

export class PcapWriter implements PacketSink {
  private readonly out: WriteStream;
  private ipId = 1;
  private stopped = false;
  private readonly warn: (message: string) => void;
  private failure: Error | undefined;

  constructor(file: string, warn: (message: string) => void) {
    this.warn = warn;
    this.out = createWriteStream(file);
    this.out.on('error', (e) => {
      this.failure = e;
      if (!this.stopped) warn(`--write-pcap ${file}: ${e.message}; no more packets are written`);
      this.stopped = true;
    });
    this.out.write(pcapHeader());
  }

  /** Waits until the file is open (or failed). */
  ready(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure || this.out.pending === false) resolve();
      else {
        this.out.once('ready', () => resolve());
        this.out.once('error', () => resolve());
      }
    });
  }

  flow(client: HostPort, server: HostPort, id: number): PcapFlow {
    return new PcapFlow(this, client, server, id);
  }

  /** One frame: link + IP + TCP headers, then the payload (not copied). */
  packet(
    f: PcapFlow,
    from: Side,
    flags: number,
    seq: number,
    ack: number,
    payload: Uint8Array | undefined,
    atMs: number,
  ): void {
    if (this.stopped) return;
    if (this.out.writableLength > MAX_QUEUED) {
      this.stopped = true;
      this.warn('--write-pcap: the file cannot keep up with the traffic; no more packets are written (the capture is cut here)');
      return;
    }
    const hdr = frameHeader(f, from, flags, seq, ack, payload, atMs, this.ipId);
    if (!f.v6) this.ipId = (this.ipId + 1) & 0xffff;
    this.out.write(hdr);
    if (payload && payload.length > 0) this.out.write(payload);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.out.destroyed) return resolve();
      this.out.end(() => resolve());
    });
  }
}

/** One connection in the pcap; sequence numbers per direction. */
export class PcapFlow {
  readonly v6: boolean;
  readonly clientIp: Buffer;
  readonly serverIp: Buffer;
  readonly clientPort: number;
  readonly serverPort: number;
  private readonly w: PacketSink;
  /** Next sequence number each side sends. */
  private readonly next: [number, number];
  private readonly done: [boolean, boolean] = [false, false];
  private opened = false;

  constructor(w: PacketSink, client: HostPort, server: HostPort, id: number) {
    this.w = w;
    const a = addresses(client.host, server.host);
    this.v6 = a.v6;
    this.clientIp = a.a;
    this.serverIp = a.b;
    this.clientPort = client.port;
    this.serverPort = server.port;
    // Deterministic initial sequence numbers, distinct per connection and direction.
    this.next = [(0x10000000 + id * 0x01000193) >>> 0, (0x80000000 + id * 0x0100019b) >>> 0];
  }

  /** SYN at accept time, SYN-ACK and ACK when the backend answered. */
  open(acceptedAtMs: number, connectedAtMs: number): void {
    if (this.opened) return;
    this.opened = true;
    this.w.packet(this, 0, SYN, this.next[0], 0, undefined, acceptedAtMs);
    this.next[0] = (this.next[0] + 1) >>> 0;
    this.w.packet(this, 1, SYN | ACK, this.next[1], this.next[0], undefined, connectedAtMs);
    this.next[1] = (this.next[1] + 1) >>> 0;
    this.w.packet(this, 0, ACK, this.next[0], this.next[1], undefined, connectedAtMs);
  }

  /** The backend never answered: the SYN, then a RST from the server's side. */
  refused(acceptedAtMs: number, atMs: number): void {
    if (this.opened) return;
    this.opened = true;
    this.w.packet(this, 0, SYN, this.next[0], 0, undefined, acceptedAtMs);
    this.next[0] = (this.next[0] + 1) >>> 0;
    this.w.packet(this, 1, RST | ACK, 0, this.next[0], undefined, atMs);
    this.done[0] = this.done[1] = true;
  }

  data(side: Side, chunk: Uint8Array, atMs: number): void {
    if (this.done[side]) return;
    const other = (side ^ 1) as Side;
    for (let i = 0; i < chunk.length; i += MAX_SEGMENT) {
      const seg = chunk.subarray(i, Math.min(chunk.length, i + MAX_SEGMENT));
      this.w.packet(this, side, ACK | PSH, this.next[side], this.next[other], seg, atMs);
      this.next[side] = (this.next[side] + seg.length) >>> 0;
    }
  }

  end(side: Side, kind: 'fin' | 'reset', atMs: number): void {
    if (this.done[side]) return;
    this.done[side] = true;
    const other = (side ^ 1) as Side;
    if (kind === 'reset') {
      this.w.packet(this, side, RST | ACK, this.next[side], this.next[other], undefined, atMs);
      // After a reset neither side sends anything more on this connection.
      this.done[other] = true;
      return;
    }
    this.w.packet(this, side, FIN | ACK, this.next[side], this.next[other], undefined, atMs);
    this.next[side] = (this.next[side] + 1) >>> 0;
    // The peer acknowledges the FIN.
    this.w.packet(this, other, ACK, this.next[other], this.next[side], undefined, atMs);
  }

  /** The connection is over: any side still open is shown closing with FIN. */
  close(atMs: number): void {
    if (!this.opened) return;
    if (!this.done[0]) this.end(0, 'fin', atMs);
    if (!this.done[1]) this.end(1, 'fin', atMs);
  }
}
