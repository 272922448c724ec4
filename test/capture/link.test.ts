// Link types and IP variants: corpus Ethernet frames rewritten as SLL / SLL2 / VLAN / QinQ must
// give the same TCP streams (the Ethernet ones are checked against tshark in corpus.test.ts),
// plus synthetic IPv4 options, IPv6 extension headers and fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { networkLayer } from '../../src/capture/link.js';
import {
  CORPUS_DIR, ethernet, follow, ipv4Header, ipv6Header, packet, readAll, tcpHeader, u16be, type FollowedFlow,
} from './helpers.js';
import type { CapturedPacket } from '../../src/capture/reader.js';

const streams = (flows: FollowedFlow[]): string[] => flows.map((f) => `${f.info.a.ip}:${f.info.a.port}>${f.info.b.ip}:${f.info.b.port} ${f.hex[0]} ${f.hex[1]}`);

function rewrite(ps: CapturedPacket[], linkType: number, fn: (type: number, rest: Uint8Array) => Uint8Array): CapturedPacket[] {
  return ps.map((p) => {
    const type = (p.data[12]! << 8) | p.data[13]!;
    const data = fn(type, p.data.subarray(14));
    return { ...p, linkType, data, caplen: data.length };
  });
}

test('SLL, SLL2, 802.1Q, 802.1ad+802.1Q (QinQ) and 0x9100 tags carry the same streams as Ethernet', async () => {
  const { packets } = await readAll(join(CORPUS_DIR, 'client-certificate.pcap'));
  const expected = streams(follow(packets).flows);
  assert.ok(expected.length >= 1);
  const variants: [string, CapturedPacket[]][] = [
    ['sll', rewrite(packets, 113, (t, rest) => Uint8Array.from([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...u16be(t), ...rest]))],
    ['sll2', rewrite(packets, 276, (t, rest) => Uint8Array.from([...u16be(t), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...rest]))],
    ['sll2+vlan', rewrite(packets, 276, (t, rest) => Uint8Array.from([...u16be(0x8100), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 7, ...u16be(t), ...rest]))],
    ['vlan', rewrite(packets, 1, (t, rest) => ethernet(t, rest, [{ tpid: 0x8100, vid: 10 }]))],
    ['qinq', rewrite(packets, 1, (t, rest) => ethernet(t, rest, [{ tpid: 0x88a8, vid: 100 }, { tpid: 0x8100, vid: 10 }]))],
    ['9100', rewrite(packets, 1, (t, rest) => ethernet(t, rest, [{ tpid: 0x9100, vid: 5 }, { tpid: 0x8100, vid: 6 }]))],
    ['raw', rewrite(packets, 101, (_t, rest) => rest)],
    ['ipv4-228', rewrite(packets, 228, (_t, rest) => rest)],
    ['null-le', rewrite(packets, 0, (_t, rest) => Uint8Array.from([2, 0, 0, 0, ...rest]))],
    ['null-be', rewrite(packets, 0, (_t, rest) => Uint8Array.from([0, 0, 0, 2, ...rest]))],
    ['loop', rewrite(packets, 108, (_t, rest) => Uint8Array.from([0, 0, 0, 2, ...rest]))],
  ];
  for (const [name, ps] of variants) assert.deepEqual(streams(follow(ps).flows), expected, name);
});

test('networkLayer: BSD null AF values for IPv6, non-IP frames, unknown link types', () => {
  for (const af of [24, 28, 30]) {
    assert.deepEqual(networkLayer(0, Uint8Array.from([af, 0, 0, 0, 0x60])), { kind: 6, offset: 4 });
    assert.deepEqual(networkLayer(0, Uint8Array.from([0, 0, 0, af, 0x60])), { kind: 6, offset: 4 });
  }
  assert.deepEqual(networkLayer(12, Uint8Array.from([0x45])), { kind: 4, offset: 0 });
  assert.deepEqual(networkLayer(14, Uint8Array.from([0x60])), { kind: 6, offset: 0 });
  assert.deepEqual(networkLayer(229, Uint8Array.from([0x60])), { kind: 6, offset: 0 });
  assert.equal(networkLayer(1, ethernet(0x0806, [1, 2, 3])), null); // ARP
  assert.equal(networkLayer(1, Uint8Array.from([1, 2, 3])), null); // runt
  assert.equal(networkLayer(147, Uint8Array.from([0x45])), null);
});

const v6a = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const v6b = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x0a, 0, 0];

