// JA4 (client) against FoxIO's published expected outputs (../shared/corpus/ja4-expected:
// python/test/testdata/*.json, rust insta snapshots, wireshark plugin test data), and by hand
// against the specification (FoxIO-LLC/ja4 technical_details/JA4.md) for three captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { replayFile } from '../../src/app/replay.js';
import { fingerprints } from '../../src/fingerprint/index.js';
import { hash12, ja4, ja4Alpn, ja4Raw, ja4Version } from '../../src/fingerprint/ja4.js';
import type { ClientHello, Connection } from '../../src/tls/model.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url));
const EXPECTED = fileURLToPath(new URL('../../../shared/corpus/ja4-expected/', import.meta.url));
const REPO = fileURLToPath(new URL('../../captures/', import.meta.url));

async function decode(file: string): Promise<Connection[]> {
  const conns: Connection[] = [];
  const r = await replayFile(file, {}, { connection: (c) => conns.push(c), warning: () => {} });
  assert.ok(r.ok, r.error);
  return conns.sort((a, b) => a.id - b.id);
}

interface Expected {
  /** Client "ip:port". */
  client: string;
  ja4: string;
  ja4Raw?: string;
  source: 'python' | 'rust';
}

/** python/test/testdata/NAME.json: [{src, srcport, "JA4.1", "JA4_r.1", …}] per stream. */
function fromPython(text: string): Expected[] {
  const rows = JSON.parse(text) as Record<string, string>[];
  return rows
    .filter((r) => r['JA4.1'])
    .map((r) => ({ client: `${r.src}:${r.srcport}`, ja4: r['JA4.1']!, ...(r['JA4_r.1'] ? { ja4Raw: r['JA4_r.1'] } : {}), source: 'python' as const }));
}

/** rust insta snapshot (YAML list): "- stream: N", "src: …", "src_port: …", "ja4: …". */
function fromRust(text: string): Expected[] {
  const out: Expected[] = [];
  for (const block of text.split(/^- stream: /m).slice(1)) {
    const field = (k: string) => new RegExp(`^  ${k}: (.+)$`, 'm').exec(block)?.[1]?.trim();
    const j = field('ja4');
    if (j) out.push({ client: `${field('src')}:${field('src_port')}`, ja4: j, source: 'rust' });
  }
  return out;
}

/** The Wireshark plugin's test data: packets with ja4.* fields. Client JA4 appears as "ja4.ja4". */
function fromWireshark(text: string): Expected[] {
  const packets = JSON.parse(text) as { _source: { layers: Record<string, string[]> } }[];
  return packets.flatMap((p) => (p._source.layers['ja4.ja4'] ?? []).map((j) => ({ client: '?', ja4: j, source: 'rust' as const })));
}

const expectedFiles = existsSync(EXPECTED) ? readdirSync(EXPECTED) : [];
const captures = [...new Set(expectedFiles.map((f) => f.replace(/\.(python\.json|rust\.snap|wireshark\.json)$/, '')))].sort();

test('FoxIO expected outputs are present (../shared/corpus/ja4-expected)', () => {
  assert.ok(captures.length >= 6, `found ${captures.length}`);
});

