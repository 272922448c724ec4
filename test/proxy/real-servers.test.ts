// tlspeek proxy in front of real TLS servers (openssl s_server, Apache httpd + mod_ssl) with
// real clients (openssl s_client, curl, Node tls, gnutls-cli): responses through the proxy
// equal direct ones, the CertificateRequest sigalgs the proxy decodes are the server's
// configuration, and the decode equals replay's decode of a tcpdump capture of the same
// connection and of the proxy's own --write-pcap file (which tshark also reads).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { Writable } from 'node:stream';
import { getPki, type Pki } from '../helpers/pki.js';
import {
  hasCommand,
  runCommand,
  runCurl,
  runGnutlsCli,
  runSClient,
  startApache,
  startSServer,
  startTcpdump,
  startTestProxy,
  stopAll,
  type ClientResult,
  type TestProxy,
} from '../helpers/servers.js';
import { replayFile } from '../../src/app/replay.js';
import { main } from '../../src/cli/main.js';
import { TlsSession, type Side } from '../../src/tls/session.js';
import type { Connection } from '../../src/tls/model.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const HAVE_APACHE = hasCommand('apache2');
const HAVE_TCPDUMP = hasCommand('tcpdump') && process.getuid?.() === 0;
const HAVE_TSHARK = hasCommand('tshark');

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The connection without what legitimately differs between two views of the same bytes. */
function normalize(c: Connection, keep: { endpoints?: 'client' | 'both' } = {}): unknown {
  const copy = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  // findings and fingerprints are added by the commands (proxy printing, replay CLI), not the decoder.
  for (const k of ['source', 'id', 'file', 'startTime', 'endTime', 'findings', 'fingerprints']) delete copy[k];
  if (keep.endpoints !== 'both') delete copy.server;
  if (!keep.endpoints) delete copy.client;
  const strip = (list: unknown) => {
    for (const m of (list as Record<string, unknown>[] | undefined) ?? []) {
      delete m.packet;
      delete m.time;
    }
  };
  strip(copy.messages);
  strip(copy.alerts);
  strip(copy.errors);
  strip(copy.closes);
  return copy;
}

const sigalgs = (c: Connection | undefined) => c?.certificateRequest?.signatureAlgorithms?.map((s) => s.name);

/** Status line and body of an HTTP/1.x response (headers such as Date differ per request). */
function statusAndBody(r: ClientResult): string {
  const text = r.stdout.toString('latin1');
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return text;
  return `${text.slice(0, text.indexOf('\r\n'))}\n${text.slice(head + 4)}`;
}

/** A TCP relay in the test that records every chunk in arrival order, to feed a decoder ourselves. */
async function recordingRelay(target: number): Promise<{ port: number; chunks: [Side, Buffer][]; close(): Promise<void> }> {
  const chunks: [Side, Buffer][] = [];
  const socks = new Set<Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    const b = net.connect({ port: target, host: '127.0.0.1', allowHalfOpen: true });
    for (const s of [c, b]) {
      socks.add(s);
      s.on('close', () => socks.delete(s));
      s.on('error', () => {
        c.destroy();
        b.destroy();
      });
    }
    c.on('data', (d: Buffer) => {
      chunks.push([0, d]);
      b.write(d);
    });
    b.on('data', (d: Buffer) => {
      chunks.push([1, d]);
      c.write(d);
    });
    c.on('end', () => b.end());
    b.on('end', () => c.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    chunks,
    close: () =>
      new Promise<void>((r) => {
        for (const s of socks) s.destroy();
        server.close(() => r());
      }),
  };
}

