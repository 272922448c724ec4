// Conformance with the public corpus: for every capture in ../shared/corpus/captures, the
// values tshark decoded (NAME.tshark.json) must equal tlspeek's decode, field by field.
// Where tshark is wrong, the difference is listed below with the reason, and the test
// asserts what is right instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import type { Connection } from '../../src/tls/model.js';
import { connectionAsOracle, type OracleConnection, type OracleFile } from './oracle.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url));

type Field = keyof Omit<OracleConnection, 'tcp_stream' | 'tshark_errors' | 'client' | 'server'>;

/**
 * Fields where tshark 4.0.17 is wrong for a capture, and what we check instead.
 * Each entry says why; the replacement check runs in the test below.
 */
const TSHARK_WRONG: Record<string, { fields: Field[]; why: string; check: (c: Connection) => void }[]> = {
  'tls-fragmented-handshake.pcap': [
    {
      fields: ['certificates', 'handshake_messages'],
      why: 'tshark does not reassemble the ~360 KB Certificate spread over many records (corpus README); RFC 5246 §6.2.1 allows a message to span any number of records',
      check: (c) => {
        assert.ok((c.certificates?.length ?? 0) > 0, 'the fragmented Certificate message is decoded');
        assert.ok(c.messages.some((m) => m.type?.code === 11 && !m.encrypted), 'the Certificate is on the ladder');
      },
    },
  ],
  'tls_missing_ch_frag.pcap': [
    {
      fields: ['record_counts'],
      why:
        "after the missing ClientHello segment tshark's oracle counts no client records, yet tshark's own per-frame fields (tshark -T fields -e tls.record.content_type -e tls.record.length) list a ChangeCipherSpec and a 69-byte record in frame 9 and records in frames 11 and 12",
      check: (c) => {
        assert.deepEqual(c.stats.client.records, { change_cipher_spec: 1, application_data: 3 });
        assert.deepEqual(c.stats.server.records, { handshake: 1, change_cipher_spec: 1, application_data: 1 });
      },
    },
  ],
};

const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => !f.endsWith('.json')).sort() : [];

test('the corpus is present (../shared/corpus/captures)', () => {
  assert.ok(files.length >= 40, `expected the shared corpus next to the repository, found ${files.length} captures in ${CORPUS}`);
});

async function decode(file: string): Promise<Connection[]> {
  const conns: Connection[] = [];
  const result = await replayFile(CORPUS + file, {}, { connection: (c) => conns.push(c), warning: () => {} });
  assert.ok(result.ok, result.error);
  return conns.sort((a, b) => a.id - b.id);
}

for (const file of files) {
  test(`corpus ${file} matches tshark`, async () => {
    const oracle = JSON.parse(readFileSync(`${CORPUS}${file}.tshark.json`, 'utf8')) as OracleFile;
    const ours = (await decode(file)).filter((c) => c.tls);
    const wrong = TSHARK_WRONG[file] ?? [];
    const skip = new Set(wrong.flatMap((w) => w.fields));
    const used = new Set<Connection>();
    const problems: string[] = [];
    for (const expected of oracle.connections) {
      const mine = ours.find((c) => !used.has(c) && c.client === expected.client && c.server === expected.server);
      if (!mine) {
        problems.push(`stream ${expected.tcp_stream} ${expected.client} → ${expected.server}: not found among ${ours.map((c) => `${c.client}→${c.server}`).join(', ')}`);
        continue;
      }
      used.add(mine);
      const got = connectionAsOracle(mine);
      for (const key of Object.keys(got) as Field[]) {
        if (skip.has(key) || !(key in expected) && got[key] === undefined) continue;
        try {
          assert.deepStrictEqual(got[key], expected[key]);
        } catch {
          problems.push(`stream ${expected.tcp_stream} ${key}:\n    tshark:  ${JSON.stringify(expected[key])}\n    tlspeek: ${JSON.stringify(got[key])}`);
        }
      }
      for (const key of ['additional_client_hellos', 'additional_server_hellos'] as const) {
        if (key in expected && !(key in got)) problems.push(`stream ${expected.tcp_stream} ${key}: tshark has it, tlspeek not`);
      }
      for (const w of wrong) w.check(mine);
    }
    const extra = ours.filter((c) => !used.has(c) && (c.clientHello || c.serverHello));
    if (extra.length > 0 && !wrong.length) {
      problems.push(`tlspeek decoded hellos on connections tshark has none for: ${extra.map((c) => `#${c.id} ${c.client}→${c.server}`).join(', ')}`);
    }
    assert.equal(problems.length, 0, `${file}:\n  ${problems.join('\n  ')}`);
  });
}