test('IPv4 options, Ethernet padding and IPv6 extension headers (hop-by-hop, routing, dest opts, AH, atomic fragment)', () => {
  const tcp = tcpHeader({ seq: 1, flags: 'PA', sport: 1234, dport: 443 });
  const pl = [...Buffer.from('payload')];
  const v4 = ethernet(0x0800, [...ipv4Header('192.0.2.1', '198.51.100.7', tcp.length + pl.length, { options: [1, 1, 1, 0, 0x44, 4, 5, 0] }), ...tcp, ...pl, 0, 0, 0, 0, 0, 0]);
  const ext = [
    60, 0, 1, 4, 0, 0, 0, 0, // Hop-by-Hop -> Routing (8 bytes, PadN)
    51, 0, 0, 0, 0, 0, 0, 0, // Routing -> AH (8 bytes)
    44, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, // AH -> Fragment: Payload Len 1 = (1+2)*4 = 12 bytes
    6, 0, 0, 0, 0, 0, 0, 9, // atomic Fragment (offset 0, M 0) -> TCP
  ];
  const v6 = ethernet(0x86dd, [...ipv6Header(v6a, v6b, ext.length + tcp.length + pl.length, 0), ...ext, ...tcp, ...pl]);
  const { flows, warnings } = follow([packet(1, v4), packet(2, v6)]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(flows.map((f) => [f.info.a, f.info.b, Buffer.from(f.hex[0], 'hex').toString()]), [
    [{ ip: '192.0.2.1', port: 1234 }, { ip: '198.51.100.7', port: 443 }, 'payload'],
    [{ ip: '2001:db8::1', port: 1234 }, { ip: '2001:db8:0:1::a:0', port: 443 }, 'payload'],
  ]);
});

test('IP fragments: each fragmented datagram is reported once, naming the packet, and skipped', () => {
  const tcp = tcpHeader({ seq: 1, flags: 'PA' });
  const f1 = ethernet(0x0800, [...ipv4Header('10.1.1.1', '10.2.2.2', 24, { id: 0x77, mf: true }), ...tcp, 1, 2, 3, 4]);
  const f2 = ethernet(0x0800, [...ipv4Header('10.1.1.1', '10.2.2.2', 8, { id: 0x77, fragOffset: 24 }), 5, 6, 7, 8, 9, 10, 11, 12]);
  const g1 = ethernet(0x86dd, [...ipv6Header(v6a, v6b, 8 + 24, 44), 6, 0, 0, 1, 0, 0, 0, 0x42, ...tcp, 1, 2, 3, 4]);
  const g2 = ethernet(0x86dd, [...ipv6Header(v6a, v6b, 8 + 8, 44), 6, 0, 0, 24, 0, 0, 0, 0x42, 1, 2, 3, 4, 5, 6, 7, 8]);
  const { flows, warnings, table } = follow([packet(1, f1), packet(2, f2), packet(3, g1), packet(4, g2)]);
  assert.equal(flows.length, 0);
  assert.equal(table.stats.ipFragments, 4);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^packet 1: IPv4 fragment \(id 0x77\) from 10\.1\.1\.1 to 10\.2\.2\.2; IP fragments are not reassembled/);
  assert.match(warnings[1]!, /^packet 3: IPv6 fragment \(id 0x42\) from 2001:db8::1 to 2001:db8:0:1::a:0/);
});

test('non-TCP and malformed packets are counted, not fatal', () => {
  const udp = ethernet(0x0800, [...ipv4Header('10.0.0.1', '10.0.0.2', 8, { proto: 17 }), 0, 53, 0, 53, 0, 8, 0, 0]);
  const bad = ethernet(0x0800, [0x45, 0, 0, 10]);
  const { table, warnings } = follow([packet(1, udp), packet(2, bad), packet(3, ethernet(0x0806, [0]))]);
  assert.equal(table.stats.nonTcp, 1);
  assert.equal(table.stats.malformed, 1);
  assert.equal(table.stats.nonIp, 1);
  assert.match(warnings[0]!, /^packet 2: IPv4 header truncated; skipped/);
});

