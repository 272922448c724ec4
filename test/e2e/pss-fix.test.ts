// The RSA-PSS fix, proven on real servers for TLS 1.2 and TLS 1.3. For each of Apache httpd,
// nginx and openssl s_server: tlspeek proxy in front of the default configuration raises
// certreq-pss-preferred; the fix line for that server is taken from the finding's `fix` as
// printed and applied; then
//   (a) a TLS 1.2 client restricted to PKCS#1 (s_client -client_sigalgs RSA+SHA256),
//   (b) a default TLS 1.2 client, which now follows the server's order to PKCS#1, and
//   (c) a TLS 1.3 client with an RSA certificate (curl), which must sign RSA-PSS,
// all get the page, and tlspeek raises no error finding on any of them. The advice tlspeek gave
// before (a list without RSA-PSS) is shown to refuse (c), and a PKCS#1-only client to fail in
// TLS 1.3 under any list: what the fix's client line says.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { getPki, type Pki } from '../helpers/pki.js';
import {
  hasCommand,
  runCurl,
  runSClient,
  startApache,
  startNginx,
  startSServer,
  startTestProxy,
  stopAll,
  type ClientResult,
  type Running,
  type TestProxy,
} from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const missing = ['apache2', 'nginx', 'openssl', 'curl'].filter((c) => !hasCommand(c));
const skip = missing.length ? `missing: ${missing.join(', ')}` : false;

/** What tlspeek advised before: no RSA-PSS at all. */
const OLD_NO_PSS = 'ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA1:RSA+SHA1';
const BODY = /hello from tlspeek/;

interface Server {
  name: string;
  start(pki: Pki, fix?: string): Promise<Running>;
  /** The line of the finding's fix for this server, turned into what start() takes. */
  fixFrom(fixText: string): string;
  path: string;
}

const SERVERS: Server[] = [
  {
    name: 'Apache httpd',
    path: '/',
    start: (pki, fix) => startApache({ pki, protocol: '-all +TLSv1.2 +TLSv1.3', directives: fix ? [fix] : [] }),
    fixFrom: (t) => /^Apache httpd: (SSLOpenSSLConfCmd ClientSignatureAlgorithms \S+)/m.exec(t)?.[1] ?? assert.fail(`no Apache line in ${t}`),
  },
  {
    name: 'nginx',
    path: '/',
    start: (pki, fix) => startNginx({ pki, directives: fix ? [fix] : [] }),
    fixFrom: (t) => /^nginx: (ssl_conf_command ClientSignatureAlgorithms \S+;)/m.exec(t)?.[1] ?? assert.fail(`no nginx line in ${t}`),
  },
  {
    name: 'openssl s_server',
    path: '/index.txt',
    start: (pki, fix) =>
      startSServer({
        body: 'hello from tlspeek s_server\n',
        args: [
          '-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key, '-cert_chain', pki.serverChain,
          '-Verify', '1', '-CAfile', pki.caChain, '-verify_return_error',
          ...(fix ? ['-client_sigalgs', fix] : []),
        ],
      }),
    fixFrom: (t) => /^openssl: openssl s_server … -client_sigalgs (\S+)$/m.exec(t)?.[1] ?? assert.fail(`no openssl line in ${t}`),
  },
];

/** Runs one client through the proxy and returns its result with the connection tlspeek printed. */
async function through(proxy: TestProxy, client: () => Promise<ClientResult>): Promise<{ r: ClientResult; c: Connection }> {
  const before = proxy.printed.length;
  const r = await client();
  for (let i = 0; i < 100 && proxy.printed.length === before; i++) await sleep(50);
  const c = proxy.printed[before];
  assert.ok(c, 'the proxy printed the connection');
  return { r, c };
}

const ids = (c: Connection) => (c.findings ?? []).map((f) => `${f.id}:${f.severity}`);
const errors = (c: Connection) => (c.findings ?? []).filter((f) => f.severity === 'error').map((f) => f.id);

