// Application data never reaches tlspeek's output (issue 7, Security). The bytes that must not
// appear are taken from the captures by tshark, independently of tlspeek: the first bytes of
// every TLS application_data record, and the plaintext of STARTTLS/plain-HTTP conversations.
// Every output form is checked: --json, verbose text, --trace --hex, the HTML report, and the
// proxy's output for a plaintext connection carrying a marker.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { startEchoServer, startTestProxy, stopAll } from '../helpers/servers.js';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const corpus = (p: string) => fileURLToPath(new URL(`../../../shared/corpus/captures/${p}`, import.meta.url));

/** Captures with application data records in both TLS versions, STARTTLS preambles and plain HTTP. */
const CAPTURES = [
  repo('captures/fragmented-512.pcap'),
  repo('captures/tls13-mtls.pcap'),
  repo('captures/plain-http-to-tls-port.pcap'),
  corpus('tls_long_cert.pcap'),
  corpus('tls13-ech.pcap'),
  corpus('ssl_version_negated.pcap'),
  corpus('client-certificate.pcap'),
  corpus('smtp-starttls.pcap'),
  corpus('pop3-starttls.pcap'),
  corpus('imap-starttls.pcap'),
  corpus('ftp-start-tls.pcap'),
];

function tshark(file: string, filter: string, field: string): string[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', field], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').flatMap((l) => l.split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * 8-byte windows (hex) of each application_data record, at offsets 8, 16 and 24: ciphertext. The
 * first 8 bytes are skipped (a TLS 1.2 GCM explicit nonce is the record sequence number, public and
 * as plain as 0000000000000003), and so is any window with fewer than 6 distinct bytes.
 */
function appDataWindows(file: string): string[] {
  const out: string[] = [];
  for (const hex of tshark(file, 'tls.app_data', 'tls.app_data').map((h) => h.replace(/:/g, '').toLowerCase())) {
    for (let i = 16; i + 16 <= hex.length && i <= 48; i += 16) {
      const w = hex.slice(i, i + 16);
      if (new Set(w.match(/../g)).size >= 6) out.push(w);
    }
  }
  return out;
}

/** Plaintext the STARTTLS and HTTP peers said, as text (tshark's dissection of it). */
function plaintext(file: string): string[] {
  const fields: [string, string][] = [
    ['pop', 'pop.response.description'],
    ['ftp', 'ftp.response.arg'],
    ['imap', 'imap.response'],
    ['smtp', 'smtp.rsp.parameter'],
    ['http', 'http.user_agent'],
  ];
  return fields.flatMap(([proto, field]) => tshark(file, proto, field)).filter((s) => s.length >= 8 && !/^[A-Z ]+$/.test(s)); // not bare keywords like STARTTLS, which tlspeek's own text uses
}

/** Every hex byte pair of the output in order, so a dump split over lines or spaced still matches. */
function hexStream(output: string): string {
  return output
    .split(/\s+/)
    .filter((t) => /^[0-9a-f]{2}$/i.test(t))
    .join('')
    .toLowerCase();
}

function assertAbsent(output: string, secrets: { app: string[]; text: string[] }, what: string): void {
  const hex = hexStream(output);
  const flat = output.toLowerCase();
  for (const w of secrets.app) {
    assert.ok(!flat.includes(w) && !hex.includes(w), `${what}: application data bytes ${w} appear in the output`);
  }
  for (const t of secrets.text) {
    const asHex = Buffer.from(t, 'latin1').toString('hex');
    assert.ok(!output.includes(t), `${what}: plaintext ${JSON.stringify(t)} appears in the output`);
    assert.ok(!hex.includes(asHex), `${what}: plaintext ${JSON.stringify(t)} appears as hex in the output`);
  }
}

describe('application data never appears in the output', () => {
  const secrets = { app: CAPTURES.flatMap(appDataWindows), text: CAPTURES.flatMap(plaintext) };
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-noapp-'));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stopAll();
  });

  it('the captures hold what the test looks for (tshark sees it)', () => {
    assert.ok(secrets.app.length > 100, `application data windows: ${secrets.app.length}`);
    assert.ok(secrets.text.length >= 5, `plaintext strings: ${secrets.text.join(' | ')}`);
    assert.ok(secrets.text.some((t) => t.includes('POP3')), 'the POP3 banner is among them');
    assert.ok(secrets.text.some((t) => t.startsWith('curl/')), 'the plain HTTP request\'s User-Agent is among them');
  });

  for (const [name, args] of [
    ['replay --json', ['replay', '--json']],
    ['replay --verbose (text)', ['replay', '--verbose', '--color', 'never']],
    ['replay --trace --hex', ['replay', '--trace', '--hex', '--color', 'never']],
  ] as const) {
    it(name, async () => {
      const r = await runCli(...args, ...CAPTURES);
      assert.equal(r.code, 0, r.err);
      assert.ok(r.out.length > 10_000, `output of ${r.out.length} characters`);
      assertAbsent(r.out + r.err, secrets, name);
    });
  }

  it('report (HTML)', async () => {
    const file = join(dir, 'report.html');
    const r = await runCli('report', ...CAPTURES, '-o', file);
    assert.equal(r.code, 0, r.err);
    const html = readFileSync(file, 'utf8');
    assert.ok(html.length > 10_000);
    assertAbsent(html + r.out + r.err, secrets, 'report');
  });

  it('proxy: a plaintext connection carrying a marker, in JSON and verbose text output', async () => {
    const echo = await startEchoServer();
    const marker = `tlspeek-secret-${randomBytes(8).toString('hex')}`;
    for (const json of [true, false]) {
      const proxy = await startTestProxy(echo, { json, verbose: true });
      try {
        const got = await new Promise<string>((resolve, reject) => {
          const s = net.connect({ port: proxy.port, host: '127.0.0.1' });
          let text = '';
          s.on('data', (d: Buffer) => (text += d.toString()));
          s.on('end', () => resolve(text));
          s.on('error', reject);
          // A TLS-looking record header first, so the decoder really looks at the bytes.
          s.end(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, marker.length]), Buffer.from(marker), Buffer.from(`GET /${marker} HTTP/1.1\r\n\r\n`)]));
        });
        assert.ok(got.includes(marker), 'the marker went through the proxy');
        await proxy.stop();
        assert.ok(proxy.stdout().length > 0, 'the proxy reported the connection');
        assertAbsent(proxy.stdout() + proxy.stderr(), { app: [Buffer.from(marker).toString('hex').slice(0, 16)], text: [marker] }, `proxy json=${json}`);
      } finally {
        await proxy.stop();
      }
    }
    await echo.stop();
  });
});
