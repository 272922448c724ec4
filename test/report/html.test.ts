// The HTML report: escaping and self-containment checked on the string, then loaded in headless
// Chromium — the DOM must hold the connections, the findings and the sequence diagrams, the
// filters must work (set through the URL fragment), and a screenshot is saved for a person to see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { replayFile } from '../../src/app/replay.js';
import { enrich } from '../../src/app/enrich.js';
import { esc, renderHtml } from '../../src/report/html.js';
import type { Connection } from '../../src/tls/model.js';
import { main } from '../../src/cli/main.js';
import { CHROMIUM_MISSING, dumpDom, findChromium, screenshot } from '../helpers/chromium.js';

const REPO = fileURLToPath(new URL('../../captures/', import.meta.url));
const CAPTURES = ['sserver-pss-only.pcap', 'apache-mtls-pss-default.pcap', 'fatal-alert.pcap', 'tls13-hrr.pcap', 'plain-http-to-tls-port.pcap'];
const chromium = findChromium();
const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-html-'));

async function load(files: string[]): Promise<Connection[]> {
  const out: Connection[] = [];
  for (const f of files) {
    const conns: Connection[] = [];
    await replayFile(REPO + f, {}, { connection: (c) => conns.push(enrich(c)), warning: () => {} });
    out.push(...conns.sort((a, b) => a.id - b.id));
  }
  return out;
}

const capture = (args: string[]) => {
  let out = '';
  let err = '';
  const io = { out: { write: (s: string) => ((out += s), true) }, err: { write: (s: string) => ((err += s), true) } };
  return main(args, io as never).then((code) => ({ code, out, err }));
};

test('esc: markup, quotes and control characters from the peer are neutralised', () => {
  assert.equal(esc(`<script>alert("x")</script>'&`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;');
  assert.equal(esc('a\u0000b\u001b[31m'), 'a\\x00b\\x1b[31m');
  assert.equal(esc('line 1\nline 2'), 'line 1\nline 2');
});

test('a hostile SNI and certificate name cannot inject markup', async () => {
  const [c] = await load(['tls13-hrr.pcap']);
  const evil = structuredClone(c!);
  evil.clientHello!.serverName = '"><img src=x onerror=alert(1)><script>bad()</script>';
  evil.messages[0]!.summary = '</title><script>bad()</script>';
  const html = renderHtml([evil]);
  assert.ok(!html.includes('<img src=x'), 'no raw <img>');
  assert.ok(!html.includes('<script>bad()'), 'no injected script');
  assert.equal(html.match(/<script>/g)?.length, 1, 'only our own inline script');
});

test('self-contained: no external URL is loaded (CSP default-src none, no src/href to http)', async () => {
  const html = renderHtml(await load(CAPTURES));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /<link\b/);
});

test('every element id is unique in a report of many connections, and every #link has its target', async () => {
  const files = readdirSync(REPO).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();
  const conns = await load(files);
  // Meaningful only if some rule fires on several connections (its id would repeat unprefixed).
  const perRule = new Map<string, number>();
  for (const c of conns) for (const id of new Set((c.findings ?? []).map((f) => f.id))) perRule.set(id, (perRule.get(id) ?? 0) + 1);
  assert.ok([...perRule.values()].some((n) => n >= 2), 'a rule raised on two connections or more');
  const html = renderHtml(conns);
  const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  const dup = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  assert.deepEqual(dup, [], 'duplicate ids');
  // Each finding has an id of its own, prefixed with its connection; data-id keeps the rule id.
  const findings = conns.reduce((n, c) => n + (c.findings?.length ?? 0), 0);
  const tagged = [...html.matchAll(/<div class="finding [a-z]+" id="(conn-\d+)-([a-z0-9-]+)" data-id="([a-z0-9-]+)"/g)];
  assert.equal(tagged.length, findings);
  for (const [, , suffix, ruleId] of tagged) assert.ok(suffix === ruleId || suffix!.startsWith(`${ruleId}-`), `${suffix} for ${ruleId}`);
  // The connection list links each finding id to it.
  for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) assert.ok(seen.has(target!), `#${target} has no element`);
});

test('tlspeek report writes the file', async () => {
  const out = join(tmp, 'cli.html');
  const r = await capture(['report', ...CAPTURES.map((f) => REPO + f), '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /wrote .*cli\.html \(5 connections\)/);
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
});

test('in Chromium: connections, findings, diagrams; filters; a screenshot', { skip: chromium ? false : CHROMIUM_MISSING, timeout: 300_000 }, async () => {
  const conns = await load(CAPTURES);
  const file = join(tmp, 'report.html');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, renderHtml(conns, { title: 'tlspeek test report' }));
  const url = pathToFileURL(file).href;

  const dom = await dumpDom(chromium!, url);
  // One list row and one section per connection.
  assert.equal(dom.match(/<tr [^>]*data-key="conn-\d+"/g)?.length, conns.length);
  assert.equal(dom.match(/<section class="conn[^"]*"/g)?.length, conns.length);
  assert.match(dom, /<span id="shown">5<\/span>/, 'the script ran and counted every row');
  // The findings of the PSS-only capture, with its fix.
  assert.match(dom, /data-id="certreq-pss-only" data-severity="error"/);
  assert.match(dom, /<div class="fix"><b>fix<\/b>/);
  // A sequence diagram per TLS connection, the fatal alert drawn as an alert.
  const tlsCount = conns.filter((c) => c.tls).length;
  assert.equal(dom.match(/<svg class="seq"/g)?.length, tlsCount);
  assert.match(dom, /<g class="msg alert fatal" data-from="server">.*?alert: fatal handshake_failure/);
  assert.match(dom, /<g class="msg" data-from="client"><title>[^<]*<\/title><line [^>]*>(<\/line>)?<polygon [^>]*>(<\/polygon>)?<text [^>]*>client_hello<\/text>/);
  // Server certificates of the mTLS capture.
  assert.match(dom, /Server certificates \(2\)/);
  assert.match(dom, /Client certificates \(3\)/);

  // Filters, set through the URL fragment: errors only, then one endpoint.
  const errors = await dumpDom(chromium!, `${url}#severity=error`);
  const withErrors = conns.filter((c) => c.findings?.some((f) => f.severity === 'error')).length;
  assert.match(errors, new RegExp(`<span id="shown">${withErrors}</span>`));
  assert.equal(errors.match(/<tr data-key="[^"]*"[^>]*class="hidden"/g)?.length, conns.length - withErrors);
  const hrr = conns.find((c) => c.file?.endsWith('tls13-hrr.pcap'))!;
  const port = hrr.client.slice(hrr.client.lastIndexOf(':'));
  const one = await dumpDom(chromium!, `${url}#endpoint=${encodeURIComponent(port)}`);
  assert.match(one, /<span id="shown">1<\/span>/);

  const png = join(tmp, 'report.png');
  await screenshot(chromium!, url, png);
  const size = statSync(png).size;
  assert.ok(size > 20_000, `screenshot of ${size} bytes`);
  assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  console.log(`screenshot: ${png}`);
  assert.ok(existsSync(png));
});
