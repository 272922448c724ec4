// readCapture over every container variant: editcap conversions, byte-swapped and hand-built
// files (checked against tshark), chunk boundaries, and broken files.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, CaptureError } from '../../src/capture/reader.js';
import {
  CORPUS_DIR, ngWriter, pcapFile, type PcapRecord, pcapngBlocks, readAll, run, shbBody, tcpFrame, tempDir, writeTemp, type ReadResult,
} from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

const NS_SRC = join(CORPUS_DIR, 'tls_client_certificate_with_missing_server_one.pcapng');
const US_SRC = join(CORPUS_DIR, 'client-certificate.pcap');

function sameFrames(a: ReadResult, b: ReadResult, tsUnitNs: number, what: string): void {
  assert.equal(a.packets.length, b.packets.length, `${what}: packet count`);
  a.packets.forEach((p, i) => {
    const q = b.packets[i]!;
    assert.equal(q.index, p.index);
    assert.equal(q.caplen, p.caplen, `${what}: caplen of ${p.index}`);
    assert.equal(q.origLen, p.origLen, `${what}: origLen of ${p.index}`);
    assert.equal(q.linkType, p.linkType);
    assert.deepEqual(Buffer.from(q.data), Buffer.from(p.data), `${what}: data of ${p.index}`);
    assert.equal(q.sec, p.sec, `${what}: sec of ${p.index}`);
    assert.equal(q.nsec, Math.floor(p.nsec / tsUnitNs) * tsUnitNs, `${what}: nsec of ${p.index}`);
  });
}

async function tsharkFields(path: string): Promise<string[]> {
  const out = await run('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.cap_len', '-e', 'frame.time_epoch', '-e', 'frame.len']);
  return out.trim().split('\n');
}
const ourFields = (r: ReadResult): string[] =>
  r.packets.map((p) => `${p.index}\t${p.caplen}\t${p.sec}.${String(p.nsec).padStart(9, '0')}\t${p.origLen}`);

test('editcap conversions (pcap, nsecpcap, pcapng) give the same packets', async () => {
  const ns = await readAll(NS_SRC);
  const us = await readAll(US_SRC);
  assert.equal(ns.summary.format, 'pcapng');
  assert.equal(us.summary.format, 'pcap');
  for (const [src, orig, fmt, unit, expectFormat] of [
    [NS_SRC, ns, 'nsecpcap', 1, 'pcap-ns'],
    [NS_SRC, ns, 'pcap', 1000, 'pcap'],
    [US_SRC, us, 'pcapng', 1, 'pcapng'],
    [US_SRC, us, 'nsecpcap', 1, 'pcap-ns'],
  ] as const) {
    const out = join(tmp.dir, `conv-${fmt}-${src.endsWith('ng') ? 'ng' : 'p'}`);
    await run('editcap', ['-F', fmt, src, out]);
    const got = await readAll(out);
    assert.equal(got.summary.format, expectFormat);
    sameFrames(orig, got, unit, `${src} -> ${fmt}`);
  }
});

test('a byte-swapped (big-endian) pcap and pcap-ns read the same', async () => {
  const us = await readAll(US_SRC);
  const le = readFileSync(US_SRC);
  for (const magic of [0xa1b2c3d4, 0xa1b23c4d]) {
    const be = Buffer.from(le);
    be.writeUInt32BE(magic, 0);
    be.writeUInt16BE(le.readUInt16LE(4), 4);
    be.writeUInt16BE(le.readUInt16LE(6), 6);
    for (const at of [8, 12, 16, 20]) be.writeUInt32BE(le.readUInt32LE(at), at);
    let off = 24;
    while (off < le.length) {
      const caplen = le.readUInt32LE(off + 8);
      for (let k = 0; k < 4; k++) be.writeUInt32BE(le.readUInt32LE(off + 4 * k) * (k === 1 && magic === 0xa1b23c4d ? 1000 : 1), off + 4 * k);
      off += 16 + caplen;
    }
    const got = await readAll(writeTemp(tmp.dir, `swapped-${magic.toString(16)}.pcap`, be));
    assert.equal(got.summary.format, magic === 0xa1b2c3d4 ? 'pcap' : 'pcap-ns');
    sameFrames(us, got, 1, 'byte-swapped');
    assert.deepEqual(ourFields(got), await tsharkFields(join(tmp.dir, `swapped-${magic.toString(16)}.pcap`)));
  }
});

