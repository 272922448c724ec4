// pcapng Decryption Secrets Blocks: the TLS key log that `editcap --inject-secrets` puts in a
// capture reaches PacketSink.secrets (and from there a KeyLog that decrypts the connection), in
// either byte order; other secrets types are skipped; a broken DSB is a warning and the packets
// after it still come; frame numbers are unchanged (a DSB is no frame, as for tshark).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture, type CapturedPacket } from '../../src/capture/reader.js';
import { decodeDecryptionSecretsBlock, SECRETS_TYPE_TLS_KEY_LOG } from '../../src/capture/dsb.js';
import { Malformed, Truncated } from '../../src/bytes/errors.js';
import { KeyLog } from '../../src/keylog/parse.js';
import { captureStreams } from '../helpers/streams.js';
import { walk } from '../tls/crypto/walk.js';
import { ngWriter, pcapngBlocks, shbBody, tempDir, writeTemp, run } from './helpers.js';

const keylog = (p: string) => fileURLToPath(new URL(`../../captures/keylog/${p}`, import.meta.url));
const DSB_FILE = keylog('tls13-aes128gcm.dsb.pcapng');

async function read(path: string): Promise<{ packets: CapturedPacket[]; secrets: [string, string][]; warnings: string[] }> {
  const packets: CapturedPacket[] = [];
  const secrets: [string, string][] = [];
  const warnings: string[] = [];
  await readCapture(path, {
    packet: (p) => packets.push({ ...p, data: new Uint8Array(p.data) }),
    warning: (w) => warnings.push(w),
    secrets: (text, source) => secrets.push([text, source]),
  });
  return { packets, secrets, warnings };
}

test('editcap --inject-secrets: the key log comes out of the DSB as written, and decrypts the connection', async () => {
  const { packets, secrets, warnings } = await read(DSB_FILE);
  assert.deepEqual(warnings, []);
  assert.equal(secrets.length, 1);
  const [text, source] = secrets[0]!;
  assert.equal(text, readFileSync(keylog('tls13-aes128gcm.keys.txt'), 'latin1'));
  assert.match(source, /tls13-aes128gcm\.dsb\.pcapng DSB at offset \d+$/);
  // frame numbers as tshark counts them: the DSB is not a frame
  const tsharkFrames = (await run('tshark', ['-r', DSB_FILE, '-T', 'fields', '-e', 'frame.number'])).trim().split('\n').map(Number);
  assert.deepEqual(packets.map((p) => p.index), tsharkFrames);
  // the key log from the capture itself decrypts it
  const log = new KeyLog();
  const parser = log.parser(source, (w) => assert.fail(w));
  parser.push(text);
  parser.end();
  const [stream] = await captureStreams(DSB_FILE);
  const r = walk(stream!, log.lookup);
  assert.deepEqual(r.sides[1].decryptedTypes, [8, 11, 15, 20, 4, 4]);
  assert.deepEqual([...r.sides[0].errors, ...r.sides[1].errors], []);
});

test('a sink without secrets(): DSBs are skipped as before', async () => {
  const warnings: string[] = [];
  let n = 0;
  await readCapture(DSB_FILE, { packet: () => n++, warning: (w) => warnings.push(w) });
  assert.ok(n > 10);
  assert.deepEqual(warnings, []);
});

function dsbBody(le: boolean, type: number, data: Uint8Array, claimed = data.length): number[] {
  const w = ngWriter(le);
  const pad = (4 - (data.length % 4)) % 4;
  return [...w.u32(type), ...w.u32(claimed), ...data, ...new Array<number>(pad).fill(0)];
}

test('built DSBs: both byte orders, other secrets types skipped, a broken one warned about and passed over', async () => {
  const t = tempDir();
  try {
    const text = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`;
    for (const le of [true, false]) {
      const w = ngWriter(le);
      const idb = { type: 1, body: [...w.u16(1), ...w.u16(0), ...w.u32(262144)] };
      const epb = (ts: number) => ({ type: 6, body: [...w.u32(0), ...w.u32(0), ...w.u32(ts), ...w.u32(4), ...w.u32(4), 1, 2, 3, 4] });
      const file = pcapngBlocks(
        [
          { type: 0x0a0d0d0a, body: shbBody(le) },
          { type: 0x0a, body: dsbBody(le, SECRETS_TYPE_TLS_KEY_LOG, Buffer.from(text)) },
          { type: 0x0a, body: dsbBody(le, 0x57474b4c, Buffer.from('wireguard keys')) }, // WireGuard: not ours
          idb,
          epb(1),
          { type: 0x0a, body: dsbBody(le, SECRETS_TYPE_TLS_KEY_LOG, Buffer.from('xx'), 400) }, // claims more than it holds
          epb(2),
        ],
        le,
      );
      const path = writeTemp(t.dir, `dsb-${le ? 'le' : 'be'}.pcapng`, file);
      const { packets, secrets, warnings } = await read(path);
      assert.deepEqual(secrets.map(([s]) => s), [text], `${le ? 'little' : 'big'}-endian`);
      assert.deepEqual(packets.map((p) => p.index), [1, 2], 'the packets around the DSBs, numbered as tshark does');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /DSB at offset \d+: Malformed: DSB\.secrets_data: secrets length 400 exceeds the block \(4 bytes left\) @\d+; skipped$/);
    }
  } finally {
    t.cleanup();
  }
});

test('decodeDecryptionSecretsBlock: our errors with offsets, never a foreign exception', () => {
  assert.throws(() => decodeDecryptionSecretsBlock(new Uint8Array(6), true, 100), (e: unknown) => e instanceof Truncated && e.offset === 104);
  assert.throws(() => decodeDecryptionSecretsBlock(Buffer.from([0x4b, 0x53, 0x4c, 0x54, 9, 0, 0, 0, 1]), true), Malformed);
  const ok = decodeDecryptionSecretsBlock(Buffer.from([0x54, 0x4c, 0x53, 0x4b, 0, 0, 0, 2, 0x41, 0x0a, 0, 0]), false);
  assert.equal(ok.secretsType, SECRETS_TYPE_TLS_KEY_LOG);
  assert.deepEqual(Buffer.from(ok.data), Buffer.from('A\n'));
});