function decode(chunks: [Side, Buffer][], byteAtATime: boolean): Connection {
  const s = new TlsSession({ source: 'proxy', id: 1, endpoints: [{ ip: '127.0.0.1', port: 1 }, { ip: '127.0.0.1', port: 2 }], initiator: 0 });
  if (byteAtATime) {
    for (const [side, d] of chunks) for (let i = 0; i < d.length; i++) s.feed(side, d.subarray(i, i + 1));
  } else {
    // Runs of the same direction as one chunk each.
    let i = 0;
    while (i < chunks.length) {
      const side = chunks[i]![0];
      const run: Buffer[] = [];
      for (; i < chunks.length && chunks[i]![0] === side; i++) run.push(chunks[i]![1]);
      s.feed(side, Buffer.concat(run));
    }
  }
  s.end(0);
  s.end(1);
  return s.result();
}

async function replayAll(file: string): Promise<Connection[]> {
  const out: Connection[] = [];
  const r = await replayFile(file, {}, { connection: (c) => out.push(c), warning: () => {} });
  assert.ok(r.ok, r.error);
  return out;
}

/** `tlspeek replay --json FILE` run in-process through the CLI. */
async function cliReplay(file: string): Promise<Connection[]> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const err = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await main(['replay', '--json', '--no-progress', file], { out, err });
  assert.equal(code, 0);
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Connection);
}