/** Two sections (LE, then BE); IDBs with options, 2^-n and 10^-9 resolutions and an offset; EPB, SPB, PB; blocks to skip. */
function handBuiltPcapng(): Buffer {
  const frame = (n: number): Uint8Array => tcpFrame({ seq: 1000 + n, flags: 'PA', payload: `packet ${n} `.repeat(n + 1) });
  const raw = (n: number): Uint8Array => frame(n).subarray(14); // raw IPv4 for link type 101
  const sec = 1_700_000_000;
  const section = (le: boolean): Buffer => {
    const w = ngWriter(le);
    const epb = (ifId: number, ts: [number, number], data: Uint8Array, opts: number[] = []): { type: number; body: number[] } => ({
      type: 6, body: [...w.u32(ifId), ...w.u32(ts[0]), ...w.u32(ts[1]), ...w.u32(data.length), ...w.u32(data.length + 4), ...data, ...new Array<number>((4 - (data.length % 4)) % 4).fill(0), ...opts],
    });
    // 2^-20 units: sec * 2^20 + 0.5 s
    const t2 = sec * 2 ** 20 + 2 ** 19;
    const tns = BigInt(sec) * 1_000_000_000n + 123_456_789n - 3600n * 1_000_000_000n;
    return pcapngBlocks([
      { type: 0x0a0d0d0a, body: [...shbBody(le), ...w.opt(4, [...Buffer.from('tlspeek test')]), ...w.opt(0, [])] },
      { type: 1, body: [...w.u16(1), ...w.u16(0), ...w.u32(80), ...w.opt(2, [...Buffer.from('eth0x')]), ...w.opt(9, [0x80 | 20]), ...w.opt(0, [])] },
      { type: 4, body: [...w.u16(1), ...w.u16(4), 10, 0, 0, 1, ...w.u16(0), ...w.u16(0)] }, // NRB
      { type: 1, body: [...w.u16(101), ...w.u16(0), ...w.u32(0), ...w.opt(9, [9]), ...w.opt(14, le ? [0x10, 0x0e, 0, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0x0e, 0x10])] },
      epb(0, [Math.floor(t2 / 2 ** 32), t2 % 2 ** 32], frame(1), [...w.opt(1, [...Buffer.from('a comment')]), ...w.opt(0, [])]),
      epb(1, [Number(tns >> 32n), Number(tns & 0xffffffffn)], raw(2)),
      { type: 3, body: [...w.u32(frame(3).length), ...frame(3).subarray(0, 80)] }, // SPB, cut to IDB 0's snaplen
      { type: 0x0a, body: [...w.u32(0x544c534b), ...w.u32(4), 1, 2, 3, 4] }, // DSB
      { type: 2, body: [...w.u16(1), ...w.u16(0), ...w.u32(0), ...w.u32(sec * 1000 % 2 ** 32), ...w.u32(raw(4).length), ...w.u32(raw(4).length), ...raw(4), ...new Array<number>((4 - (raw(4).length % 4)) % 4).fill(0)] },
      { type: 5, body: [...w.u32(0), ...w.u32(0), ...w.u32(0)] }, // ISB
      { type: 0x40000bad, body: [...w.u32(32473), 1, 2, 3] },
    ], le);
  };
  return Buffer.concat([section(true), section(false)]);
}

test('hand-built pcapng (sections, byte orders, interfaces, options, SPB/PB, skipped blocks) equals tshark', async () => {
  const path = writeTemp(tmp.dir, 'hand.pcapng', handBuiltPcapng());
  const got = await readAll(path);
  assert.deepEqual(got.warnings, []);
  assert.equal(got.packets.length, 8);
  assert.equal(got.summary.packets, 10);
  assert.deepEqual(got.summary.linkTypes, [1, 101]);
  // tshark numbers the Custom Block as a frame (we count it, deliver nothing) and shows no time for SPBs (we say 0).
  const expected = (await tsharkFields(path)).filter((l) => !/^\d+\t4\t\t4$/.test(l)).map((l) => l.replace(/^(\d+\t\d+\t)\t/, '$10.000000000\t'));
  assert.deepEqual(ourFields(got), expected);
  assert.equal(got.packets[0]!.nsec, 500_000_000);
});

test('chunk boundaries anywhere give the same packets', async () => {
  for (const f of [NS_SRC, US_SRC, join(CORPUS_DIR, 'latest.pcapng')]) {
    const whole = await readAll(f);
    for (const chunk of [1, 7, 1000]) {
      const got = await readAll(f, chunk);
      sameFrames(whole, got, 1, `${f} in ${chunk}-byte chunks`);
      assert.deepEqual(got.warnings, []);
    }
  }
});

