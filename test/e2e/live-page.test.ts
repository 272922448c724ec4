// proxy --ui in a real browser: Apache httpd with `SSLVerifyClient require` (OpenSSL's default
// client signature algorithms, RSA-PSS first), tlspeek proxy in front with the live page, Debian's
// Chromium driven by playwright-core (the system browser: nothing is downloaded). Through the
// proxy go a working TLS 1.3 client (curl with a certificate), a PKCS#1-only TLS 1.2 client
// (s_client -client_sigalgs RSA+SHA256:RSA+SHA384, the smartcard stand-in), a client without a
// certificate (curl), and a TLS 1.2 client whose certificate's subject is markup. Each must appear
// on the open page within 1 s of its client ending, with the outcome and the finding ids the
// proxy printed for it on stdout (JSON Lines); the page of a connection shows the
// CertificateRequest's schemes and the fix; the diff of two shows the RSA-PSS schemes; the
// hostile subject is text, and no script of it runs. Screenshots go to test-output/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { getPki, type Pki } from '../helpers/pki.js';
import { hasCommand, runCurl, runSClient, startApache, startTestProxy, stopAll, type Apache, type TestProxy } from '../helpers/servers.js';
import { chromiumPath, CHROMIUM_MISSING } from '../helpers/chromium.js';
import type { Connection } from '../../src/tls/model.js';
import { LiveStore } from '../../src/ui/store.js';
import { UiServer } from '../../src/ui/server.js';
import { replayFile } from '../../src/app/replay.js';
import { enrich } from '../../src/app/enrich.js';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const chromiumBin = chromiumPath();
const missing = ['apache2', 'openssl', 'curl'].filter((c) => !hasCommand(c));
const skip = !chromiumBin ? CHROMIUM_MISSING : missing.length ? `missing: ${missing.join(', ')}` : false;

const HOSTILE_CN = '<img src=x onerror=alert(1)>';
const HOSTILE_O = '</script><script>window.pwned=1</script>';

