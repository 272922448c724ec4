// FlowTable + per-direction reassembly on synthetic segments with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { follow, packet, tcpFrame, type TcpSpec } from './helpers.js';

const C = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 443 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', sport: 443, dport: 40000 };
const hex = (s: string): string => Buffer.from(s).toString('hex');
const gapHex = (n: number): string => Buffer.from(`[${n} bytes missing in capture file]\0`).toString('hex');

function frames(specs: TcpSpec[], t0 = 1_700_000_000, step = 0.001): ReturnType<typeof packet>[] {
  return specs.map((s, i) => {
    const t = t0 + i * step;
    return packet(i + 1, tcpFrame(s), 1, Math.floor(t), Math.round((t % 1) * 1e9));
  });
}

/** A handshake with client ISN `ci` and server ISN `si`, then the given segments. */
function conn(ci: number, si: number, rest: TcpSpec[]): TcpSpec[] {
  return [
    { ...C, seq: ci, flags: 'S' },
    { ...S, seq: si, ack: ci + 1, flags: 'SA' },
    { ...C, seq: ci + 1, ack: si + 1, flags: 'A' },
    ...rest,
  ];
}

test('in order, out of order, duplicated and overlapping segments: first copy of each byte wins', () => {
  const ci = 1000;
  const { flows } = follow(frames(conn(ci, 5000, [
    { ...C, seq: ci + 11, flags: 'PA', payload: 'KLMNO' }, // ahead: buffered
    { ...C, seq: ci + 1, flags: 'PA', payload: 'ABCDE' },
    { ...C, seq: ci + 1, flags: 'PA', payload: 'xxxxx' }, // full retransmission with other bytes
    { ...C, seq: ci + 4, flags: 'PA', payload: 'yyzzzzzz' }, // overlaps delivered DE and buffered KL
    { ...C, seq: ci + 16, flags: 'PA', payload: 'PQ' },
  ])));
  assert.equal(flows.length, 1);
  assert.equal(flows[0]!.hex[0], hex('ABCDEzzzzzKLMNOPQ'));
  assert.deepEqual(flows[0]!.gaps, [0, 0]);
  assert.equal(flows[0]!.closed, 'eof');
  assert.equal(flows[0]!.info.sawSyn, true);
  assert.deepEqual([flows[0]!.info.a, flows[0]!.info.b], [{ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 443 }]);
});

test('sequence numbers wrap at 2^32', () => {
  const ci = 0xfffffffa;
  const { flows } = follow(frames(conn(ci, 0xffffffff, [
    { ...C, seq: (ci + 1) >>> 0, flags: 'PA', payload: 'abc' }, // 0xfffffffb..fffffffd
    { ...C, seq: (ci + 7) >>> 0, flags: 'PA', payload: 'ghi' }, // past the wrap, out of order
    { ...C, seq: (ci + 4) >>> 0, flags: 'PA', payload: 'def' }, // straddles 2^32
    { ...S, seq: 0, flags: 'PA', payload: 'server' }, // server ISN 0xffffffff: data starts at 0
  ])));
  assert.equal(flows[0]!.hex[0], hex('abcdefghi'));
  assert.equal(flows[0]!.hex[1], hex('server'));
});

test('missing SYN: the stream starts at the first segment; a is its sender', () => {
  const { flows } = follow(frames([
    { ...S, seq: 777, flags: 'PA', payload: 'hello ' },
    { ...C, seq: 99, flags: 'PA', payload: 'hi' },
    { ...S, seq: 783, flags: 'PA', payload: 'world' },
  ]));
  assert.equal(flows[0]!.info.sawSyn, false);
  assert.deepEqual(flows[0]!.info.a, { ip: '10.0.0.2', port: 443 });
  assert.equal(flows[0]!.hex[0], hex('hello world'));
  assert.equal(flows[0]!.hex[1], hex('hi'));
});

test('a hole never filled is a gap of the right length (at close), then the data after it', () => {
  const ci = 10;
  const { flows, table } = follow(frames(conn(ci, 20, [
    { ...C, seq: ci + 1, flags: 'PA', payload: 'AAAA' },
    { ...C, seq: ci + 1 + 4 + 123, flags: 'PA', payload: 'BBBB' },
  ])));
  assert.equal(flows[0]!.hex[0], hex('AAAA') + gapHex(123) + hex('BBBB'));
  assert.deepEqual(flows[0]!.gaps, [123, 0]);
  assert.equal(table.stats.gaps, 1);
  assert.equal(table.stats.gapBytes, 123);
  assert.equal(table.stats.bufferedBytes, 0);
});

test('the per-direction buffer cap turns the hole into a gap as soon as it is exceeded', () => {
  const ci = 10;
  const { flows } = follow(frames(conn(ci, 20, [
    { ...C, seq: ci + 1 + 50, flags: 'PA', payload: 'x'.repeat(60) },
    { ...C, seq: ci + 1 + 110, flags: 'PA', payload: 'y'.repeat(60) }, // 120 buffered > 100: give up on [0,50)
    { ...C, seq: ci + 1, flags: 'PA', payload: 'z'.repeat(50) }, // too late: already reported as missing
  ])), { maxBufferedPerDirection: 100 });
  assert.deepEqual(flows[0]!.events, ['g0:50', 'd0:60', 'd0:60']);
});

