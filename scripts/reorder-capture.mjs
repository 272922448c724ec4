#!/usr/bin/env node
// reorder-capture.mjs IN.pcap OUT.pcap
//
// Reads a real classic pcap (micro- or nanosecond, either byte order; link types Ethernet,
// raw IP, Linux SLL v1/v2) and writes a copy in which TCP data segments arrive out of order
// and duplicated, the way a capture on a busy or lossy path can look:
//
//   1. the first server->client data segment (the server's first handshake flight) is cut
//      into three segments at 1/3 and 2/3 of its payload; they are written in the order
//      part 2, part 1, part 3, and part 1 is written once more after part 3 (a retransmission);
//   2. the first client->server data segment (the ClientHello) is written twice in a row.
//
// IP lengths, the IPv4 header checksum, TCP sequence numbers and TCP checksums are rewritten
// so every packet is valid. Everything is deterministic; what was done is printed.
// Plain Node ESM, no dependencies.
import { readFileSync, writeFileSync } from 'node:fs';

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** @param {Buffer} buf */
export function readPcap(buf) {
  if (buf.length < 24) throw new Error('not a pcap file: shorter than the 24-byte header');
  const magicLE = buf.readUInt32LE(0);
  let le;
  let nano;
  if (magicLE === 0xa1b2c3d4) { le = true; nano = false; }
  else if (magicLE === 0xa1b23c4d) { le = true; nano = true; }
  else if (buf.readUInt32BE(0) === 0xa1b2c3d4) { le = false; nano = false; }
  else if (buf.readUInt32BE(0) === 0xa1b23c4d) { le = false; nano = true; }
  else throw new Error(`not a classic pcap file (magic 0x${buf.readUInt32BE(0).toString(16)})`);
  const u32 = (off) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const header = {
    le, nano,
    versionMajor: le ? buf.readUInt16LE(4) : buf.readUInt16BE(4),
    versionMinor: le ? buf.readUInt16LE(6) : buf.readUInt16BE(6),
    thiszone: u32(8), sigfigs: u32(12), snaplen: u32(16), linktype: u32(20) & 0x0fffffff,
  };
  const packets = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const tsSec = u32(off);
    const tsFrac = u32(off + 4);
    const inclLen = u32(off + 8);
    const origLen = u32(off + 12);
    if (off + 16 + inclLen > buf.length) throw new Error(`truncated packet record at offset ${off}`);
    packets.push({ tsSec, tsFrac, origLen, data: Buffer.from(buf.subarray(off + 16, off + 16 + inclLen)) });
    off += 16 + inclLen;
  }
  if (off !== buf.length) throw new Error(`${buf.length - off} trailing bytes after the last packet`);
  return { header, packets };
}

