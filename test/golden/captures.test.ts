// Golden output per bundled capture: `tlspeek replay --json` of every file in captures/ must equal
// test/golden/captures/<file>.jsonl byte for byte, so that any change of output shows in the diff
// and is read there. `npm run golden` (UPDATE_GOLDEN=1) rewrites them; a changed golden file is
// part of the change to review, line by line. The values themselves are checked elsewhere against
// tshark and against how each capture was made (test/captures, test/rules, test/conformance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';

const DIR = 'test/golden/captures';
const files = readdirSync('captures').filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();
const update = !!process.env.UPDATE_GOLDEN;

test('every bundled capture has a golden file, and every golden file a capture', () => {
  assert.ok(files.length > 50, `captures: ${files.length}`);
  if (update) return;
  const golden = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();
  assert.deepEqual(golden, files.map((f) => `${f}.jsonl`));
});

for (const file of files) {
  test(`replay --json captures/${file} equals its golden file`, async () => {
    // A capture recorded with its key log beside it (NAME.keys) is replayed with it, decrypted.
    const keys = `captures/${file.replace(/\.pcap(ng)?$/, '.keys')}`;
    const r = await runCli('replay', '--json', ...(existsSync(keys) ? ['--keylog', keys] : []), `captures/${file}`);
    assert.equal(r.code, 0, r.err);
    const path = `${DIR}/${file}.jsonl`;
    if (update) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(path, r.out);
      return;
    }
    assert.ok(existsSync(path), `${path} missing: run npm run golden and review it`);
    const want = readFileSync(path, 'utf8').split('\n');
    const got = r.out.split('\n');
    // Line by line, then key by key: the first difference, readable.
    for (let i = 0; i < Math.max(want.length, got.length); i++) {
      if (want[i] === got[i]) continue;
      const w = want[i] ? (JSON.parse(want[i]!) as unknown) : undefined;
      const g = got[i] ? (JSON.parse(got[i]!) as unknown) : undefined;
      assert.deepEqual(g, w, `captures/${file}: connection line ${i + 1} differs from ${path} (npm run golden rewrites it; review the diff)`);
      assert.equal(got[i], want[i], `captures/${file}: line ${i + 1}: same values, different bytes (key order?)`);
    }
  });
}
