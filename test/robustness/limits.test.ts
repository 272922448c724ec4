// Every cap in src/limits.ts and the capture modules is enforced and reported on the connection
// that hit it, and the rest goes on: hostile hellos, oversized messages and chains, over-long
// strings and lists in the output, flows that never close, more flows than the table holds, and a
// 100,000-connection capture replayed by the built CLI under a fixed peak-RSS bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TlsSession } from '../../src/tls/session.js';
import type { Connection } from '../../src/tls/model.js';
import {
  MAX_CERTIFICATE_BYTES,
  MAX_CHAIN_LENGTH,
  MAX_ERRORS,
  MAX_EXTENSIONS,
  MAX_HANDSHAKE_MESSAGE,
  MAX_HELLOS,
  MAX_LADDER_ENTRIES,
  MAX_OUTPUT_LIST,
  MAX_OUTPUT_STRING,
  MAX_PLAINTEXT_SCAN,
} from '../../src/limits.js';
import { FlowTable, type FlowHandler } from '../../src/capture/flows.js';
import { readCapture } from '../../src/capture/reader.js';
import { renderConnection } from '../../src/report/text.js';
import { makeStyle } from '../../src/report/style.js';
import { JsonLineEncoder } from '../../src/report/json.js';
import { clientHelloBody, ext, handshake, records, serverHelloBody, vec16, vec24, vec8 } from '../helpers/tls-bytes.js';
import { validateConnection, checkConnection } from '../fuzz/targets.js';
import { clientAddress, loadTemplate, writeClones } from './pcap-gen.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function session(): TlsSession {
  return new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 5000 }, { ip: '127.0.0.1', port: 443 }], initiator: 0 });
}
function feed(s: TlsSession, side: 0 | 1, bytes: number[]): void {
  s.feed(side, Uint8Array.from(bytes));
}
function errorsMatching(c: Connection, re: RegExp): string[] {
  return c.errors.map((e) => e.message).filter((m) => re.test(m));
}
/** Output of one connection as the CLI prints it, both formats. */
function outputs(c: Connection): { json: string; text: string } {
  checkConnection(c); // schema-valid, no control characters in text, findings and fingerprints added
  const chunks: Buffer[] = [];
  const enc = new JsonLineEncoder((b) => chunks.push(b));
  enc.line(c);
  enc.flush();
  return { json: Buffer.concat(chunks).toString('utf8'), text: renderConnection(c, { style: makeStyle(false), verbose: true }) };
}

test('a 64 KB ClientHello of 32,000 cipher suites: listed up to MAX_OUTPUT_LIST, reported, output bounded', () => {
  const suites = Array.from({ length: 32_000 }, (_, i) => 0x0a00 + (i % 0xf000));
  const s = session();
  feed(s, 0, records(22, handshake(1, clientHelloBody({ suites })), 16384));
  const c = s.result();
  assert.equal(c.clientHello?.cipherSuites.length, MAX_OUTPUT_LIST);
  assert.equal(errorsMatching(c, /LimitExceeded: clientHello\.cipherSuites has 32000 entries/).length, 1);
  const { json, text } = outputs(c);
  assert.ok(json.length < 64 * 1024, `JSON line ${json.length} bytes`);
  assert.ok(text.length < 64 * 1024, `text ${text.length} bytes`);
});

test(`more than MAX_EXTENSIONS (${MAX_EXTENSIONS}) extensions in a hello: the first are listed, the excess reported`, () => {
  const exts = Array.from({ length: 1000 }, (_, i) => ext(0xff00 - i, [])).flat();
  const s = session();
  feed(s, 0, records(22, handshake(1, clientHelloBody({ extensions: exts })), 16384));
  const c = s.result();
  assert.equal(c.clientHello?.extensions.length, MAX_EXTENSIONS);
  assert.deepEqual(errorsMatching(c, /MAX_EXTENSIONS/), [`LimitExceeded: ClientHello has 1000 extensions; the first ${MAX_EXTENSIONS} are listed (MAX_EXTENSIONS)`]);
  outputs(c);
});

test(`more than MAX_HELLOS (${MAX_HELLOS}) ClientHellos on one connection: kept up to the cap, reported once`, () => {
  const s = session();
  const one = records(22, handshake(1, clientHelloBody()), 16384);
  for (let i = 0; i < 500; i++) feed(s, 0, one);
  const c = s.result();
  assert.equal(1 + (c.additionalClientHellos?.length ?? 0), MAX_HELLOS);
  assert.equal(errorsMatching(c, /MAX_HELLOS/).length, 1);
  assert.ok(c.messages.length <= MAX_LADDER_ENTRIES && c.messagesDropped! > 0);
  outputs(c);
});

