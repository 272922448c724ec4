// A slow reader of `replay --json` output must slow the reading of the capture, not grow
// memory: while stdout is full no more connections are produced; once it drains all arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../../src/cli/main.js';

const CAPTURE = fileURLToPath(new URL('../../captures/tls12.pcap', import.meta.url));
const COPIES = 2000;

/** tls12.pcap's one connection, COPIES times, each copy with its own client port (Ethernet/IPv4/TCP). */
function manyConnections(): Buffer {
  const src = readFileSync(CAPTURE);
  assert.equal(src.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian microsecond pcap');
  const records: Buffer[] = [];
  for (let off = 24; off + 16 <= src.length; ) {
    const caplen = src.readUInt32LE(off + 8);
    records.push(src.subarray(off, off + 16 + caplen));
    off += 16 + caplen;
  }
  const first = records[0]!;
  const ihl = (first[16 + 14]! & 0x0f) * 4;
  const clientPort = first.readUInt16BE(16 + 14 + ihl);
  const out: Buffer[] = [src.subarray(0, 24)];
  for (let k = 0; k < COPIES; k++) {
    for (const r of records) {
      const copy = Buffer.from(r);
      copy.writeUInt32LE(copy.readUInt32LE(0) + k, 0); // one second apart
      const tcp = 16 + 14 + (copy[16 + 14]! & 0x0f) * 4;
      const port = 20000 + k;
      if (copy.readUInt16BE(tcp) === clientPort) copy.writeUInt16BE(port, tcp);
      if (copy.readUInt16BE(tcp + 2) === clientPort) copy.writeUInt16BE(port, tcp + 2);
      out.push(copy);
    }
  }
  return Buffer.concat(out);
}

test('a stalled stdout pauses the capture; memory stays flat; everything arrives after it drains', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tlspeek-bp-')), 'many.pcap');
  writeFileSync(path, manyConnections());

  let lines = 0;
  let stalled = true;
  const waiting: (() => void)[] = [];
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      lines += chunk.toString().split('\n').length - 1;
      if (stalled) waiting.push(done);
      else done();
    },
  });
  const err = new Writable({ write: (_c, _e, done) => done() });
  const run = main(['replay', '--json', path], { out, err });

  await sleep(1500);
  const whileStalled = lines;
  assert.ok(whileStalled < COPIES / 4, `only a little output was produced while stdout was full (${whileStalled} lines)`);
  stalled = false;
  for (const done of waiting.splice(0)) done();
  assert.equal(await run, 0);
  assert.equal(lines, COPIES, 'every connection arrived once the reader caught up');
});