describe('tlspeek proxy in front of real servers', () => {
  let pki: Pki;
  let work: string;
  before(async () => {
    pki = await getPki();
    work = mkdtempSync(join(tmpdir(), 'tlspeek-proxy-test-'));
  }, { timeout: 60_000 });
  after(async () => {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }, { timeout: 60_000 });

  describe('openssl s_server -Verify 1 (TLS 1.2)', () => {
    const MTLS = () => ['-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key, '-cert_chain', pki.serverChain, '-Verify', '1', '-verify_return_error', '-CAfile', pki.caChain, '-tls1_2'];
    const PKCS1_ONLY = ['-client_sigalgs', 'RSA+SHA256:RSA+SHA384'];

    const cases: {
      name: string;
      server: () => string[];
      sigalgs: string[] | 'default';
      complete: boolean;
      certificateVerify?: string;
      ske?: string;
    }[] = [
      { name: 'default sigalgs', server: MTLS, sigalgs: 'default', complete: true, certificateVerify: 'rsa_pkcs1_sha256' },
      { name: '-client_sigalgs RSA-PSS+SHA256 (the smartcard failure)', server: () => [...MTLS(), '-client_sigalgs', 'RSA-PSS+SHA256'], sigalgs: ['rsa_pss_rsae_sha256'], complete: false },
      {
        name: '-client_sigalgs RSA+SHA384:RSA+SHA256:ECDSA+SHA256',
        server: () => [...MTLS(), '-client_sigalgs', 'RSA+SHA384:RSA+SHA256:ECDSA+SHA256'],
        sigalgs: ['rsa_pkcs1_sha384', 'rsa_pkcs1_sha256', 'ecdsa_secp256r1_sha256'],
        complete: true,
        certificateVerify: 'rsa_pkcs1_sha384',
      },
      {
        name: '-sigalgs RSA+SHA256 (both directions)',
        server: () => [...MTLS(), '-sigalgs', 'RSA+SHA256'],
        sigalgs: ['rsa_pkcs1_sha256'],
        complete: true,
        certificateVerify: 'rsa_pkcs1_sha256',
        ske: 'rsa_pkcs1_sha256',
      },
    ];

    for (const k of cases) {
      it(`${k.name}: same response as direct, CertificateRequest sigalgs as configured`, { timeout: 30_000 }, async () => {
        const server = await startSServer({ args: k.server() });
        let proxy: TestProxy | undefined;
        try {
          const client = { caFile: pki.caChain, cert: pki.clientRsa, args: PKCS1_ONLY };
          const direct = await runSClient({ ...client, port: server.port });
          proxy = await startTestProxy(server);
          const via = await runSClient({ ...client, port: proxy.port });
          assert.equal(via.stdout.toString('latin1'), direct.stdout.toString('latin1'));
          assert.equal(via.code, direct.code);
          if (k.complete) assert.match(via.stdout.toString(), /hello from tlspeek s_server/);
          await waitFor('proxy idle', () => proxy!.handle.active === 0);
          const [c] = proxy.printed;
          assert.ok(c);
          assert.equal(c.source, 'proxy');
          assert.equal(c.complete, k.complete);
          assert.equal(c.version?.name, 'TLS 1.2');
          if (k.sigalgs === 'default') {
            // OpenSSL 1.1.1+/3.x defaults: RSA-PSS before PKCS#1, the ordering that trips smartcards.
            const list = sigalgs(c)!;
            assert.ok(list.indexOf('rsa_pss_rsae_sha256') < list.indexOf('rsa_pkcs1_sha256'), list.join());
          } else {
            assert.deepEqual(sigalgs(c), k.sigalgs);
          }
          if (k.certificateVerify) assert.equal(c.certificateVerify?.signatureAlgorithm?.name, k.certificateVerify);
          if (k.ske) assert.equal(c.serverKeyExchange?.signatureAlgorithm?.name, k.ske);
          if (!k.complete) {
            assert.deepEqual(c.clientCertificates, [], 'the PKCS#1-only client had nothing to offer');
            assert.ok(c.alerts.some((a) => a.from === 'server' && a.level?.name === 'fatal'), JSON.stringify(c.alerts));
          } else {
            assert.equal(c.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
          }
        } finally {
          await proxy?.stop();
          await server.stop();
        }
      });
    }

    it('TLS 1.3 with a client certificate (CertificateRequest is encrypted): complete, no errors', { timeout: 30_000 }, async () => {
      const server = await startSServer({ args: ['-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key, '-Verify', '1', '-verify_return_error', '-CAfile', pki.caChain, '-tls1_3'] });
      const proxy = await startTestProxy(server);
      try {
        const r = await runSClient({ port: proxy.port, caFile: pki.caChain, cert: pki.clientRsa });
        assert.match(r.stdout.toString(), /hello from tlspeek s_server/);
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        const [c] = proxy.printed;
        assert.equal(c?.version?.name, 'TLS 1.3');
        assert.equal(c?.complete, true);
        assert.deepEqual(c?.errors, []);
      } finally {
        await proxy.stop();
        await server.stop();
      }
    });

    it(
      'the decode equals replay of a tcpdump capture and of --write-pcap (tshark reads it too), and one chunk equals one byte at a time',
      { timeout: 60_000, skip: !HAVE_TCPDUMP && 'needs root and tcpdump' },
      async () => {
        const server = await startSServer({ args: [...MTLS(), '-client_sigalgs', 'RSA-PSS+SHA256:RSA+SHA256'] });
        const pcap = join(work, 'proxy.pcap');
        const proxy = await startTestProxy(server, { writePcap: pcap });
        const recorder = await recordingRelay(proxy.port);
        const dumpFile = join(work, 'tcpdump.pcap');
        const dump = await startTcpdump({ file: dumpFile, port: proxy.port });
        try {
          // client → recorder → proxy → s_server; tcpdump watches recorder → proxy.
          const r = await runSClient({ port: recorder.port, caFile: pki.caChain, cert: pki.clientRsa, args: PKCS1_ONLY });
          assert.match(r.stdout.toString(), /hello from tlspeek s_server/);
          await waitFor('proxy idle', () => proxy.handle.active === 0);
          await dump.stop();
          await recorder.close();
          await proxy.stop();
          const [printed] = proxy.printed;
          const [final] = proxy.closed;
          assert.ok(printed && final);
          assert.deepEqual(sigalgs(final), ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256']);
          assert.equal(final.certificateVerify?.signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
          // What was printed is the decided state: a prefix of the final ladder, same handshake.
          // (Closes come later: the printed state has none.)
          assert.deepEqual(normalize({ ...final, messages: final.messages.slice(0, printed.messages.length), stats: printed.stats, alerts: printed.alerts, closes: printed.closes }), normalize(printed));
          assert.deepEqual(final.closes?.map((e) => e.from).sort(), ['client', 'server']);

          // 1. tcpdump of the same connection (the recorder → proxy leg: same client endpoint, proxy's port as server).
          const fromDump = await replayAll(dumpFile);
          assert.equal(fromDump.length, 1);
          assert.deepEqual(normalize(fromDump[0]!, { endpoints: 'client' }), normalize(final, { endpoints: 'client' }));

          // 2. The proxy's own pcap, via the replay CLI: identical, endpoints included.
          const fromPcap = await cliReplay(pcap);
          assert.equal(fromPcap.length, 1);
          assert.deepEqual(normalize(fromPcap[0]!, { endpoints: 'both' }), normalize(final, { endpoints: 'both' }));
          assert.equal(fromPcap[0]!.server, `127.0.0.1:${server.port}`);

          // 3. tshark finds the hello, the CertificateRequest, and no malformed packets.
          if (HAVE_TSHARK) {
            const hello = await runCommand('tshark', ['-r', pcap, '-Y', 'tls.handshake.type==1']);
            assert.equal(hello.stdout.toString().trim().split('\n').length, 1, hello.stdout.toString() + hello.stderr);
            const certReq = await runCommand('tshark', ['-r', pcap, '-Y', 'tls.handshake.type==13', '-T', 'fields', '-e', 'tls.handshake.sig_hash_alg']);
            // The frame also holds the ServerKeyExchange's own signature algorithm; the CertificateRequest's two come last.
            assert.ok(certReq.stdout.toString().trim().endsWith('0x0804,0x0401'), certReq.stdout.toString());
            const bad = await runCommand('tshark', ['-r', pcap, '-Y', '_ws.malformed || _ws.expert.severity >= error || tcp.analysis.flags']);
            assert.equal(bad.stdout.toString().trim(), '');
          }

          // 4. The decoder fed the recorded streams in one chunk per run, and one byte at a time.
          const whole = decode(recorder.chunks, false);
          const bytes = decode(recorder.chunks, true);
          assert.deepEqual(normalize(bytes, { endpoints: 'both' }), normalize(whole, { endpoints: 'both' }));
          // The recorded byte streams carry no FIN: the same connection, less its closes.
          assert.deepEqual(normalize(whole), normalize({ ...final, closes: undefined }));
        } finally {
          await dump.stop();
          await recorder.close();
          await proxy.stop();
          await server.stop();
        }
      },
    );
  });

  describe('Apache httpd + mod_ssl, SSLVerifyClient require', { skip: !HAVE_APACHE && 'apache2 not installed' }, () => {
    const variants: { name: string; directives: string[]; sigalgs: string[] | 'default' }[] = [
      { name: 'OpenSSL defaults', directives: [], sigalgs: 'default' },
      {
        name: 'ClientSignatureAlgorithms RSA+SHA256:RSA+SHA384:ECDSA+SHA256',
        directives: ['SSLOpenSSLConfCmd ClientSignatureAlgorithms RSA+SHA256:RSA+SHA384:ECDSA+SHA256'],
        sigalgs: ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'ecdsa_secp256r1_sha256'],
      },
    ];
    for (const v of variants) {
      it(`${v.name}: s_client, curl, Node tls and gnutls-cli get the same answer through the proxy`, { timeout: 60_000 }, async () => {
        const apache = await startApache({ pki, directives: v.directives });
        const proxy = await startTestProxy(apache);
        try {
          const runs: [string, (port: number) => Promise<string>][] = [
            ['s_client', async (port) => statusAndBody(await runSClient({ port, caFile: pki.caChain, cert: pki.clientRsa, args: ['-client_sigalgs', 'RSA+SHA256:RSA+SHA384'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' }))],
            ['curl', async (port) => {
              const r = await runCurl({ port, caFile: pki.caChain, cert: pki.clientRsa });
              return `${r.code} ${r.stdout.toString()}${r.stderr}`;
            }],
            ['node', (port) => nodeGet(port, pki)],
          ];
          if (hasCommand('gnutls-cli')) {
            runs.push(['gnutls-cli', async (port) => {
              // A PKCS#1-only signer: no RSA-PSS in the client's signature algorithms.
              const r = await runGnutlsCli({ port, caFile: pki.caChain, cert: pki.clientRsa, args: ['--priority', 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA256:+SIGN-RSA-SHA384'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' });
              // Its chatter names the port it connected to; the rest must match.
              return r.stdout.toString().split('\n').filter((l) => !/^(Resolving|Connecting) |^Date: /.test(l)).join('\n');
            }]);
          }
          for (const [name, run] of runs) {
            const direct = await run(apache.port);
            const via = await run(proxy.port);
            assert.equal(via, direct, name);
            assert.match(via, /hello from tlspeek apache/, `${name}: ${via}`);
          }
          await waitFor('proxy idle', () => proxy.handle.active === 0);
          assert.equal(proxy.printed.length, runs.length);
          for (const c of proxy.printed) {
            assert.equal(c.complete, true, JSON.stringify(c.alerts));
            assert.equal(c.version?.name, 'TLS 1.2');
            if (v.sigalgs === 'default') {
              const list = sigalgs(c)!;
              assert.ok(list.indexOf('rsa_pss_rsae_sha256') < list.indexOf('rsa_pkcs1_sha256'), list.join());
            } else {
              assert.deepEqual(sigalgs(c), v.sigalgs);
            }
            assert.equal(c.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
          }
          // The PKCS#1-only clients signed with PKCS#1 v1.5.
          assert.equal(proxy.printed[0]!.certificateVerify?.signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
        } finally {
          await proxy.stop();
          await apache.stop();
        }
      });
    }

    it('ClientSignatureAlgorithms RSA-PSS+SHA256: a PKCS#1-only client fails, and the proxy shows why', { timeout: 60_000 }, async () => {
      const apache = await startApache({ pki, directives: ['SSLOpenSSLConfCmd ClientSignatureAlgorithms RSA-PSS+SHA256'] });
      const proxy = await startTestProxy(apache);
      try {
        const args = { caFile: pki.caChain, cert: pki.clientRsa, args: ['-client_sigalgs', 'RSA+SHA256:RSA+SHA384'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' };
        const direct = await runSClient({ ...args, port: apache.port });
        const via = await runSClient({ ...args, port: proxy.port });
        assert.equal(via.stdout.length, 0);
        assert.equal(statusAndBody(via), statusAndBody(direct));
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        const [c] = proxy.printed;
        assert.deepEqual(sigalgs(c), ['rsa_pss_rsae_sha256']);
        assert.equal(c?.complete, false);
        assert.deepEqual(c?.clientCertificates, []);
        assert.ok(c?.alerts.some((a) => a.from === 'server' && a.level?.name === 'fatal'), JSON.stringify(c?.alerts));
        // The rules ran on the printed report, and the summary counts their findings.
        assert.ok(c?.findings?.some((f) => f.severity === 'error'), JSON.stringify(c?.findings?.map((f) => f.id)));
        await proxy.stop();
        assert.ok(proxy.handle.summary.findings.error >= 1);
        assert.deepEqual(proxy.handle.summary.outcomes.get('failed'), { count: 1, inferred: 0 });
      } finally {
        await proxy.stop();
        await apache.stop();
      }
    });
  });
});

/** GET / over Node's tls with the client certificate; "status body". */
function nodeGet(port: number, pki: Pki): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: readFileSync(pki.caChain),
      cert: readFileSync(pki.clientRsa.cert),
      key: readFileSync(pki.clientRsa.key),
      maxVersion: 'TLSv1.2',
    });
    const parts: Buffer[] = [];
    s.on('secureConnect', () => s.write('GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'));
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(statusAndBody({ code: 0, stdout: Buffer.concat(parts), stderr: '' })));
    setTimeout(() => s.destroy(new Error('node client timed out')), 15_000).unref();
  });
}
