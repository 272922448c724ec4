// A capture that starts mid-connection, cut from a real one (captures/tls12.pcap, made by
// scripts/make-captures.sh) with editcap: the same bytes decode the same way as in the whole
// capture. tshark on the whole capture is the oracle; on the cut one tshark itself calls the
// server's plaintext NewSessionTicket an "Encrypted Handshake Message".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { runCli } from '../helpers/cli.js';
import { run, tempDir } from './helpers.js';
import type { Connection } from '../../src/tls/model.js';

const WHOLE = fileURLToPath(new URL('../../captures/tls12.pcap', import.meta.url));

async function replay(path: string): Promise<Connection[]> {
  const out: Connection[] = [];
  await replayFile(path, {}, { connection: (c) => out.push(c), warning: () => {} });
  return out;
}

/** frame → [handshake types, session ticket lifetime] as tshark decodes the whole capture. */
async function tsharkHandshakes(path: string): Promise<Map<number, { types: number[]; lifetime?: number }>> {
  const stdout = await run('tshark', ['-n', '-r', path, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.handshake.session_ticket_lifetime_hint']);
  const m = new Map<number, { types: number[]; lifetime?: number }>();
  for (const line of stdout.trim().split('\n')) {
    const [frame, types, lifetime] = line.split('|');
    if (!types) continue;
    m.set(Number(frame), { types: types.split(',').map(Number), ...(lifetime ? { lifetime: Number(lifetime) } : {}) });
  }
  return m;
}

test('a capture cut just before the ClientKeyExchange decodes its plaintext handshake records as the whole capture does', async (t) => {
  const oracle = await tsharkHandshakes(WHOLE);
  // The whole capture: SYN, SYN-ACK, ACK, then ClientHello, ServerHello…, ClientKeyExchange…
  const cke = [...oracle].find(([, v]) => v.types.includes(16))![0];
  const nst = [...oracle].find(([, v]) => v.types.includes(4))![0];
  assert.ok(cke < nst, `ClientKeyExchange in frame ${cke}, NewSessionTicket in ${nst}`);
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const cut = join(tmp.dir, 'cut.pcap');
  await run('editcap', ['-r', WHOLE, cut, `${cke}-1000`]);

  const [whole] = await replay(WHOLE);
  const conns = await replay(cut);
  assert.equal(conns.length, 1);
  const c = conns[0]!;
  assert.equal(c.clientHello, undefined);
  assert.equal(c.midstream, true);
  assert.equal(whole!.midstream, undefined);
  // Packet numbers in the cut file start again at 1.
  const decoded = c.messages.filter((m) => m.type && !m.encrypted).map((m) => [m.type!.code, m.packet! + cke - 1]);
  assert.deepEqual(decoded, [[16, cke], [4, nst]]);
  assert.equal(c.newSessionTicket?.lifetime, oracle.get(nst)!.lifetime);
  assert.deepEqual(c.newSessionTicket, whole!.newSessionTicket);
  assert.equal(c.clientKeyExchange?.length, whole!.clientKeyExchange?.length);
  assert.equal(c.clientKeyExchange?.kind, 'unknown', 'no ServerHello, so no cipher suite to tell the kind');
  assert.equal(c.messages[0]!.summary, `key exchange unknown (no ServerHello), ${c.clientKeyExchange!.length} bytes`);
  assert.deepEqual(c.messages.map((m) => m.record), ['handshake', 'change_cipher_spec', 'handshake', 'handshake', 'change_cipher_spec', 'handshake', 'application_data', 'application_data', 'alert', 'alert']);
  // Each side's encrypted records are the same as in the whole capture, where the direction is known.
  for (const side of ['client', 'server'] as const) {
    assert.equal(c.stats[side].encryptedRecords, whole!.stats[side].encryptedRecords, side);
    assert.equal(c.stats[side].encryptedBytes, whole!.stats[side].encryptedBytes, side);
  }
  // The whole capture's handshake completed; the cut one lacks its hellos, so it says only that.
  assert.equal(whole!.outcome, 'complete');
  assert.equal(c.complete, false);
  assert.deepEqual([c.outcome, c.outcomeBasis], ['incomplete', 'seen']);
  assert.deepEqual(c.errors, []);

  const text = await runCli('replay', '--color', 'never', cut);
  assert.match(text.out, /\n {4}capture joined the connection mid-stream \(no SYN\); the hellos went by before it began\n/);
  assert.doesNotMatch((await runCli('replay', '--color', 'never', WHOLE)).out, /mid-stream/);
});
