// Every connection tlspeek reports, from every capture we have, validates against the
// committed JSON Schema; a drift between model.ts and the schema fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { replayFile } from '../../src/app/replay.js';
import { loadKeyLogs } from '../../src/app/keys.js';
import type { Connection } from '../../src/tls/model.js';

const Ajv2020 = Ajv2020Module.default;
const schema = JSON.parse(readFileSync(new URL('../../schema/connection.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const validate = ajv.compile(schema);

const dirs = [fileURLToPath(new URL('../../captures/', import.meta.url)), fileURLToPath(new URL('../../../shared/corpus/captures/', import.meta.url))];
const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => d + f) : []));

test('every reported connection validates against schema/connection.schema.json', async () => {
  assert.ok(files.length > 40, `captures found: ${files.length}`);
  let checked = 0;
  const failures: string[] = [];
  for (const file of files) {
    const conns: Connection[] = [];
    // A capture with its key log beside it is checked decrypted too (renegotiations, postHandshakeAuth, decrypted flags).
    const keys = file.replace(/\.pcap(ng)?$/, '.keys');
    await replayFile(file, {}, { connection: (c) => conns.push(c), warning: () => {} });
    if (existsSync(keys)) {
      const { secrets } = { secrets: (await loadKeyLogs([keys], () => {})).lookup };
      await replayFile(file, {}, { connection: (c) => conns.push(c), warning: () => {} }, { secrets });
    }
    for (const c of conns) {
      // What --json prints is the JSON text, so validate that, not the in-memory object.
      const parsed = JSON.parse(JSON.stringify(c)) as unknown;
      checked++;
      if (!validate(parsed)) failures.push(`${file} #${c.id}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  assert.ok(checked > 100, `connections checked: ${checked}`);
  assert.deepEqual(failures, []);
});

test('the schema rejects what the model forbids', () => {
  assert.equal(validate({ source: 'replay', id: 1, client: 'a', server: 'b', tls: true, alerts: [], messages: [], errors: [], complete: true }), false, 'stats is required');
  const ok = {
    source: 'proxy',
    id: 1,
    client: '127.0.0.1:1',
    server: '127.0.0.1:2',
    tls: false,
    alerts: [],
    messages: [],
    errors: [],
    complete: false,
    decrypted: false,
    outcome: 'not-tls',
    outcomeBasis: 'seen',
    outcomeDetail: 'no TLS record in either direction',
    stats: {
      client: { bytes: 0, preambleBytes: 0, records: {}, encryptedRecords: 0, encryptedBytes: 0, encrypted: false },
      server: { bytes: 0, preambleBytes: 0, records: {}, encryptedRecords: 0, encryptedBytes: 0, encrypted: false },
    },
  };
  assert.equal(validate(ok), true, ajv.errorsText(validate.errors));
  assert.equal(validate({ ...ok, version: { code: '771', name: 'TLS 1.2' } }), false, 'code points are numbers');
  assert.equal(validate({ ...ok, surprise: 1 }), false, 'no unknown keys');
  assert.equal(validate({ ...ok, outcome: 'done' }), false, 'outcome is one of six words');
  assert.equal(validate({ ...ok, outcomeBasis: 'guessed' }), false, 'seen or inferred');
  const { outcome: _omitted, ...noOutcome } = ok;
  assert.equal(validate(noOutcome), false, 'outcome is required');
});
