// Decryption against tshark: every capture in captures/ recorded with its client's key log beside
// it (NAME.keys, s_client -keylogfile) is decoded by tlspeek with --keylog and by tshark with
// `-o tls.keylog_file:NAME.keys`; per packet, the handshake message types, the signature schemes
// (CertificateRequest and CertificateVerify) and the alert descriptions must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { replayFile } from '../../src/app/replay.js';
import { loadKeyLogs } from '../../src/app/keys.js';
import type { Connection } from '../../src/tls/model.js';
import { hasCommand } from '../helpers/servers.js';

const captures = readdirSync('captures').filter((f) => f.endsWith('.pcap') && existsSync(`captures/${f.replace(/\.pcap$/, '.keys')}`));
const skip = !hasCommand('tshark') ? 'tshark missing' : false;

/**
 * Where tshark 4.0.17 is wrong. apache-pha-location: after the client's post-handshake Finished it
 * no longer decrypts the client's records (its next one, the close_notify, is left opaque), as if
 * that Finished changed the client's keys; RFC 8446 §4.6.2 changes no keys there, and the record
 * authenticates under the same application traffic secret.
 */
const TSHARK_CANNOT: Record<string, number[]> = { 'apache-pha-location.pcap': [22] };

interface Seen {
  handshakes: string[];
  alerts: string[];
}

