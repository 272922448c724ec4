// The capture readers hand out views of one read buffer that every read overwrites; whatever
// outlives a packet (out-of-order segments, a record waiting for its tail, --trace bytes) must be
// copied. A view kept by mistake shows up as a different result when the reads are cut
// elsewhere: every capture is replayed with 1 MiB reads and with 997-byte reads (most records
// then straddle two reads), and the connections and trace events must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { TraceCollector } from '../../src/tls/trace.js';
import type { SessionObserver } from '../../src/tls/session.js';
import { CORPUS_DIR } from '../capture/helpers.js';

const CAPTURES_DIR = fileURLToPath(new URL('../../captures/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f)).map((f) => join(dir, f));
}

async function replay(file: string, chunkBytes: number): Promise<string[]> {
  const out: string[] = [];
  const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex') : '');
  await replayFile(
    file,
    {},
    {
      connection(c, observer?: SessionObserver) {
        out.push(JSON.stringify(c));
        const trace = observer as TraceCollector | undefined;
        for (const e of trace?.events ?? []) out.push(e.kind === 'record' ? `record ${e.offset} ${hex(e.body)}` : `message ${e.offset} ${hex(e.bytes)}`);
      },
      observer: (endpoints) => new TraceCollector(endpoints),
      warning: () => {},
    },
    { chunkBytes },
  );
  return out;
}

test('replay gives the same connections and trace bytes whatever the read size (the read buffer is reused)', async () => {
  const all = [...files(CAPTURES_DIR), ...files(CORPUS_DIR)];
  assert.ok(all.length > 40, `captures found: ${all.length}`);
  let connections = 0;
  for (const file of all) {
    const whole = await replay(file, 1 << 20);
    const cut = await replay(file, 997);
    assert.deepEqual(cut, whole, file);
    connections += whole.filter((l) => l.startsWith('{')).length;
  }
  assert.ok(connections > 100, `connections compared: ${connections}`);
});
