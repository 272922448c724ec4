// JA3 and JA3S against tshark 4.0 (tls.handshake.ja3_full/ja3 and ja3s_full/ja3s), on every
// capture of the shared corpus and of captures/. tshark is an independent implementation; it
// drops GREASE from ciphers, extensions and groups exactly as the JA3 README specifies, so no
// deliberate differences are listed. JA3 comes from the first ClientHello; JA3S from the
// ServerHello that settled the handshake (tshark's last ServerHello row on the connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { fingerprints } from '../../src/fingerprint/index.js';
import { ja3String, ja3sString } from '../../src/fingerprint/ja3.js';
import type { ClientHello, Connection, ServerHello } from '../../src/tls/model.js';
import { tsharkAvailable, tsharkHellos } from './tshark.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url));
const REPO = fileURLToPath(new URL('../../captures/', import.meta.url));
const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort().map((f) => dir + f) : []);
const files = [...list(CORPUS), ...list(REPO)];
const haveTshark = tsharkAvailable();

const cp = (code: number) => ({ code, name: '' });

test('JA3 by hand: GREASE dropped from every list, legacy_version, empty fields kept', () => {
  const hello = {
    version: cp(0x0303),
    cipherSuites: [cp(0x1a1a), cp(0x1301), cp(0xc02b)],
    extensions: [cp(0x0a0a), cp(0x0000), cp(0x000a), cp(0x000b), cp(0x002b), cp(0xfafa)],
    supportedGroups: [cp(0x2a2a), cp(0x001d), cp(0x0017)],
    ecPointFormats: [cp(0)],
    supportedVersions: [cp(0x0304), cp(0x0303)],
  } as unknown as ClientHello;
  assert.equal(ja3String(hello), '771,4865-49195,0-10-11-43,29-23,0');
  const bare = { version: cp(0x0301), cipherSuites: [cp(0x39)], extensions: [] } as unknown as ClientHello;
  assert.equal(ja3String(bare), '769,57,,,');
  const sh = { version: cp(0x0303), cipherSuite: cp(0x1302), extensions: [cp(0x002b), cp(0x0033)] } as unknown as ServerHello;
  assert.equal(ja3sString(sh), '771,4866,43-51');
  assert.equal(ja3String({ ...bare, sslv2: true } as ClientHello), undefined);
});

test('tshark is installed (the JA3/JA3S oracle)', { skip: haveTshark ? false : 'tshark not installed: the JA3 comparison below is skipped' }, () => {
  assert.ok(files.length >= 90, `captures found: ${files.length}`);
});

async function decode(file: string): Promise<Connection[]> {
  const conns: Connection[] = [];
  await replayFile(file, {}, { connection: (c) => conns.push(c), warning: () => {} });
  return conns;
}

test('JA3 and JA3S equal tshark on every capture', { skip: !haveTshark && 'tshark not installed', timeout: 600_000 }, async () => {
  const problems: string[] = [];
  let ja3 = 0;
  let ja3s = 0;
  // tshark takes ~0.5 s per file: two at a time (tshark is CPU-bound; CI machines have few cores).
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const [conns, rows] = await Promise.all([decode(file), tsharkHellos(file)]);
      const name = file.slice(file.lastIndexOf('/') + 1);
      for (const c of conns) {
        const fp = fingerprints(c);
        const ch = rows.filter((r) => r.ja3Full !== undefined && r.from === c.client && r.to === c.server)[0];
        const sh = rows.filter((r) => r.ja3sFull !== undefined && r.from === c.server && r.to === c.client).at(-1);
        const pairs: [string, string | undefined, string | undefined][] = [
          ['ja3Full', ch?.ja3Full, fp.ja3Full],
          ['ja3', ch?.ja3, fp.ja3],
          ['ja3sFull', sh?.ja3sFull, fp.ja3sFull],
          ['ja3s', sh?.ja3s, fp.ja3s],
        ];
        for (const [k, want, got] of pairs) if (want !== got) problems.push(`${name} #${c.id} ${c.client}→${c.server} ${k}: tshark ${want} tlspeek ${got}`);
        if (fp.ja3 && ch) ja3++;
        if (fp.ja3s && sh) ja3s++;
      }
      // Every tshark hello must belong to some connection of ours.
      for (const r of rows) {
        const mine = conns.some((c) => (r.ja3Full !== undefined ? r.from === c.client && r.to === c.server : r.from === c.server && r.to === c.client));
        if (!mine) problems.push(`${name} frame ${r.frame}: tshark hello ${r.from}→${r.to} matches no tlspeek connection`);
      }
    }
  };
  await Promise.all(Array.from({ length: 2 }, worker));
  assert.deepEqual(problems, []);
  console.log(`JA3 equal on ${ja3} connections, JA3S on ${ja3s}, ${files.length} captures`);
  assert.ok(ja3 >= 100 && ja3s >= 90, `compared ${ja3} JA3 and ${ja3s} JA3S`);
});