let compared = 0;
for (const capture of captures) {
  test(`JA4 equals FoxIO's expected output: ${capture}`, async () => {
    const read = (suffix: string) => (existsSync(`${EXPECTED}${capture}.${suffix}`) ? readFileSync(`${EXPECTED}${capture}.${suffix}`, 'utf8') : undefined);
    const python = fromPython(read('python.json') ?? '[]');
    const rust = fromRust(read('rust.snap') ?? '');
    // The wireshark test data for these captures holds JA4S/JA4X/JA4T/JA4L/JA4H only, no client JA4.
    assert.deepEqual(fromWireshark(read('wireshark.json') ?? '[]'), []);
    // Where Python and Rust both give a value they agree; Rust has one more (https-connect.pcap:
    // the ClientHello after an HTTP CONNECT, which the Python tool does not treat as TLS). The
    // union is what we compare against: each value comes from at least one FoxIO implementation.
    const byClient = new Map<string, Expected>();
    for (const e of [...rust, ...python]) {
      const other = byClient.get(e.client);
      if (other) assert.equal(e.ja4, other.ja4, `${capture} ${e.client}: python and rust disagree`);
      byClient.set(e.client, { ...other, ...e, ...(other?.ja4Raw && !e.ja4Raw ? { ja4Raw: other.ja4Raw } : {}) });
    }
    const conns = await decode(CORPUS + capture);
    for (const [client, e] of byClient) {
      const c = conns.find((x) => x.client === client);
      assert.ok(c, `${capture}: no connection from ${client}`);
      const fp = fingerprints(c, { ja4Raw: true });
      assert.equal(fp.ja4, e.ja4, `${capture} ${client}`);
      if (e.ja4Raw) assert.equal(fp.ja4Raw, e.ja4Raw, `${capture} ${client} raw`);
      compared++;
    }
    // And no JA4 where FoxIO has none with a ClientHello present (socks4-https: tshark and FoxIO see none).
    for (const c of conns) if (!byClient.has(c.client) && c.clientHello) assert.fail(`${capture}: we have a ClientHello from ${c.client} that FoxIO has no JA4 for`);
  });
}

test('compared JA4 on all 11 connections that FoxIO gives a client JA4 for', () => {
  assert.equal(compared, 11, `compared ${compared}`);
});

// ---- by hand, from JA4.md ---------------------------------------------------------------------

const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

test('JA4 by hand: captures/tls13.pcap (openssl s_client, TLS 1.3)', async () => {
  // ClientHello: legacy_version 0303, supported_versions [0304] → "13"; SNI "localhost" → "d";
  // ciphers 1302,1303,1301,00ff → 4 → "04"; extensions 0000,000b,000a,0023,0016,0017,000d,002b,
  // 002d,0033 → 10 → "10"; no ALPN → "00".  JA4_a = t13d041000.
  // JA4_b: sorted "00ff,1301,1302,1303" → sha256 16476d049b0b…
  // JA4_c: sorted without 0000 "000a,000b,000d,0016,0017,0023,002b,002d,0033", "_", sigalgs in
  // order "0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601" → 78f1d400d464.
  assert.equal(sha12('00ff,1301,1302,1303'), '16476d049b0b');
  assert.equal(sha12('000a,000b,000d,0016,0017,0023,002b,002d,0033_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601'), '78f1d400d464');
  const [c] = await decode(REPO + 'tls13.pcap');
  assert.equal(fingerprints(c!).ja4, 't13d041000_16476d049b0b_78f1d400d464');
});

test('JA4 by hand: corpus dhe.pcap (TLS 1.2, no SNI, no ALPN)', async () => {
  // legacy_version 0303, no supported_versions → "12"; no SNI → "i"; ciphers 0088,00ff → "02";
  // extensions 0023,000d,000f → "03"; no ALPN → "00".  JA4_a = t12i020300.
  // JA4_b: "0088,00ff" → ea1f27bcdcc2.  JA4_c: "000d,000f,0023_0601,0602,0603,0501,0502,0503,
  // 0401,0402,0403,0301,0302,0303,0201,0202,0203" → 15cf763851c4.
  assert.equal(sha12('0088,00ff'), 'ea1f27bcdcc2');
  assert.equal(sha12('000d,000f,0023_0601,0602,0603,0501,0502,0503,0401,0402,0403,0301,0302,0303,0201,0202,0203'), '15cf763851c4');
  const [c] = await decode(CORPUS + 'dhe.pcap');
  assert.equal(fingerprints(c!).ja4, 't12i020300_ea1f27bcdcc2_15cf763851c4');
});