test('an SNI of 60,000 characters is cut to MAX_OUTPUT_STRING and reported; ALPN of 20,000 protocols to MAX_OUTPUT_LIST', () => {
  const name = 'a'.repeat(60_000);
  const sni = ext(0, vec16([0, ...vec16([...Buffer.from(name)])]));
  const s = session();
  feed(s, 0, records(22, handshake(1, clientHelloBody({ extensions: sni })), 16384));
  const c = s.result();
  assert.equal(c.clientHello?.serverName?.length, MAX_OUTPUT_STRING);
  assert.equal(errorsMatching(c, /clientHello\.serverName is 60000 characters/).length, 1);
  outputs(c);

  const legal = ext(16, vec16(Array.from({ length: 30_000 }, () => vec8([0x68])).flat().slice(0, 60_000)));
  const s3 = session();
  feed(s3, 0, records(22, handshake(1, clientHelloBody({ extensions: legal })), 16384));
  const c3 = s3.result();
  assert.equal(c3.clientHello?.alpn?.length, MAX_OUTPUT_LIST);
  assert.equal(errorsMatching(c3, /clientHello\.alpn has 30000 entries/).length, 1);
  outputs(c3);
});

test(`a handshake message over MAX_HANDSHAKE_MESSAGE (${MAX_HANDSHAKE_MESSAGE}) is skipped and reported; the next message still decodes`, () => {
  const s = session();
  const big = MAX_HANDSHAKE_MESSAGE + 100;
  // A Certificate header claiming `big` bytes, its body (in records), then a ServerHelloDone.
  const body = new Array<number>(big).fill(0);
  feed(s, 1, records(22, [11, ...[(big >> 16) & 0xff, (big >> 8) & 0xff, big & 0xff], ...body, ...handshake(14, [])], 16384));
  const c = s.result();
  assert.equal(errorsMatching(c, /LimitExceeded: Handshake: certificate message of \d+ bytes exceeds the 1048576-byte cap; skipped/).length, 1);
  assert.ok(c.messages.some((m) => m.type?.name === 'server_hello_done'), 'decoding goes on after the skipped message');
  outputs(c);
});

test(`a chain of more than MAX_CHAIN_LENGTH (${MAX_CHAIN_LENGTH}) certificates, and one over MAX_CERTIFICATE_BYTES: both reported`, () => {
  const fake = [0x30, 0x03, 0x02, 0x01, 0x01];
  const chain = Array.from({ length: 40 }, () => vec24(fake)).flat();
  const huge = vec24([0x30, 0x83, ...[0x01, 0x00, 0x10], ...new Array<number>(0x010010).fill(0)]);
  const s = session();
  feed(s, 1, records(22, handshake(2, serverHelloBody()), 16384));
  feed(s, 1, records(22, handshake(11, vec24([...huge, ...chain])), 16384));
  const c = s.result();
  assert.equal(c.certificates?.length, MAX_CHAIN_LENGTH);
  assert.equal(errorsMatching(c, /9 certificate\(s\) beyond the chain cap not decoded/).length, 1);
  assert.match(c.certificates![0]!.error ?? '', new RegExp(`LimitExceeded: certificate is \\d+ bytes, over MAX_CERTIFICATE_BYTES \\(${MAX_CERTIFICATE_BYTES}\\)`));
  outputs(c);
});

test(`a non-TLS stream is scanned at most MAX_PLAINTEXT_SCAN (${MAX_PLAINTEXT_SCAN}) bytes, then given up; errors stop at MAX_ERRORS`, () => {
  const s = session();
  for (let i = 0; i < 40; i++) s.feed(0, new Uint8Array(4096).fill(0x41));
  // Many gaps, each an error.
  for (let i = 0; i < 100; i++) s.gap(1, 10);
  const c = s.result();
  // Scanning stops past the cap: the direction is given up and every byte of it, before and after
  // that point, is counted as plaintext (the same total however the stream was chunked).
  assert.equal(c.stats.client.preambleBytes, 40 * 4096);
  assert.equal(c.stats.client.bytes, 40 * 4096);
  assert.deepEqual(c.stats.client.records, {});
  assert.equal(c.errors.length, MAX_ERRORS + 1);
  assert.match(c.errors.at(-1)!.message, /further error\(s\) not shown/);
  assert.ok(validateConnection(JSON.parse(JSON.stringify(c))));
});

// ---- capture-level caps --------------------------------------------------------------------

const fatalAlert = join(repo, 'captures/fatal-alert.pcap');

