// Real connections with their key logs (captures/keylog/, made by scripts/make-keylog-captures.sh
// with openssl s_server/s_client -keylogfile): every protected record of every capture is
// decrypted with our code, every one authenticates, the decrypted handshake messages are the
// right ones and parse with our decoders, and tshark — given the same key log — lists the same
// handshake messages in each direction. Application data is only counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteReader } from '../../../src/bytes/reader.js';
import { KeyLog, type KeyLogSecrets } from '../../../src/keylog/parse.js';
import { readKeyLogFile } from '../../../src/keylog/read.js';
import { decodeCertificateMessage } from '../../../src/tls/messages/certificate.js';
import { decodeCertificateVerify } from '../../../src/tls/messages/client-auth.js';
import { captureStreams, type CapturedStream } from '../../helpers/streams.js';
import { tls13CertificateData, u24 } from './handshake.js';
import { walk, type WalkResult } from './walk.js';

const DIR = fileURLToPath(new URL('../../../captures/keylog/', import.meta.url));

interface Entry {
  name: string;
  file: string;
  keylog: string | null;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { captures: Entry[] };
const withKeys = manifest.captures.filter((c) => c.keylog !== null);

/** What each capture must show: version, suite, EtM, and the handshake types decrypted per side. */
const EXPECT: Record<string, { version: number; suite: number; etm?: boolean; client: number[]; server: number[]; epochs?: [string, string]; clientHellos?: number }> = {
  'tls13-aes128gcm': { version: 0x0304, suite: 0x1301, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'tls13-aes256gcm': { version: 0x0304, suite: 0x1302, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'tls13-chacha20': { version: 0x0304, suite: 0x1303, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'tls13-aes128ccm': { version: 0x0304, suite: 0x1304, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'tls13-aes128ccm8': { version: 0x0304, suite: 0x1305, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'tls13-hrr': { version: 0x0304, suite: 0x1302, client: [20], server: [8, 11, 15, 20, 4, 4], clientHellos: 2 },
  // the client's KeyUpdate asks for one back (update_requested): both sides move to application_traffic_secret_1
  'tls13-keyupdate': { version: 0x0304, suite: 0x1302, client: [20, 24], server: [8, 11, 15, 20, 4, 4, 24], epochs: ['application 1', 'application 1'] },
  // client authentication, what issue 17 is for: CertificateRequest, and the client's Certificate and CertificateVerify
  'tls13-mtls': { version: 0x0304, suite: 0x1302, client: [11, 15, 20], server: [8, 13, 11, 15, 20, 4, 4] },
  'tls12-aes128gcm': { version: 0x0303, suite: 0xc02f, client: [20], server: [20] },
  'tls12-aes256gcm-sha384': { version: 0x0303, suite: 0xc030, client: [20], server: [20] },
  'tls12-chacha20': { version: 0x0303, suite: 0xcca8, client: [20], server: [20] },
  'tls12-aes128ccm': { version: 0x0303, suite: 0xc0ac, client: [20], server: [20] },
  'tls12-aes128ccm8': { version: 0x0303, suite: 0xc0ae, client: [20], server: [20] },
  'tls12-aes128-sha-mte': { version: 0x0303, suite: 0xc013, etm: false, client: [20], server: [20] },
  'tls12-aes128-sha-etm': { version: 0x0303, suite: 0xc013, etm: true, client: [20], server: [20] },
  'tls12-aes256-sha384-mte': { version: 0x0303, suite: 0xc028, etm: false, client: [20], server: [20] },
  'tls12-aes128-sha256-etm': { version: 0x0303, suite: 0xc027, etm: true, client: [20], server: [20] },
  'tls11-aes128-sha-etm': { version: 0x0302, suite: 0xc013, etm: true, client: [20], server: [20] },
  'tls10-aes128-sha-mte': { version: 0x0301, suite: 0xc013, etm: false, client: [20], server: [20] },
  // gnutls-cli as the client, its key log from SSLKEYLOGFILE (GnuTLS's own writer, not OpenSSL's);
  // the suite is GnuTLS's first choice (its NORMAL priority puts AES-256-GCM first)
  'gnutls-tls13-mtls': { version: 0x0304, suite: 0x1302, client: [11, 15, 20], server: [8, 13, 11, 15, 20, 4, 4] },
  'gnutls-tls12-mtls': { version: 0x0303, suite: 0xc030, client: [20], server: [20] },
  // headless Chromium (BoringSSL) with SSLKEYLOGFILE loading the page: its first suite of each version
  'chromium-tls13': { version: 0x0304, suite: 0x1301, client: [20], server: [8, 11, 15, 20, 4, 4] },
  'chromium-tls12': { version: 0x0303, suite: 0xc02f, client: [20], server: [20] },
};

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** tshark's handshake types with the key log, per source port, in frame order. */
async function tsharkTypes(pcap: string, keys: string): Promise<Map<number, number[]>> {
  const out = await run('tshark', ['-r', pcap, '-o', `tls.keylog_file:${keys}`, '-Y', 'tls.handshake.type', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tls.handshake.type']);
  const byPort = new Map<number, number[]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [port, types] = line.split('\t');
    const list = byPort.get(Number(port)) ?? [];
    list.push(...types!.split(',').map(Number));
    byPort.set(Number(port), list);
  }
  return byPort;
}

async function load(c: Entry): Promise<{ stream: CapturedStream; log: KeyLog; warnings: string[] }> {
  const streams = await captureStreams(join(DIR, c.file));
  assert.equal(streams.length, 1, `${c.file}: one connection`);
  const log = new KeyLog();
  const warnings: string[] = [];
  await readKeyLogFile(join(DIR, c.keylog!), log, (w) => warnings.push(w));
  return { stream: streams[0]!, log, warnings };
}

test('every capture in captures/keylog/ is expected here, and every expectation has a capture', () => {
  assert.deepEqual(withKeys.map((c) => c.name).sort(), Object.keys(EXPECT).sort());
});

for (const c of withKeys) {
  test(`${c.name}: every protected record decrypts and authenticates; the handshake is the right one; tshark agrees`, async () => {
    const want = EXPECT[c.name]!;
    const { stream, log, warnings } = await load(c);
    assert.deepEqual(warnings, [], 'the key log reads without a warning');
    const r: WalkResult = walk(stream, log.lookup);
    assert.equal(r.serverHello.selectedVersion.code, want.version, 'version');
    assert.equal(r.serverHello.cipherSuite.code, want.suite, 'cipher suite');
    if (want.etm !== undefined) {
      const etm = r.serverHello.extensions.some((e) => e.code === 22);
      assert.equal(etm, want.etm, 'encrypt_then_mac negotiated');
    }
    const [client, server] = r.sides;
    for (const [who, s] of [['client', client], ['server', server]] as const) {
      assert.deepEqual(s.errors.map((e) => e.message), [], `${who}: no record fails`);
      assert.ok(s.protectedRecords > 0, `${who}: protected records`);
    }
    assert.deepEqual(client.decryptedTypes, want.client, 'client handshake messages decrypted');
    assert.deepEqual(server.decryptedTypes, want.server, 'server handshake messages decrypted');
    assert.ok(client.applicationRecords >= 1 && server.applicationRecords >= 1, 'the GET and its answer: application data, counted');
    if (want.epochs) assert.deepEqual([client.epoch, server.epoch], want.epochs, 'key epochs at the end');
    if (want.clientHellos) assert.equal(client.messages.filter((m) => m.type === 1).length, want.clientHellos, 'ClientHellos');

    // the decrypted messages parse with our decoders
    for (const m of [...client.messages, ...server.messages]) {
      if (m.type === 20) assert.equal(m.body.length, want.version === 0x0304 ? (want.suite === 0x1302 ? 48 : 32) : 12, 'Finished verify_data length');
      if (want.version === 0x0304 && m.type === 11) {
        const certs = tls13CertificateData(m.body);
        assert.ok(certs.length >= 1);
        const decoded = decodeCertificateMessage(new ByteReader(Buffer.concat([u24(certs.reduce((n, x) => n + 3 + x.length, 0)), ...certs.flatMap((x) => [u24(x.length), x])])));
        assert.match(decoded.certificates[0]!.subject, /CN=(localhost|client-rsa)/);
      }
      if (want.version === 0x0304 && m.type === 15) {
        const cv = decodeCertificateVerify(new ByteReader(m.body), true);
        assert.ok(cv.signatureAlgorithm && cv.signatureLength > 0);
      }
    }

    // tshark, given the same key log, lists the same handshake messages per direction
    const tshark = await tsharkTypes(join(DIR, c.file), join(DIR, c.keylog!));
    assert.deepEqual(tshark.get(stream.flow.a.port), client.messages.map((m) => m.type), 'client: tshark agrees');
    assert.deepEqual(tshark.get(stream.flow.b.port), server.messages.map((m) => m.type), 'server: tshark agrees');
  });
}

test('a wrong secret: "keys do not match" on that connection, record by record, never a throw', async () => {
  for (const name of ['tls13-aes128gcm', 'tls12-aes128gcm', 'tls12-aes128-sha-mte', 'tls12-aes128-sha-etm', 'tls10-aes128-sha-mte', 'tls12-chacha20', 'tls13-aes128ccm8']) {
    const { stream, log } = await load(withKeys.find((c) => c.name === name)!);
    const spoiled = (random: string): KeyLogSecrets | undefined => {
      const good = log.lookup(random);
      if (!good) return undefined;
      const secrets = new Map<string, Uint8Array>();
      for (const [label, s] of good.secrets) {
        const bad = Buffer.from(s);
        bad[bad.length - 1]! ^= 1;
        secrets.set(label, bad);
      }
      return { secrets };
    };
    const r = walk(stream, spoiled);
    for (const s of r.sides) {
      assert.ok(s.protectedRecords > 0);
      assert.equal(s.errors.length, s.protectedRecords, `${name}: every protected record fails`);
      for (const e of s.errors) {
        assert.equal(e.reason, 'auth', `${name}: ${e.message}`);
        assert.match(e.message, /keys do not match/);
      }
    }
  }
});

test('a key log without the application secrets: the handshake decrypts, later records say which secret is missing', async () => {
  const { stream, log } = await load(withKeys.find((c) => c.name === 'tls13-aes128gcm')!);
  const partial = (random: string): KeyLogSecrets | undefined => {
    const good = log.lookup(random);
    if (!good) return undefined;
    return { secrets: new Map([...good.secrets].filter(([label]) => label.includes('HANDSHAKE'))) };
  };
  const r = walk(stream, partial);
  assert.deepEqual(r.sides[1].decryptedTypes, [8, 11, 15, 20]);
  assert.ok(r.sides[1].errors.length > 0);
  for (const e of r.sides[1].errors) {
    assert.equal(e.reason, 'nokeys');
    assert.match(e.message, /no SERVER_TRAFFIC_SECRET_0 in the key log/);
  }
});