test('JA4 by hand: corpus tls13draft23-chrome67 (GREASE everywhere, a draft version)', async () => {
  // supported_versions dada(GREASE),7f17,0303,0302,0301: the highest non-GREASE value is 7f17
  // (TLS 1.3 draft 23), not in JA4.md's table → "00" ("Unknown = 00"). SNI → "d".
  // ciphers: 17 listed, 9a9a is GREASE → 16; extensions: 18 listed, 4a4a and 7a7a GREASE → 16.
  // ALPN h2 → "h2".  JA4_a = t00d1616h2.
  // JA4_b: "000a,002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9" → 46e7e9700bed
  // JA4_c: sorted without 0000/0010 "0005,000a,000b,000d,0012,0015,0017,0018,0023,002b,002d,
  // 0033,7550,ff01" + "_0403,0804,0401,0503,0805,0501,0806,0601,0201" → 420f9a5d0665.
  assert.equal(sha12('000a,002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9'), '46e7e9700bed');
  assert.equal(sha12('0005,000a,000b,000d,0012,0015,0017,0018,0023,002b,002d,0033,7550,ff01_0403,0804,0401,0503,0805,0501,0806,0601,0201'), '420f9a5d0665');
  const [c] = await decode(CORPUS + 'tls13draft23-chrome67.0.3368.0-canary.pcap');
  assert.equal(fingerprints(c!).ja4, 't00d1616h2_46e7e9700bed_420f9a5d0665');
});

// ---- spec points on hand-built hellos ----------------------------------------------------------

const cp = (code: number) => ({ code, name: '' });
const hello = (over: Partial<Record<keyof ClientHello, unknown>>): ClientHello =>
  ({ version: cp(0x0303), cipherSuites: [cp(0x1301)], extensions: [], compressionMethods: [cp(0)], random: '', sessionIdLength: 0, ...over }) as unknown as ClientHello;

test('JA4 spec points: ALPN characters, version table, empty lists, counts capped at 99', () => {
  // JA4.md "ALPN Extension Value", including its hex examples.
  assert.equal(ja4Alpn(hello({ alpn: ['h2'] })), 'h2');
  assert.equal(ja4Alpn(hello({ alpn: ['http/1.1', 'h2'] })), 'h1');
  assert.equal(ja4Alpn(hello({ alpn: ['x'] })), 'xx');
  assert.equal(ja4Alpn(hello({})), '00');
  assert.equal(ja4Alpn(hello({ alpn: ['0\u00ab'] })), '3b', 'non-ASCII valid UTF-8: hex of the bytes 30 c2 ab → "3b"');
  assert.equal(ja4Alpn(hello({ alpn: ['h2-'] })), '6d', 'hex of 68 32 2d');
  assert.equal(ja4Alpn(hello({ alpn: ['\ufffd\ufffd'] })), '99', 'bytes lost to U+FFFD: FoxIO implementations\' "9"');
  // Found by the flows fuzz target: an ASCII end that is not alphanumeric beside a lost byte.
  assert.equal(ja4Alpn(hello({ alpn: ['<n\ufffd'] })), '39', '"<" is 3c: its first hex digit; the lost byte: "9"');
  assert.equal(ja4Alpn(hello({ alpn: ['\ufffda/'] })), '9f', '"/" is 2f: its last hex digit');
  assert.equal(ja4Alpn(hello({ alpn: ['h\ufffd2'] })), 'h2', 'alphanumeric ends are kept as they are');
  for (const v of ['<\ufffd', '\ufffd>', '\x00\ufffd\x7f', '-\ufffd-']) assert.match(ja4Alpn(hello({ alpn: [v] })), /^[0-9a-zA-Z]{2}$/, JSON.stringify(v));
  assert.equal(ja4Version(hello({ supportedVersions: [cp(0x0a0a), cp(0x0304), cp(0x0303)] })), '13');
  assert.equal(ja4Version(hello({ version: cp(0x0300) })), 's3');
  assert.equal(ja4Version(hello({ version: cp(0x0305) })), '00');
  assert.equal(hash12(''), '000000000000');
  // No extensions at all: JA4_c is 000000000000; no signature algorithms: no trailing "_".
  assert.equal(ja4(hello({})), `t12i010000_${sha12('1301')}_000000000000`);
  assert.equal(ja4Raw(hello({ extensions: [cp(0x0017)] })), 't12i010100_1301_0017');
  const many = Array.from({ length: 120 }, (_, i) => cp(i + 1));
  assert.match(ja4(hello({ cipherSuites: many }))!, /^t12i9900/);
});