/** tshark's view, per packet number: the handshake message types and alert descriptions it decrypted. */
function tshark(pcap: string, keys: string): Map<number, Seen> {
  const out = execFileSync(
    'tshark',
    ['-r', pcap, '-o', `tls.keylog_file:${keys}`, '-Y', 'tls', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc', '-E', 'occurrence=a', '-E', 'aggregator=,'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const byPacket = new Map<number, Seen>();
  for (const line of out.trim().split('\n')) {
    const [frame, types, alerts] = line.split('\t');
    const list = (s: string | undefined) => (s ? s.split(',') : []);
    byPacket.set(Number(frame), { handshakes: list(types), alerts: list(alerts) });
  }
  return byPacket;
}

/** tshark's signature schemes of each CertificateRequest and CertificateVerify, in order (from -T json, message by message). */
function tsharkSchemes(pcap: string, keys: string): { certificateRequests: number[][]; certificateVerifies: number[] } {
  const json = JSON.parse(execFileSync('tshark', ['-r', pcap, '-o', `tls.keylog_file:${keys}`, '-Y', 'tls.handshake.type == 13 || tls.handshake.type == 15', '-T', 'json', '--no-duplicate-keys', '-J', 'tls'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })) as unknown[];
  const certificateRequests: number[][] = [];
  const certificateVerifies: number[] = [];
  const all = (o: unknown, key: string, acc: unknown[] = []): unknown[] => {
    if (Array.isArray(o)) for (const x of o) all(x, key, acc);
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) (k === key ? (Array.isArray(v) ? acc.push(...v) : acc.push(v)) : all(v, key, acc));
    return acc;
  };
  for (const hs of all(json, 'tls.handshake')) {
    const type = all(hs, 'tls.handshake.type')[0];
    const codes = all(hs, 'tls.handshake.sig_hash_alg').map((x) => Number(x));
    if (type === '13') certificateRequests.push(codes);
    if (type === '15') certificateVerifies.push(codes[0]!);
  }
  return { certificateRequests, certificateVerifies };
}

/** tlspeek's view in the same shape, from the ladder. */
function ours(c: Connection): Map<number, Seen> {
  const byPacket = new Map<number, Seen>();
  const at = (p: number | undefined): Seen => {
    const key = p ?? -1;
    let s = byPacket.get(key);
    if (!s) byPacket.set(key, (s = { handshakes: [], alerts: [] }));
    return s;
  };
  for (const m of c.messages) if (m.record === 'handshake' && m.type) at(m.packet).handshakes.push(String(m.type.code));
  for (const a of c.alerts) if (a.description) at(a.packet).alerts.push(String(a.description.code));
  return byPacket;
}

for (const file of captures) {
  test(`${file}: decrypted with its key log, the same messages, schemes and alerts as tshark`, { skip }, async () => {
    const keys = `captures/${file.replace(/\.pcap$/, '.keys')}`;
    const secrets = (await loadKeyLogs([keys], (m) => assert.fail(m))).lookup;
    const conns: Connection[] = [];
    await replayFile(`captures/${file}`, {}, { connection: (c) => conns.push(c), warning: () => {} }, { secrets });
    assert.equal(conns.length, 1);
    const c = conns[0]!;
    assert.equal(c.decrypted, true, c.decryption);
    assert.deepEqual(c.errors, []);
    const theirs = tshark(`captures/${file}`, keys);
    const mine = ours(c);
    for (const [packet, seen] of theirs) {
      const got = mine.get(packet) ?? { handshakes: [], alerts: [] };
      assert.deepEqual(got.handshakes, seen.handshakes, `packet ${packet}: handshake types`);
      if (TSHARK_CANNOT[file]?.includes(packet)) {
        // tshark gave up on this record; ours opened it (an AEAD tag that verifies), a close_notify.
        assert.deepEqual(seen.alerts, []);
        assert.ok(c.alerts.some((a) => a.packet === packet && a.decrypted && a.description?.name === 'close_notify'), `packet ${packet}`);
        continue;
      }
      assert.deepEqual(got.alerts, seen.alerts, `packet ${packet}: alerts`);
    }
    for (const packet of mine.keys()) assert.ok(theirs.has(packet), `packet ${packet}: tlspeek decoded something tshark did not`);
    // The CertificateRequest's schemes and each CertificateVerify's, message by message (server's first in TLS 1.3).
    const schemes = tsharkSchemes(`captures/${file}`, keys);
    // The handshake's, then each renegotiation's and post-handshake authentication's, in order.
    const later = [...(c.renegotiations ?? []), ...(c.postHandshakeAuth ?? [])];
    const requests = [c.certificateRequest, ...later.map((x) => x.certificateRequest)].filter((x) => x !== undefined);
    assert.deepEqual(schemes.certificateRequests, requests.map((r) => r.signatureAlgorithms?.map((x) => x.code) ?? []));
    const cvs = [c.serverCertificateVerify, c.certificateVerify, ...later.map((x) => x.certificateVerify)].filter((x) => x !== undefined).map((x) => x.signatureAlgorithm?.code);
    assert.deepEqual([...schemes.certificateVerifies].sort(), [...cvs].sort());
  });
}

test('a wrong key log: "keys do not match", nothing decrypted, the rest of the connection still decoded', { skip }, async () => {
  const [a, b] = ['tls13-keylog-mtls', 'tls13-keylog-certreq-no-pss'];
  assert.ok(captures.includes(`${a}.pcap`) && captures.includes(`${b}.pcap`));
  // b's secrets handed out for a's connection: the lines are good, but cannot open a's records.
  const theirs = await loadKeyLogs([`captures/${b}.keys`], () => {});
  const bRandom = readFileSync(`captures/${b}.keys`, 'utf8').split('\n').find((l) => !l.startsWith('#'))!.split(' ')[1]!;
  const conns: Connection[] = [];
  await replayFile(`captures/${a}.pcap`, {}, { connection: (c) => conns.push(c), warning: () => {} }, { secrets: () => theirs.lookup(bRandom) });
  const c = conns[0]!;
  assert.equal(c.decrypted, false);
  assert.match(c.decryption ?? '', /keys do not match/);
  assert.ok(c.errors.some((e) => /keys do not match/.test(e.message)), JSON.stringify(c.errors));
  assert.equal(c.clientHello?.serverName, 'localhost', 'the plaintext hellos are still there');
  assert.deepEqual([c.outcome, c.outcomeBasis], ['complete', 'inferred'], 'and the outcome falls back to what the records show');
});