describe('the RSA-PSS fix tlspeek prints works on real servers in TLS 1.2 and TLS 1.3', { skip }, () => {
  let pki: Pki;
  before(async () => {
    pki = await getPki();
  });
  after(stopAll);

  for (const server of SERVERS) {
    it(`${server.name}: the fix from the finding; PKCS#1-only 1.2, default 1.2 and RSA 1.3 clients all get in`, { timeout: 90_000 }, async () => {
      const sclient = (args: string[]) => (port: number) =>
        runSClient({ port, caFile: pki.caChain, cert: pki.clientRsa, args, input: `GET ${server.path} HTTP/1.0\r\nHost: localhost\r\n\r\n` });
      const curl13 = (port: number) => runCurl({ port, caFile: pki.caChain, cert: pki.clientRsa, path: server.path, args: ['--tlsv1.3'] });

      // 1. The default configuration: the finding, and the fix for this server as tlspeek prints it.
      let fix: string;
      {
        const backend = await server.start(pki);
        const proxy = await startTestProxy(backend);
        try {
          const { c } = await through(proxy, () => sclient(['-tls1_2', '-client_sigalgs', 'RSA+SHA256'])(proxy.port));
          const finding = c.findings?.find((f) => f.id === 'certreq-pss-preferred');
          assert.ok(finding, ids(c).join(','));
          fix = server.fixFrom(finding.fix ?? '');
        } finally {
          await proxy.stop();
          await backend.stop();
        }
      }

      // 2. The same server with exactly that line.
      const backend = await server.start(pki, fix);
      const proxy = await startTestProxy(backend);
      try {
        const a = await through(proxy, () => sclient(['-tls1_2', '-client_sigalgs', 'RSA+SHA256'])(proxy.port));
        assert.equal(a.r.code, 0, a.r.stderr);
        assert.match(a.r.stdout.toString(), BODY);
        assert.equal(a.c.version?.code, 0x0303);
        assert.equal(a.c.certificateVerify?.signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
        // Every RSA-PSS scheme is still offered, after the PKCS#1 ones.
        const offered = a.c.certificateRequest?.signatureAlgorithms?.map((s) => s.name) ?? [];
        const lastPkcs1 = Math.max(-1, ...offered.map((n, i) => (n.startsWith('rsa_pkcs1_') ? i : -1)));
        const firstPss = offered.findIndex((n) => n.startsWith('rsa_pss_'));
        assert.ok(lastPkcs1 >= 0 && firstPss > lastPkcs1, offered.join(','));
        assert.ok(offered.includes('rsa_pss_rsae_sha256'), offered.join(','));
        assert.deepEqual(errors(a.c), [], ids(a.c).join(','));
        assert.ok(!ids(a.c).some((x) => x.startsWith('certreq-pss')), ids(a.c).join(','));

        const b = await through(proxy, () => sclient(['-tls1_2'])(proxy.port));
        assert.equal(b.r.code, 0, b.r.stderr);
        assert.match(b.r.stdout.toString(), BODY);
        assert.match(b.c.certificateVerify?.signatureAlgorithm?.name ?? '', /^rsa_pkcs1_/, 'a default client follows the server to PKCS#1');
        assert.deepEqual(errors(b.c), [], ids(b.c).join(','));
        assert.ok(!ids(b.c).some((x) => x.startsWith('certreq-pss') || x.startsWith('client-signed-pss')), ids(b.c).join(','));

        const c = await through(proxy, () => curl13(proxy.port));
        assert.equal(c.r.code, 0, c.r.stderr);
        assert.match(c.r.stdout.toString(), BODY);
        assert.equal(c.c.version?.code, 0x0304);
        assert.deepEqual(errors(c.c), [], ids(c.c).join(','));

        // A key that can only sign PKCS#1 v1.5 cannot authenticate in TLS 1.3, whatever the list.
        const d = await sclient(['-tls1_3', '-client_sigalgs', 'RSA+SHA256'])(proxy.port);
        assert.doesNotMatch(d.stdout.toString(), BODY, 'a PKCS#1-only client gets nothing in TLS 1.3');
      } finally {
        await proxy.stop();
        await backend.stop();
      }
    });
  }

  it('the advice tlspeek gave before (no RSA-PSS) refuses a TLS 1.3 client with an RSA certificate', { timeout: 60_000 }, async () => {
    const apache = await startApache({ pki, protocol: '-all +TLSv1.2 +TLSv1.3', directives: [`SSLOpenSSLConfCmd ClientSignatureAlgorithms ${OLD_NO_PSS}`] });
    try {
      const r = await runCurl({ port: apache.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['--tlsv1.3'] });
      assert.notEqual(r.code, 0, 'curl must fail');
      assert.doesNotMatch(r.stdout.toString(), BODY);
      assert.match(r.stderr, /certificate required|alert/i, r.stderr);
      // …while TLS 1.2 with the same list works: why the old advice looked right.
      const ok = await runSClient({ port: apache.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['-tls1_2'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' });
      assert.match(ok.stdout.toString(), BODY);
    } finally {
      await apache.stop();
    }
  });
});
