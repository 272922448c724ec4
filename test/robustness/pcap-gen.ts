// A small classic-pcap writer and a connection cloner for load tests: one real connection from a
// capture, repeated with other client addresses/ports, ISNs and times, streamed to a file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readCapture, type CapturedPacket } from '../../src/capture/reader.js';
import { networkLayer } from '../../src/capture/link.js';
import { newIpInfo, parseIp, IP_OK } from '../../src/capture/ip.js';
import { newTcpInfo, parseTcp } from '../../src/capture/tcp.js';

export interface Template {
  linkType: number;
  packets: { data: Uint8Array; dt: number; fromClient: boolean; ipSrc: number; ipDst: number; tcp: number; payloadLen: number }[];
}

/** The packets of the first TCP connection in a capture, with where their IP and TCP headers sit. */
export async function loadTemplate(path: string): Promise<Template> {
  const raw: CapturedPacket[] = [];
  await readCapture(path, { packet: (p) => raw.push({ ...p, data: new Uint8Array(p.data) }), warning: () => {} });
  const t0 = raw[0]!.sec + raw[0]!.nsec / 1e9;
  const ip = newIpInfo();
  const tcp = newTcpInfo();
  let clientPort = -1;
  const packets: Template['packets'] = [];
  for (const p of raw) {
    const nl = networkLayer(p.linkType, p.data);
    if (!nl || parseIp(p.data, nl.offset, nl.kind, p.data.length, ip) !== IP_OK || ip.version !== 4) continue;
    if (!parseTcp(p.data, ip.payload, ip.end, ip.wireEnd, tcp)) continue;
    if (clientPort < 0) clientPort = tcp.srcPort;
    packets.push({
      data: p.data,
      dt: p.sec + p.nsec / 1e9 - t0,
      fromClient: tcp.srcPort === clientPort,
      ipSrc: ip.src,
      ipDst: ip.dst,
      tcp: ip.payload,
      payloadLen: tcp.end - tcp.payload,
    });
  }
  return { linkType: raw[0]!.linkType, packets };
}

export interface Variant {
  /** Client IPv4 address as a 32-bit number. */
  clientIp: number;
  clientPort: number;
  /** Added to the client's and the server's sequence numbers. */
  clientIsnDelta: number;
  serverIsnDelta: number;
  /** Capture time of the first packet, in seconds. */
  start: number;
  /** Keep only packets for which this returns true (e.g. drop FIN/RST for never-closing flows). */
  keep?(data: Uint8Array, tcpOffset: number): boolean;
}

function addU32(d: Uint8Array, at: number, delta: number): void {
  const v = (((d[at]! << 24) >>> 0) + (d[at + 1]! << 16) + (d[at + 2]! << 8) + d[at + 3]! + delta) >>> 0;
  d[at] = v >>> 24;
  d[at + 1] = (v >>> 16) & 0xff;
  d[at + 2] = (v >>> 8) & 0xff;
  d[at + 3] = v & 0xff;
}

/** Writes a pcap of `count` variants of the template connection; resolves with the file size. */
export async function writeClones(path: string, t: Template, count: number, variant: (i: number) => Variant): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let size = 0;
  const parts: Buffer[] = [];
  let pending = 0;
  const write = async (b: Buffer): Promise<void> => {
    parts.push(b);
    pending += b.length;
    size += b.length;
    if (pending >= 1 << 20) {
      const chunk = Buffer.concat(parts.splice(0));
      pending = 0;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  };
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(262144, 16);
  gh.writeUInt32LE(t.linkType, 20);
  await write(gh);
  for (let i = 0; i < count; i++) {
    const v = variant(i);
    for (const p of t.packets) {
      const d = Buffer.from(p.data);
      if (v.keep && !v.keep(d, p.tcp)) continue;
      const ipAt = p.fromClient ? p.ipSrc : p.ipDst;
      d.writeUInt32BE(v.clientIp >>> 0, ipAt);
      d.writeUInt16BE(v.clientPort, p.fromClient ? p.tcp : p.tcp + 2);
      // seq of the sender, ack of the peer's ISN (only meaningful with ACK set, harmless otherwise).
      addU32(d, p.tcp + 4, p.fromClient ? v.clientIsnDelta : v.serverIsnDelta);
      if (d[p.tcp + 13]! & 0x10) addU32(d, p.tcp + 8, p.fromClient ? v.serverIsnDelta : v.clientIsnDelta);
      const ts = v.start + p.dt;
      const h = Buffer.alloc(16);
      h.writeUInt32LE(Math.floor(ts), 0);
      h.writeUInt32LE(Math.round((ts % 1) * 1e6) % 1e6, 4);
      h.writeUInt32LE(d.length, 8);
      h.writeUInt32LE(d.length, 12);
      await write(h);
      await write(d);
    }
  }
  const rest = Buffer.concat(parts.splice(0));
  out.end(rest);
  await once(out, 'finish');
  return size;
}

/** 10.x.y.z for connection i (a different client address every 50,000 ports). */
export function clientAddress(i: number): { ip: number; port: number } {
  return { ip: (10 << 24) + Math.floor(i / 50_000) + 1, port: 10_000 + (i % 50_000) };
}