/** A client certificate from the test PKI's intermediate whose subject is markup. */
function hostileClient(pki: Pki, dir: string): { cert: string; key: string } {
  const key = join(dir, 'hostile.key');
  const csr = join(dir, 'hostile.csr');
  const cert = join(dir, 'hostile.crt');
  const cnf = join(dir, 'hostile.cnf');
  writeFileSync(
    cnf,
    `[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nO = ${HOSTILE_O}\nCN = ${HOSTILE_CN}\n` +
      `[v3_client]\nbasicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n`,
  );
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-new', '-config', cnf, '-key', key, '-out', csr], { stdio: 'ignore' });
  execFileSync(
    'openssl',
    ['x509', '-req', '-in', csr, '-CA', pki.intermediateCa, '-CAkey', join(pki.dir, 'intermediate-ca.key'), '-set_serial', '0x4000', '-days', '2', '-sha256', '-extfile', cnf, '-extensions', 'v3_client', '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A DN value as RFC 4514 §2.4 writes it (how tlspeek shows subjects): <, >, etc. escaped with a backslash. */
const rfc4514 = (v: string) => v.replace(/["+,;<>\\]/g, (ch) => `\\${ch}`);

const ids = (c: Connection) => [...new Set((c.findings ?? []).map((f) => f.id))].sort();

describe('proxy --ui: the live page in Chromium', { skip, timeout: 300_000 }, () => {
  let pki: Pki;
  let apache: Apache;
  let proxy: TestProxy;
  let browser: Browser;
  let page: Page;
  let url: string;
  const dialogs: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-live-'));

  before(async () => {
    pki = await getPki();
    apache = await startApache({ pki, protocol: '-all +TLSv1.2 +TLSv1.3' });
    proxy = await startTestProxy(apache, { ui: { listen: { host: '127.0.0.1', port: 0 }, keep: 100 } });
    url = proxy.handle.uiUrl!;
    browser = await playwright.launch({ executablePath: chromiumBin!, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    mkdirSync(OUT, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs a client through the proxy; the page must show its row within 1 s of the client's end. */
  async function through(client: () => Promise<unknown>): Promise<Connection> {
    const n = proxy.printed.length;
    await client();
    const ended = Date.now();
    const row = `#list tr[data-id="${n + 1}"]`;
    await page.waitForSelector(row, { timeout: 1000 });
    const waited = Date.now() - ended;
    // The proxy's own report of it (stdout, JSON Lines): what the row must agree with.
    for (let i = 0; i < 40 && proxy.printed.length === n; i++) await sleep(25);
    const c = proxy.printed[n]!;
    assert.equal(c.id, n + 1);
    // Closed by now (the client ended): wait for the row of the final state, then compare.
    await page.waitForFunction(`document.querySelector(${JSON.stringify(row)})?.getAttribute('data-outcome') === ${JSON.stringify(c.outcome)}`, undefined, { timeout: 2000 });
    const shown = await page.$eval(row, (tr) => ({
      outcome: tr.getAttribute('data-outcome'),
      findings: [...tr.querySelectorAll('td:last-child a')].map((a) => a.textContent ?? '').sort(),
      client: tr.children[3]!.textContent,
    }));
    assert.equal(shown.outcome, c.outcome);
    assert.deepEqual(shown.findings, ids(c));
    assert.equal(shown.client, c.client);
    console.log(`#${c.id} on the page ${waited} ms after its client ended: ${c.outcome}; ${ids(c).join(', ')}`);
    return c;
  }

  it('lists each handshake within 1 s with its outcome and findings; connection page, diff, hostile names', async () => {
    await page.goto(url);
    await page.waitForSelector('#status.live', { timeout: 5000 });

    const tls13 = await through(() => runCurl({ port: proxy.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['--tlsv1.3'] }));
    assert.equal(tls13.version?.name, 'TLS 1.3');
    assert.ok(ids(tls13).includes('tls13-client-auth-hidden'), ids(tls13).join(','));

    const pkcs1 = await through(() =>
      runSClient({ port: proxy.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['-tls1_2', '-client_sigalgs', 'RSA+SHA256:RSA+SHA384'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' }),
    );
    assert.equal(pkcs1.outcome, 'complete');
    assert.ok(ids(pkcs1).includes('certreq-pss-preferred'), ids(pkcs1).join(','));

    const noCert = await through(() => runCurl({ port: proxy.port, caFile: pki.caChain, args: ['--tlsv1.2', '--tls-max', '1.2'] }));
    assert.equal(noCert.outcome, 'failed');

    const hostile = await through(() =>
      runSClient({ port: proxy.port, caFile: pki.caChain, cert: hostileClient(pki, tmp), args: ['-tls1_2'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' }),
    );
    assert.equal(hostile.clientCertificates?.[0]?.subject, `CN=${rfc4514(HOSTILE_CN)},O=${rfc4514(HOSTILE_O)}`, 'the proxy decoded the hostile subject');
    await page.screenshot({ path: join(OUT, 'live-page.png'), fullPage: true });

    // Filters: outcome failed leaves the no-certificate connection only; with nothing selected the
    // downloads take the connections shown: its JSON line, exactly as the proxy printed it.
    await page.selectOption('#f-outcome', 'failed');
    assert.deepEqual(await page.$$eval('#list tbody tr:not(.hidden)', (trs) => trs.map((t) => t.getAttribute('data-id'))), [String(noCert.id)]);
    const [jsonl] = await Promise.all([page.waitForEvent('download'), page.click('button[formaction="connections.jsonl"]')]);
    const lines = readFileSync((await jsonl.path())!, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as Connection).id),
      [noCert.id],
    );
    const [pcap] = await Promise.all([page.waitForEvent('download'), page.click('button[formaction="connections.pcap"]')]);
    assert.equal(pcap.suggestedFilename(), 'tlspeek-connections.pcap');
    assert.deepEqual([...readFileSync((await pcap.path())!).subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
    await page.selectOption('#f-outcome', 'all');

    // The PKCS#1-only client's page: the CertificateRequest's schemes and the fix.
    await page.click(`#list tr[data-id="${pkcs1.id}"] a[href="c/${pkcs1.id}"]`);
    await page.waitForSelector('section.conn');
    const certReq = await page.$eval('section.conn', (s) => {
      const row = [...s.querySelectorAll('table.kv tr')].find((tr) => tr.querySelector('th')?.textContent === 'CertificateRequest signature_algorithms');
      return row?.querySelector('td')?.textContent ?? '';
    });
    const schemes = pkcs1.certificateRequest!.signatureAlgorithms!.map((s) => s.name);
    assert.equal(certReq, schemes.join(', '));
    assert.ok(schemes.some((s) => s.startsWith('rsa_pss_')));
    const fix = await page.$eval('.finding[data-id="certreq-pss-preferred"] .fix pre', (p) => p.textContent ?? '');
    assert.match(fix, /SSLOpenSSLConfCmd ClientSignatureAlgorithms /);
    assert.equal(fix, pkcs1.findings!.find((f) => f.id === 'certreq-pss-preferred')!.fix);
    await page.screenshot({ path: join(OUT, 'live-connection.png'), fullPage: true });
    await page.goBack();

    // Select the TLS 1.3 and the PKCS#1-only connections: their diff shows the RSA-PSS schemes.
    await page.waitForSelector('#list');
    await page.check(`#list tr[data-id="${tls13.id}"] input[name=id]`);
    await page.check(`#list tr[data-id="${pkcs1.id}"] input[name=id]`);
    assert.equal(await page.textContent('#selected'), '2');
    await page.click('#diff');
    await page.waitForSelector('table.diff');
    const diffText = await page.$$eval('table.diff tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent).join(' | ')));
    // The TLS 1.3 client offers RSA-PSS in its ClientHello; the PKCS#1-only client does not.
    const pssRows = diffText.filter((r) => /rsa_pss_rsae_sha256/.test(r));
    assert.ok(pssRows.length > 0, diffText.join('\n'));
    assert.ok(pssRows.some((r) => /removed|added|—/.test(r)), pssRows.join('\n'));
    await page.screenshot({ path: join(OUT, 'live-diff.png'), fullPage: true });
    await page.goBack();

    // The hostile certificate: on its page the subject is text, nothing of it became markup.
    await page.goto(`${url}c/${hostile.id}`);
    // Server certificates come first, then the client's.
    const subject = await page.$$eval('section.conn table.certs', (t) => t[t.length - 1]!.querySelector('.subject')?.textContent ?? '');
    assert.equal(subject, hostile.clientCertificates![0]!.subject);
    assert.ok(subject.includes('<img src=x onerror=alert(1)') && subject.includes('<script'), subject);
    assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
    assert.equal(await page.evaluate('typeof window.pwned'), 'undefined');
    // And on the live list, where its row arrived over the event stream.
    await page.goto(url);
    await page.waitForSelector('#status.live');
    assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
    assert.deepEqual(dialogs, [], 'no script of the certificate ran');
  });
});

describe('the live page reconnects by itself and is sent what it missed', { skip: chromiumBin ? false : CHROMIUM_MISSING, timeout: 120_000 }, () => {
  it('event streams cut; two connections come meanwhile; the page shows them after reconnecting', async () => {
    const conns: Connection[] = [];
    await replayFile(fileURLToPath(new URL('../../captures/tls13-hrr.pcap', import.meta.url)), {}, { connection: (c) => conns.push(enrich(c)), warning: () => {} });
    const store = new LiveStore(100);
    store.put({ ...conns[0]!, id: 1 }, true);
    const ui = new UiServer(store, { listen: { host: '127.0.0.1', port: 0 }, title: 'reconnect' });
    const url = await ui.listen();
    const browser = await playwright.launch({ executablePath: chromiumBin!, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('#status.live');
      // The server ends every event stream (as a restart of a middlebox would); the page's
      // EventSource reconnects after the retry the server asked for (2 s) with Last-Event-ID.
      for (const s of [...(ui as unknown as { streams: Set<{ close(): void }> }).streams]) s.close();
      await page.waitForSelector('#status.down', { timeout: 5000 });
      store.put({ ...conns[0]!, id: 2 }, false);
      store.put({ ...conns[0]!, id: 3 }, true);
      await page.waitForSelector('#list tr[data-id="3"]', { timeout: 10_000 });
      await page.waitForSelector('#status.live');
      assert.deepEqual(await page.$$eval('#list tbody tr', (trs) => trs.map((t) => t.getAttribute('data-id'))), ['3', '2', '1']);
    } finally {
      await browser.close();
      await ui.close();
    }
  });
});