export function writePcap({ header, packets }) {
  const parts = [];
  const h = Buffer.alloc(24);
  const w32 = (b, v, o) => (header.le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  w32(h, header.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (header.le) { h.writeUInt16LE(header.versionMajor, 4); h.writeUInt16LE(header.versionMinor, 6); }
  else { h.writeUInt16BE(header.versionMajor, 4); h.writeUInt16BE(header.versionMinor, 6); }
  w32(h, header.thiszone, 8); w32(h, header.sigfigs, 12); w32(h, header.snaplen, 16); w32(h, header.linktype, 20);
  parts.push(h);
  for (const p of packets) {
    const r = Buffer.alloc(16);
    w32(r, p.tsSec, 0); w32(r, p.tsFrac, 4); w32(r, p.data.length, 8); w32(r, p.origLen, 12);
    parts.push(r, p.data);
  }
  return Buffer.concat(parts);
}

/** Offset of the IP header inside a frame, or -1. */
function ipOffset(linktype, d) {
  switch (linktype) {
    case LINKTYPE_ETHERNET: {
      let off = 12;
      let type = d.readUInt16BE(off);
      while (type === 0x8100 || type === 0x88a8) { off += 4; type = d.readUInt16BE(off); }
      return type === 0x0800 || type === 0x86dd ? off + 2 : -1;
    }
    case LINKTYPE_RAW: return 0;
    case LINKTYPE_NULL: return 4;
    case LINKTYPE_LINUX_SLL: return d.readUInt16BE(14) === 0x0800 || d.readUInt16BE(14) === 0x86dd ? 16 : -1;
    case LINKTYPE_LINUX_SLL2: return d.readUInt16BE(0) === 0x0800 || d.readUInt16BE(0) === 0x86dd ? 20 : -1;
    default: throw new Error(`unsupported link type ${linktype}`);
  }
}

/** Parse IP + TCP; returns null for anything that is not a complete TCP segment. */
function parseTcp(linktype, pkt) {
  const d = pkt.data;
  if (d.length !== pkt.origLen) return null; // truncated by snaplen: leave alone
  const ip = ipOffset(linktype, d);
  if (ip < 0 || ip >= d.length) return null;
  const version = d[ip] >> 4;
  let tcp; let ipEnd; let src; let dst;
  if (version === 4) {
    const ihl = (d[ip] & 0x0f) * 4;
    if (d[ip + 9] !== 6) return null;
    if ((d.readUInt16BE(ip + 6) & 0x3fff) !== 0) return null; // IP fragment
    ipEnd = ip + d.readUInt16BE(ip + 2);
    tcp = ip + ihl;
    src = d.subarray(ip + 12, ip + 16); dst = d.subarray(ip + 16, ip + 20);
  } else if (version === 6) {
    if (d[ip + 6] !== 6) return null; // no extension headers expected on loopback captures
    ipEnd = ip + 40 + d.readUInt16BE(ip + 4);
    tcp = ip + 40;
    src = d.subarray(ip + 8, ip + 24); dst = d.subarray(ip + 24, ip + 40);
  } else return null;
  const dataOff = (d[tcp + 12] >> 4) * 4;
  return {
    version, ip, tcp, ipEnd, payload: tcp + dataOff,
    srcPort: d.readUInt16BE(tcp), dstPort: d.readUInt16BE(tcp + 2),
    seq: d.readUInt32BE(tcp + 4), flags: d[tcp + 13],
    src: Buffer.from(src), dst: Buffer.from(dst),
    payloadLen: ipEnd - (tcp + dataOff),
  };
}

function sum16(buf, start, end, acc = 0) {
  for (let i = start; i + 1 < end; i += 2) acc += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) acc += buf[end - 1] << 8;
  return acc;
}
function fold(acc) {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return (~acc) & 0xffff;
}

/** Build a copy of a TCP packet carrying payload bytes [from, to) of the original, with fixed lengths and checksums. */
function slice(linktype, pkt, t, from, to) {
  const d = pkt.data;
  const head = d.subarray(0, t.payload);
  const body = d.subarray(t.payload + from, t.payload + to);
  const trailer = d.subarray(t.ipEnd); // e.g. Ethernet padding (none on loopback)
  const out = Buffer.concat([head, body, trailer]);
  const tcpLen = (t.payload - t.tcp) + body.length;
  if (t.version === 4) {
    out.writeUInt16BE(t.payload - t.ip + body.length, t.ip + 2);
    out.writeUInt16BE(0, t.ip + 10);
    const ihl = (out[t.ip] & 0x0f) * 4;
    out.writeUInt16BE(fold(sum16(out, t.ip, t.ip + ihl)), t.ip + 10);
  } else {
    out.writeUInt16BE(tcpLen, t.ip + 4);
  }
  if (linktype === LINKTYPE_LINUX_SLL2) { /* SLL2 has no length field to fix */ }
  out.writeUInt32BE((t.seq + from) >>> 0, t.tcp + 4);
  if (to < t.payloadLen) out[t.tcp + 13] = t.flags & ~0x08 & ~0x01; // PSH/FIN only on the last part
  // TCP checksum over the pseudo header
  out.writeUInt16BE(0, t.tcp + 16);
  let acc = sum16(t.src, 0, t.src.length) + sum16(t.dst, 0, t.dst.length) + 6 + tcpLen;
  if (t.version === 6) acc = sum16(t.src, 0, 16) + sum16(t.dst, 0, 16) + tcpLen + 6;
  acc = sum16(out, t.tcp, t.tcp + tcpLen, acc);
  out.writeUInt16BE(fold(acc), t.tcp + 16);
  return { tsSec: pkt.tsSec, tsFrac: pkt.tsFrac, origLen: out.length, data: out };
}

function bump(pkt, n, nano) {
  const unit = nano ? 1000 : 1; // n microseconds
  const limit = nano ? 1e9 : 1e6;
  let frac = pkt.tsFrac + n * unit;
  let sec = pkt.tsSec;
  while (frac >= limit) { frac -= limit; sec += 1; }
  return { ...pkt, tsSec: sec, tsFrac: frac };
}

export function reorder(cap, log = console.log) {
  const { header, packets } = cap;
  const lt = header.linktype;
  const parsed = packets.map((p) => parseTcp(lt, p));
  const syn = parsed.find((t) => t && (t.flags & 0x12) === 0x02);
  if (!syn) throw new Error('no TCP SYN in the capture: cannot tell client from server');
  const serverPort = syn.dstPort;
  const isFromServer = (t) => t.srcPort === serverPort;
  let firstServer = -1;
  let firstClient = -1;
  parsed.forEach((t, i) => {
    if (!t || t.payloadLen <= 0) return;
    if (isFromServer(t)) {
      if (firstServer < 0) firstServer = i;
    } else if (firstClient < 0) firstClient = i;
  });
  if (firstServer < 0 || parsed[firstServer].payloadLen < 3 || firstClient < 0) throw new Error('need at least one data segment in each direction');
  const out = [];
  packets.forEach((p, i) => {
    if (i === firstServer) {
      const t = parsed[i];
      const a = Math.floor(t.payloadLen / 3);
      const b = Math.floor((2 * t.payloadLen) / 3);
      const parts = [slice(lt, p, t, 0, a), slice(lt, p, t, a, b), slice(lt, p, t, b, t.payloadLen)];
      const order = [1, 0, 2, 0];
      order.forEach((k, j) => out.push(bump(parts[k], j, header.nano)));
      log(`frame ${i + 1} (server->client, ${t.payloadLen} payload bytes, relative seq ${(t.seq - ((parsed.find((x) => x && (x.flags & 0x12) === 0x12)?.seq ?? t.seq - 1) + 1)) >>> 0}):`
        + ` split at payload offsets ${a} and ${b} into parts 1=[0,${a}) 2=[${a},${b}) 3=[${b},${t.payloadLen});`
        + ' written as part 2, part 1, part 3, part 1 again (out of order + retransmission)');
    } else if (i === firstClient) {
      out.push(p, bump(p, 1, header.nano));
      log(`frame ${i + 1} (client->server, ${parsed[i].payloadLen} payload bytes): written twice (duplicate)`);
    } else {
      out.push(p);
    }
  });
  log(`${packets.length} packets in, ${out.length} packets out`);
  return { header, packets: out };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('reorder-capture.mjs');
if (isMain) {
  const [inFile, outFile] = process.argv.slice(2);
  if (!inFile || !outFile) {
    console.error('usage: reorder-capture.mjs IN.pcap OUT.pcap');
    process.exit(2);
  }
  const cap = readPcap(readFileSync(inFile));
  console.log(`reorder-capture: ${inFile} (link type ${cap.header.linktype}, ${cap.header.nano ? 'ns' : 'us'}, ${cap.packets.length} packets)`);
  const res = reorder(cap, (m) => console.log(`reorder-capture: ${m}`));
  writeFileSync(outFile, writePcap(res));
  console.log(`reorder-capture: wrote ${outFile}`);
}