test('FIN both ways and ACKed closes the flow; trailing ACKs are absorbed; a new SYN on the 4-tuple is a new flow', () => {
  const a = conn(100, 200, [
    { ...C, seq: 101, ack: 201, flags: 'PA', payload: 'one' },
    { ...C, seq: 104, ack: 201, flags: 'FA' },
    { ...S, seq: 201, ack: 105, flags: 'FA' },
    { ...C, seq: 105, ack: 202, flags: 'A' },
    { ...C, seq: 105, ack: 202, flags: 'A' }, // duplicate final ACK: no phantom flow
    { ...C, seq: 100, flags: 'S' }, // retransmitted SYN of the closed connection
  ]);
  const b = conn(9000, 300, [{ ...C, seq: 9001, ack: 301, flags: 'PA', payload: 'two' }]);
  const { flows, table } = follow(frames([...a, ...b]));
  assert.equal(flows.length, 2);
  assert.equal(flows[0]!.closed, 'fin');
  assert.equal(flows[0]!.hex[0], hex('one'));
  assert.equal(flows[1]!.closed, 'eof');
  assert.equal(flows[1]!.hex[0], hex('two'));
  assert.equal(flows[1]!.info.id, 2);
  assert.equal(table.stats.late, 2);
});

test('RST closes the flow; a SYN with another ISN on a live 4-tuple starts a new flow (port reuse)', () => {
  const { flows } = follow(frames([
    ...conn(1, 2, [{ ...C, seq: 2, flags: 'PA', payload: 'a' }, { ...S, seq: 3, flags: 'R' }]),
    ...conn(50, 60, [{ ...C, seq: 51, flags: 'PA', payload: 'b' }]),
    ...conn(70, 80, [{ ...C, seq: 71, flags: 'PA', payload: 'c' }]),
  ]));
  assert.deepEqual(flows.map((f) => [f.closed, Buffer.from(f.hex[0], 'hex').toString()]), [['rst', 'a'], ['reused', 'b'], ['eof', 'c']]);
});

test('data on the SYN (TCP Fast Open) is stream data after the ISN', () => {
  const { flows } = follow(frames([
    { ...C, seq: 500, flags: 'S', payload: 'early' },
    { ...S, seq: 900, ack: 506, flags: 'SA' },
    { ...C, seq: 506, ack: 901, flags: 'PA', payload: '+more' },
    { ...C, seq: 500, flags: 'S', payload: 'early' }, // retransmitted SYN
  ]));
  assert.equal(flows.length, 1);
  assert.equal(flows[0]!.hex[0], hex('early+more'));
});

test('several SYN-ACKs with different ISNs before any data: the last one counts (as tshark)', () => {
  const { flows } = follow(frames([
    { ...C, seq: 10, flags: 'S' },
    { ...S, seq: 1000, ack: 11, flags: 'SA' },
    { ...S, seq: 5000, ack: 11, flags: 'SA' },
    { ...S, seq: 5001, flags: 'PA', payload: 'srv' },
  ]));
  assert.equal(flows.length, 1);
  assert.equal(flows[0]!.hex[1], hex('srv'));
  assert.deepEqual(flows[0]!.gaps, [0, 0]);
});

test('a snaplen-truncated segment: captured bytes, then a gap for the rest; one warning per flow', () => {
  const ci = 1;
  const pk = frames(conn(ci, 2, [
    { ...C, seq: ci + 1, flags: 'PA', payload: 'abcdefghij' },
    { ...C, seq: ci + 11, flags: 'PA', payload: 'klmnopqrst' },
    { ...C, seq: ci + 21, flags: 'PA', payload: 'uv' },
  ]));
  for (const k of [3, 4]) {
    const p = pk[k]!;
    p.data = p.data.subarray(0, p.data.length - 6); // as if the snaplen cut 6 bytes
    p.caplen = p.data.length;
  }
  const { flows, warnings } = follow(pk);
  assert.equal(flows[0]!.hex[0], hex('abcd') + gapHex(6) + hex('klmn') + gapHex(6) + hex('uv'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^packet 4: TCP payload cut by the snaplen \(6 of 10 bytes missing\) in flow 1/);
});

test('idle flows close with "idle"; the flow cap evicts the least recently active; eof closes in id order', () => {
  const t0 = 1_700_000_000;
  const mk = (sport: number, seq: number, t: number, i: number) => packet(i, tcpFrame({ ...C, sport, seq, flags: 'PA', payload: 'p' }), 1, t);
  const { flows } = follow([mk(1, 1, t0, 1), mk(2, 1, t0 + 1, 2), mk(3, 1, t0 + 2, 3), mk(1, 2, t0 + 3, 4), mk(4, 1, t0 + 500, 5)], { idleSeconds: 300, maxFlows: 10 });
  assert.deepEqual(flows.map((f) => f.closed), ['idle', 'idle', 'idle', 'eof']);
  const ev = follow([mk(1, 1, t0, 1), mk(2, 1, t0, 2), mk(1, 2, t0, 3), mk(3, 1, t0, 4), mk(4, 1, t0, 5)], { maxFlows: 2 });
  assert.deepEqual(ev.flows.map((f) => [f.info.a.port, f.closed]), [[1, 'evicted'], [2, 'evicted'], [3, 'eof'], [4, 'eof']]);
  assert.equal(ev.table.stats.maxActiveFlows, 2);
});