test('progress is reported with the file size, last call at 100%', async () => {
  const calls: [number, number][] = [];
  const size = readFileSync(US_SRC).length;
  await readCapture(US_SRC, { packet() {}, warning() {} }, { onProgress: (a, b) => calls.push([a, b]), chunkBytes: 512 });
  assert.ok(calls.length >= 1 && calls.length < 10, `throttled: ${calls.length} calls`);
  assert.deepEqual(calls.at(-1), [size, size]);
});

// ---------- broken input ----------

async function rejects(path: string, re: RegExp): Promise<void> {
  await assert.rejects(readAll(path), (e: unknown) => {
    assert.ok(e instanceof CaptureError, String(e));
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.ok(e.message.includes(path), 'names the path');
    return true;
  });
}

test('unreadable files reject with one CaptureError line', async () => {
  const dir = join(tmp.dir, 'a-directory');
  mkdirSync(dir);
  await rejects(join(tmp.dir, 'nope.pcap'), /no such file/);
  await rejects(dir, /is a directory/);
  await rejects(writeTemp(tmp.dir, 'empty.pcap', new Uint8Array(0)), /empty file/);
  await rejects(writeTemp(tmp.dir, 'three.pcap', Uint8Array.of(0xd4, 0xc3, 0xb2)), /too short to be a capture file \(3 bytes\)/);
  let x = 12345;
  const garbage = Uint8Array.from({ length: 5000 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
  await rejects(writeTemp(tmp.dir, 'garbage.bin', garbage), /not a pcap or pcapng file \(magic 0x[0-9a-f]{8}\)/);
  await rejects(writeTemp(tmp.dir, 'short-header.pcap', pcapFile(1, []).subarray(0, 10)), /truncated pcap global header \(10 of 24 bytes\)/);
  const shb = pcapngBlocks([{ type: 0x0a0d0d0a, body: shbBody(true) }]);
  const badBom = Buffer.from(shb);
  badBom.writeUInt32LE(0x11223344, 8);
  await rejects(writeTemp(tmp.dir, 'bad-bom.pcapng', badBom), /corrupt pcapng block at offset 0 \(SHB 0x0a0d0d0a\): bad byte-order magic/);
  const odd = Buffer.from(shb);
  odd.writeUInt32LE(30, 4);
  await rejects(writeTemp(tmp.dir, 'odd-shb.pcapng', odd), /offset 0 \(SHB 0x0a0d0d0a\): total length 30 is not a multiple of 4/);
  await rejects(writeTemp(tmp.dir, 'short-shb.pcapng', shb.subarray(0, 20)), /pcapng/);
});

const frames = [0, 1, 2, 3].map((i) => tcpFrame({ seq: i * 10, flags: 'PA', payload: 'x'.repeat(10) }));

test('a pcap cut mid-record or mid-record-header: warning, earlier packets delivered', async () => {
  const full = pcapFile(1, frames.map((data) => ({ data })));
  const rec = 16 + frames[0]!.length;
  for (const [cut, packets, left] of [
    [24 + 2 * rec + 5, 2, 5], // inside the 3rd record header
    [24 + 2 * rec + 16 + 7, 2, 23], // inside the 3rd record's data
  ] as const) {
    const got = await readAll(writeTemp(tmp.dir, `cut-${cut}.pcap`, full.subarray(0, cut)));
    assert.equal(got.packets.length, packets);
    assert.deepEqual(got.warnings.map((w) => w.replace(/^.*?: /, '')), [`capture truncated after ${packets} packets (${left} bytes left over)`]);
  }
});

test('a pcap record with caplen 0x7fffffff: warning naming the packet and offset, no buffering, no hang', async () => {
  const recs: PcapRecord[] = frames.map((data) => ({ data }));
  recs[2] = { data: frames[2]!, caplen: 0x7fffffff };
  const path = writeTemp(tmp.dir, 'huge-caplen.pcap', pcapFile(1, recs));
  const got = await readAll(path);
  assert.equal(got.packets.length, 2);
  const off = 24 + 2 * (16 + frames[0]!.length);
  assert.equal(got.warnings.length, 1);
  assert.match(got.warnings[0]!, new RegExp(`packet 3 at offset ${off}: captured length 2147483647 exceeds 262144`));
  // The same with every read size from 1 byte up, so that the bad header also straddles two reads
  // (its first bytes held back, the rest in the next read) and sits at a read's very start or end.
  const size = 24 + 4 * (16 + frames[0]!.length);
  for (let chunk = 1; chunk <= size; chunk += chunk < 64 ? 1 : 13) {
    const small = await readAll(path, chunk);
    assert.equal(small.packets.length, 2, `read size ${chunk}`);
    assert.deepEqual(small.warnings, got.warnings, `read size ${chunk}`);
  }
});

test('a pcap cut mid-record: the bytes left over are the same whatever the read size', async () => {
  const full = pcapFile(1, frames.map((data) => ({ data })));
  const rec = 16 + frames[0]!.length;
  for (const [cut, packets, left] of [
    [24 + 3, 0, 3],
    [24 + rec + 15, 1, 15],
    [24 + rec + 16, 1, 16],
    [24 + 3 * rec + rec - 1, 3, rec - 1],
  ] as const) {
    const path = writeTemp(tmp.dir, `cut-small-${cut}.pcap`, full.subarray(0, cut));
    for (const chunk of [1, 2, 7, 16, 17, 100, 1 << 20]) {
      const got = await readAll(path, chunk);
      assert.equal(got.packets.length, packets, `cut ${cut}, read size ${chunk}`);
      assert.deepEqual(got.warnings.map((w) => w.replace(/^.*?: /, '')), [`capture truncated after ${packets} packets (${left} bytes left over)`], `cut ${cut}, read size ${chunk}`);
    }
  }
});

function ngFile(mutate?: (blocks: Buffer[]) => void): Buffer {
  const w = ngWriter(true);
  const blocks = [
    pcapngBlocks([{ type: 0x0a0d0d0a, body: shbBody(true) }]),
    pcapngBlocks([{ type: 1, body: [...w.u16(1), ...w.u16(0), ...w.u32(0)] }]),
    ...frames.map((f) => pcapngBlocks([{ type: 6, body: [...w.u32(0), ...w.u32(0), ...w.u32(0), ...w.u32(f.length), ...w.u32(f.length), ...f, ...new Array<number>((4 - (f.length % 4)) % 4).fill(0)] }])),
  ];
  mutate?.(blocks);
  return Buffer.concat(blocks);
}

test('pcapng blocks that lie about their length: one warning naming offset and block type, packets before it kept', async () => {
  const base = ngFile();
  const offsets: number[] = [];
  let o = 0;
  for (const b of (() => { const bs: Buffer[] = []; ngFile((x) => bs.push(...x)); return bs; })()) {
    offsets.push(o);
    o += b.length;
  }
  assert.equal(o, base.length);
  const third = offsets[4]!; // blocks: SHB, IDB, EPB1, EPB2, EPB3 (packet 3), EPB4
  const cases: [string, (b: Buffer) => void, RegExp][] = [
    ['not-mult4', (b) => b.writeUInt32LE(b.readUInt32LE(third + 4) + 1, third + 4), new RegExp(`corrupt pcapng block at offset ${third} \\(EPB 0x00000006\\): total length \\d+ is not a multiple of 4; stopped reading`)],
    ['below-12', (b) => b.writeUInt32LE(8, third + 4), new RegExp(`offset ${third} \\(EPB 0x00000006\\): total length 8 is below the minimum of 12`)],
    ['trailer', (b) => b.writeUInt32LE(b.readUInt32LE(third + 4) + 8, third + 4), new RegExp(`offset ${third} \\(EPB 0x00000006\\): trailing total length \\d+ differs from the leading \\d+`)],
    ['past-eof', (b) => b.writeUInt32LE(0x100000, third + 4), new RegExp(`capture truncated after 2 packets \\(\\d+ bytes left over: EPB 0x00000006 at offset ${third} claims 1048576 bytes\\)`)],
    ['caplen', (b) => b.writeUInt32LE(5000, third + 20), new RegExp(`offset ${third} \\(EPB 0x00000006\\): captured length 5000 exceeds the block`)],
  ];
  for (const [name, mutate, re] of cases) {
    const buf = Buffer.from(base);
    mutate(buf);
    const got = await readAll(writeTemp(tmp.dir, `ng-${name}.pcapng`, buf));
    assert.equal(got.packets.length, 2, name);
    assert.equal(got.warnings.length, 1, `${name}: ${got.warnings.join(' | ')}`);
    assert.match(got.warnings[0]!, re, name);
  }
  const cut = await readAll(writeTemp(tmp.dir, 'ng-cut.pcapng', base.subarray(0, third + 30)));
  assert.equal(cut.packets.length, 2);
  assert.deepEqual(cut.warnings.map((w) => w.replace(/^.*?: /, '')), ['capture truncated after 2 packets (30 bytes left over: EPB 0x00000006 at offset ' + third + ' claims ' + (offsets[5]! - third) + ' bytes)']);
});

test('an exception in the sink rejects readCapture with it (no uncaught exception)', async () => {
  const boom = new Error('sink failed');
  for (const f of [US_SRC, NS_SRC]) {
    await assert.rejects(readCapture(f, { packet() { throw boom; }, warning() {} }), (e) => e === boom);
  }
});