test('every unusable IP or TCP header is one malformed packet, reported with its reason and skipped', () => {
  const tcp = tcpHeader({ seq: 1, flags: 'PA' });
  const v4 = ipv4Header('10.0.0.1', '10.0.0.2', tcp.length);
  const with4 = (patch: (h: number[]) => void, rest: number[] = tcp): Uint8Array => {
    const h = [...v4];
    patch(h);
    return ethernet(0x0800, [...h, ...rest]);
  };
  const v6 = (next: number, body: number[], plen = body.length): Uint8Array => ethernet(0x86dd, [...ipv6Header(v6a, v6b, plen, next), ...body]);
  const hbh = (next: number): number[] => [next, 0, 1, 4, 0, 0, 0, 0];
  const cases: [Uint8Array, string][] = [
    [ethernet(0x0800, [0x45, 0, 0, 10]), 'IPv4 header truncated'],
    [with4((h) => (h[0] = 0x65)), 'IP version 6 where IPv4 was expected'],
    [with4((h) => (h[0] = 0x44)), 'IPv4 header length 16 < 20'],
    [ethernet(0x0800, v4.map((b, i) => (i === 0 ? 0x4f : b))), 'IPv4 options truncated'],
    [with4((h) => ((h[2] = 0), (h[3] = 12))), 'IPv4 total length 12 < header length 20'],
    [ethernet(0x86dd, ipv6Header(v6a, v6b, 0, 6).slice(0, 39)), 'IPv6 header truncated'],
    [ethernet(0x86dd, [...v4, ...tcp]), 'IP version 4 where IPv6 was expected'],
    [v6(60, [6, 0, 1, 4]), 'IPv6 extension header 60 truncated'],
    [v6(51, [6, 0, 0, 0]), 'IPv6 AH truncated'],
    [v6(0, [...hbh(44), 6, 0, 0, 0]), 'IPv6 Fragment header truncated'],
    [v6(0, [6, 1, 1, 4, 0, 0, 0, 0]), 'IPv6 extension headers overrun the packet'], // Hdr Ext Len 1: 16 bytes, 8 captured
    [v6(43, [6, 3, ...new Array<number>(28).fill(0)]), 'IPv6 extension headers overrun the packet'], // 32 bytes, 30 captured
    [v6(0, [...Array.from({ length: 17 }, () => hbh(0)).flat(), ...tcp]), 'more than 16 IPv6 extension headers'],
    [with4(() => {}, tcp.slice(0, 19)), 'TCP header truncated'],
    [with4(() => {}, tcp.map((b, i) => (i === 12 ? 0x40 : b))), 'TCP data offset 16 < 20'],
    [with4(() => {}, tcp.map((b, i) => (i === 12 ? 0x60 : b))), 'TCP options truncated'],
    [with4((h) => ((h[2] = 0), (h[3] = 30)), tcp), 'TCP header truncated'], // IP's total length ends the TCP header early
  ];
  const { flows, table, warnings } = follow(cases.map(([d], i) => packet(i + 1, d)));
  assert.deepEqual(warnings, cases.map(([, why], i) => `packet ${i + 1}: ${why}; skipped`));
  assert.equal(table.stats.malformed, cases.length);
  assert.deepEqual([table.stats.nonIp, table.stats.nonTcp, table.stats.ipFragments, table.stats.truncatedSegments, flows.length], [0, 0, 0, 0, 0]);
});

test('headers at their limits are read, not reported: 15 IPv6 extension headers (the 16th header walked must be the upper layer), a 60-byte IPv4 header, 60-byte TCP header, Ethernet runts', () => {
  const tcpOpts = new Array<number>(40).fill(1);
  const tcp = tcpHeader({ seq: 1, flags: 'PA', sport: 1, dport: 443 }, tcpOpts);
  const v4 = ethernet(0x0800, [...ipv4Header('10.0.0.1', '10.0.0.2', tcp.length + 1, { options: new Array<number>(40).fill(1) }), ...tcp, 0x41]);
  const chain = Array.from({ length: 15 }, (_, i) => [i === 14 ? 6 : 0, 0, 1, 4, 0, 0, 0, 0]).flat();
  const v6 = ethernet(0x86dd, [...ipv6Header(v6a, v6b, chain.length + tcp.length + 1, 0), ...chain, ...tcp, 0x42]);
  const { flows, warnings, table } = follow([packet(1, v4), packet(2, v6), packet(3, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8])), packet(4, ethernet(0x0800, []))]);
  assert.deepEqual(warnings, ['packet 4: IPv4 header truncated; skipped']);
  assert.deepEqual(flows.map((f) => f.hex[0]), ['41', '42']);
  assert.equal(table.stats.nonIp, 1);
});