test('flows that never close: flushed when idle (> 300 s of capture time) and evicted beyond the table cap, each reported once', async () => {
  const t = await loadTemplate(fatalAlert);
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-limits-'));
  try {
    const file = join(dir, 'never-closing.pcap');
    const N = 20_000;
    // No FIN, no RST; one new connection every 50 ms: 1,000 s of capture, so idle flushing happens.
    await writeClones(file, t, N, (i) => ({
      clientIp: clientAddress(i).ip, clientPort: clientAddress(i).port, clientIsnDelta: i * 7919, serverIsnDelta: i * 104729, start: 1_700_000_000 + i * 0.05,
      keep: (d, tcp) => (d[tcp + 13]! & 0x05) === 0,
    }));
    for (const maxFlows of [100_000, 1000]) {
      const reported = new Map<number, number>();
      const table = new FlowTable({
        open(flow): FlowHandler {
          const s = new TlsSession({ source: 'replay', id: flow.id, endpoints: [flow.a, flow.b], initiator: 0 });
          return {
            data: (side, b) => s.feed(side, b),
            gap: (side, n) => s.gap(side, n),
            close() {
              s.end(0);
              s.end(1);
              const c = s.result();
              reported.set(c.id, (reported.get(c.id) ?? 0) + 1);
              assert.ok(c.clientHello, `flow ${c.id} decoded`);
            },
          };
        },
      }, { maxFlows });
      await readCapture(file, { packet: (p) => table.packet(p), warning: () => {} });
      const st = table.stats;
      assert.ok(st.closed.idle > 0 || st.closed.evicted > 0);
      if (maxFlows === 1000) {
        assert.ok(st.closed.evicted > 0, 'more live flows than the cap: the least recently used are evicted');
        assert.ok(st.maxActiveFlows <= 1000, `max active ${st.maxActiveFlows}`);
      } else {
        assert.ok(st.closed.idle > N / 2, `idle flushes: ${st.closed.idle}`);
        assert.ok(st.maxActiveFlows < 300 / 0.05 + 100, `live flows stay about idle/interval: ${st.maxActiveFlows}`);
      }
      table.end();
      assert.equal(reported.size, N);
      assert.ok([...reported.values()].every((n) => n === 1), 'each flow reported exactly once');
      assert.equal(table.stats.activeFlows, 0);
      assert.equal(table.stats.bufferedBytes, 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Peak RSS (KiB) of `node bin/tlspeek replay --json FILE > /dev/null`, and the number of JSON lines it would print. */
function peakRss(file: string): Promise<{ kib: number; lines: number; code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/time', ['-f', '%M', 'node', 'bin/tlspeek', 'replay', '--json', file], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let err = '';
    p.stdout.on('data', (b: Buffer) => {
      for (const x of b) if (x === 10) lines++;
    });
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      const kib = Number(err.trim().split('\n').at(-1));
      resolve({ kib, lines, code, err });
    });
  });
}

/** Peak RSS bound for the built CLI on any capture size: the bench measures ~155 MiB on 21k handshakes. */
const RSS_BOUND_KIB = 256 * 1024;
/**
 * Never-closing flows stay live until idle (300 s of capture time) or until the table is full
 * (DEFAULT_MAX_FLOWS, 10,000): one new flow every 2 ms would keep 150,000 live without the cap.
 * Measured 330–410 MiB peak RSS at the cap (~8 KiB of live heap per flow; the rest is the old
 * generation's garbage from reported flows, collected late). 512 MiB as before this cap.
 */
const NEVER_CLOSING_INTERVAL = 0.002;
const RSS_BOUND_NEVER_CLOSING_KIB = 512 * 1024;

// About 45 s on a 2-core machine (writes ~180 MB, builds dist/, replays twice).
test('replay of a generated 100,000-connection capture (and of 100,000 never-closing flows): peak RSS under a fixed bound', { timeout: 300_000 }, async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'pipe' });
  const t = await loadTemplate(fatalAlert);
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-100k-'));
  try {
    const N = 100_000;
    const closing = join(dir, 'connections-100k.pcap');
    await writeClones(closing, t, N, (i) => ({ clientIp: clientAddress(i).ip, clientPort: clientAddress(i).port, clientIsnDelta: i * 7919, serverIsnDelta: i * 104729, start: 1_700_000_000 + i * 0.002 }));
    const open = join(dir, 'never-closing-100k.pcap');
    await writeClones(open, t, N, (i) => ({
      clientIp: clientAddress(i).ip, clientPort: clientAddress(i).port, clientIsnDelta: i * 7919, serverIsnDelta: i * 104729, start: 1_700_000_000 + i * NEVER_CLOSING_INTERVAL,
      keep: (d, tcp) => (d[tcp + 13]! & 0x05) === 0,
    }));
    for (const [file, bound] of [[closing, RSS_BOUND_KIB], [open, RSS_BOUND_NEVER_CLOSING_KIB]] as const) {
      const r = await peakRss(file);
      const mb = statSync(file).size / 1e6;
      console.log(`# ${file.split('/').pop()}: ${mb.toFixed(0)} MB, ${r.lines} connections, peak RSS ${(r.kib / 1024).toFixed(0)} MiB`);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.lines, N);
      assert.ok(r.kib > 0 && r.kib < bound, `peak RSS ${r.kib} KiB over ${bound} KiB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
