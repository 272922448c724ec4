// Text output fits the terminal (issue 15, output width): every bundled capture replayed at
// COLUMNS=60, 80, 100 and 200, with and without colour, and with --trace --hex; `tlspeek rules`
// and `tlspeek rules ID` the same. What is checked:
//
// - Width. No line is wider than COLUMNS (colour codes take no columns) unless it is one
//   unbreakable token on a line of its own: after the line's indent, either
//     (a) a single word (no space in it: a hex fingerprint, a JA4_r string, a long DN), or
//     (b) in fix text, one directive: at most five words, the last a `:`-separated list of three
//         or more items (quotes, brackets and a closing `;` aside). A directive is not broken:
//         `SSLOpenSSLConfCmd ClientSignatureAlgorithms a:b:…` over two lines does not paste into
//         httpd.conf.
// - Hanging indents. Each line of the unwrapped output (COLUMNS very large) is a logical line;
//   its continuation lines in the wrapped output start at or right of its value column: the
//   value of a block field ("      signature_algs     ecdsa…"), of a certificate field, of a
//   "Head  value" line; the message type of a ladder line (strictly right of it); the first
//   character of any other line, strictly right of it for fix lines (so that a continuation is
//   not taken for the next server's line).
// - Nothing lost. Wrapping only turns spaces into line breaks and indents: without whitespace
//   the wrapped text equals the unwrapped one, and every word of the unwrapped text is in the
//   wrapped text with its whitespace normalised. With colour, the text without its colour codes
//   equals the text without colour (same breaks).
// - Once. A CertificateRequest's signature scheme list longer than SHORT_LIST is printed in
//   full once per connection (its block; the ClientHello's own line too when the client offered
//   the same list), while the --json finding details keep quoting it in full.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { RULES } from '../../src/rules/index.js';
import { abbreviateSchemes, referRepeats, SHORT_LIST } from '../../src/report/repeats.js';
import { keep, outputWidth, wrapLine } from '../../src/report/wrap.js';
import type { Connection } from '../../src/tls/model.js';

const WIDTHS = [60, 80, 100, 200];
const UNWRAPPED = 1_000_000;
const files = readdirSync('captures').filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();

// eslint-disable-next-line no-control-regex
const strip = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
const cols = (s: string): number => [...s].length;
const indentOf = (s: string): number => /^ */.exec(s)![0].length;
const squeeze = (s: string): string => s.replace(/\s+/g, '');

async function withColumns<T>(columns: number, f: () => Promise<T>): Promise<T> {
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = String(columns);
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
}

async function run(columns: number, ...args: string[]): Promise<string> {
  const r = await withColumns(columns, () => runCli(...args));
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
  return r.out;
}


function isColonList(word: string): boolean {
  const parts = word.replace(/^[('"]+|[)'";,.]+$/g, '').split(':');
  return parts.length >= 3 && parts.every((p) => p.length > 0 && !p.includes('/'));
}

/** A logical line of the unwrapped output and where its wrapped lines must start. */
interface Logical {
  text: string;
  /** Continuation lines start at this column or further right. */
  hang: number;
  fix: boolean;
}

const BLOCK_FIELD = /^ {6}(?:version|server_name|ALPN|cipher suites \(\d+\)|signature_algs|sig_algs_cert|groups|key_share|extensions \(\d+\)|cipher suite|selected group|certificate_types) +(?=\S)/;
const CERT_FIELD = /^ {10}(?:issuer|key|valid|SAN|usage|CA|serial) +(?=\S)/;
const HEAD_VALUE = /^ {4}(?:Fingerprints|ServerKeyExchange|CertificateVerify|then ServerHello) {2}(?=\S)/;
const RAW_FINGERPRINT = /^ {6}(?:JA4_r|JA3S?) +(?=\S)/;
const LADDER = /^ {4}C [→←] S {2}/;

/** The logical lines of unwrapped replay output, each with the column its continuation lines must reach. */
function logicalLines(text: string): Logical[] {
  let inFix = false;
  return text.split('\n').map((line) => {
    const first = indentOf(line);
    if (/^ {6}fix:$/.test(line)) inFix = true;
    else if (first <= 6 && line.trim()) inFix = false;
    const fix = inFix && first >= 8;
    const field = BLOCK_FIELD.exec(line) ?? CERT_FIELD.exec(line) ?? HEAD_VALUE.exec(line) ?? RAW_FINGERPRINT.exec(line);
    let hang = first;
    if (field) hang = field[0].length;
    else if (LADDER.test(line)) hang = 12; // right of the message type's first column (11)
    else if (fix) hang = first + 1;
    return { text: line, hang, fix };
  });
}

/** Wrapped lines grouped by the logical line they continue: whitespace aside, each group is its logical line. */
function group(logical: Logical[], wrapped: string[]): string[][] {
  const groups: string[][] = [];
  let at = 0;
  for (const l of logical) {
    const want = squeeze(l.text);
    const lines = [wrapped[at++] ?? ''];
    while (squeeze(lines.join('')) !== want && at < wrapped.length && squeeze(lines.join('')).length < want.length) lines.push(wrapped[at++]!);
    assert.equal(squeeze(lines.join('')), want, `no wrapped lines make up: ${l.text}`);
    groups.push(lines);
  }
  assert.equal(at, wrapped.length, 'wrapped output has lines the unwrapped one has not');
  return groups;
}

/** Lines wider than `width` that are not one unbreakable token (see the file comment). */
function overWide(lines: string[], width: number, isFix: (i: number) => boolean): string[] {
  return lines.filter((line, i) => {
    if (cols(line) <= width) return false;
    const words = line.trim().split(/ +/);
    if (words.length === 1) return false;
    return !(isFix(i) && words.length <= 5 && isColonList(words.at(-1)!));
  });
}

/** What the "nothing lost" check compares: words, with a break after a comma read as none. */
function words(text: string): string[] {
  return text.replace(/,\s+/g, ',').split(/\s+/).filter(Boolean);
}

test('replay text fits COLUMNS for every bundled capture, colour or not, with hanging indents and nothing lost', async () => {
  assert.ok(files.length > 50, `captures: ${files.length}`);
  for (const file of files) {
    const path = `captures/${file}`;
    const unwrapped = await run(UNWRAPPED, 'replay', '--color', 'never', path);
    const logical = logicalLines(unwrapped.replace(/\n$/, ''));
    for (const width of WIDTHS) {
      const plain = await run(width, 'replay', '--color', 'never', path);
      const colored = await run(width, 'replay', '--color', 'always', path);
      assert.ok(colored.includes('\u001b['), `${path}: --color always has no colour`);
      assert.equal(strip(colored), plain, `${path} at ${width}: colour changes the layout`);

      const wrapped = plain.replace(/\n$/, '').split('\n');
      const groups = group(logical, wrapped);
      const fixLine = new Set<number>();
      let n = 0;
      groups.forEach((g, i) => {
        for (const [j, line] of g.entries()) {
          if (logical[i]!.fix) fixLine.add(n);
          n++;
          if (j === 0) {
            assert.equal(indentOf(line), indentOf(logical[i]!.text), `${path} at ${width}: first line moved: ${line}`);
            continue;
          }
          assert.ok(
            indentOf(line) >= logical[i]!.hang,
            `${path} at ${width}: continuation at column ${indentOf(line)}, left of ${logical[i]!.hang}:\n${logical[i]!.text}\n${g.join('\n')}`,
          );
        }
      });
      assert.deepEqual(overWide(wrapped, width, (i) => fixLine.has(i)), [], `${path} at ${width}: lines over the width`);
      if (width === 60) {
        // Over-wide lines in colour too, measured without the colour codes.
        assert.deepEqual(overWide(colored.split('\n').map(strip), width, (i) => fixLine.has(i)), [], `${path} at ${width} in colour`);
      }

      assert.equal(squeeze(plain), squeeze(unwrapped), `${path} at ${width}: wrapping changed more than whitespace`);
      const have = ` ${words(plain).join(' ')} `;
      for (const w of new Set(words(unwrapped))) assert.ok(have.includes(` ${w} `), `${path} at ${width}: "${w}" lost`);
    }
  }
});

test('a CertificateRequest scheme list is printed once per connection in text, and in full in the JSON findings', async () => {
  let checked = 0;
  for (const file of files) {
    const path = `captures/${file}`;
    const json = (await run(100, 'replay', '--json', path))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Connection);
    const text = await run(100, 'replay', '--color', 'never', path);
    // One block per connection: "#N  client → server …" up to the next.
    const byId = new Map<number, string>();
    for (const b of text.split(/\n(?=#\d+ {2})/)) {
      const id = /^#(\d+) {2}/.exec(b);
      if (id) byId.set(Number(id[1]), b.replace(/\s+/g, ' '));
    }
    for (const c of json) {
      const list = c.certificateRequest?.signatureAlgorithms?.map((s) => s.name);
      if (!list || list.length <= SHORT_LIST) continue;
      const block = byId.get(c.id);
      assert.ok(block, `${path}: no text block for #${c.id}`);
      const count = (s: string): number => block.split(s).length - 1;
      const own = [c.clientHello?.signatureAlgorithms, c.clientHello?.signatureAlgorithmsCert].filter((l) => l?.map((s) => s.name).join(', ') === list.join(', ')).length;
      assert.equal(count(list.join(', ')), 1 + own, `${path} #${c.id}: the list printed ${count(list.join(', '))} times`);
      assert.equal(count(list.join(',')), 0, `${path} #${c.id}: the ladder line repeats the list`);
      assert.ok(block.includes(`signature_algs ${list.join(', ')}`), `${path} #${c.id}: not in the CertificateRequest block`);
      const quoting = (c.findings ?? []).filter((f) => f.detail.includes(list.join(', ')));
      for (const f of quoting) {
        assert.ok(block.includes(`${list.length} schemes listed under CertificateRequest above`), `${path} #${c.id} ${f.id}: no reference to the list`);
      }
      checked += quoting.length;
    }
  }
  // The apache-mtls-* captures raise certreq-pss-preferred, whose detail quotes the list.
  assert.ok(checked >= 2, `only ${checked} findings quoted a long CertificateRequest list`);
});

test('replay --trace --hex fits COLUMNS; hex dumps narrow to 8 bytes a row rather than wrap', async () => {
  for (const file of ['apache-mtls-pss-default.pcap', 'tls13-hrr.pcap', 'rules-sslv2-hello.pcap', 'fatal-alert.pcap']) {
    const path = `captures/${file}`;
    const unwrapped = await run(UNWRAPPED, 'replay', '--trace', '--color', 'never', path);
    for (const width of WIDTHS) {
      const plain = await run(width, 'replay', '--trace', '--hex', '--color', 'never', path);
      const colored = await run(width, 'replay', '--trace', '--hex', '--color', 'always', path);
      assert.equal(strip(colored), plain, `${path} at ${width}: colour changes the layout`);
      const lines = plain.split('\n');
      const fix = new Set<number>();
      let inFix = false;
      lines.forEach((l, i) => {
        if (/^ {6}fix:$/.test(l)) inFix = true;
        else if (indentOf(l) <= 6 && l.trim()) inFix = false;
        else if (inFix) fix.add(i);
      });
      assert.deepEqual(overWide(lines, width, (i) => fix.has(i)), [], `${path} at ${width}`);
      const rows = lines.filter((l) => /^ {13,}[0-9a-f]{4} {2}[0-9a-f]{2}( [0-9a-f]{2})* {2,}/.test(l));
      assert.ok(rows.length > 0, `${path}: no hex dump`);
      // Only the last row of each dump is short: every row holds 16 bytes at 100 and wider, 8 at 60 and 80.
      const perRow = Math.max(...rows.map((r) => r.trim().split(/ {2,}/)[1]!.split(' ').length));
      assert.equal(perRow, width >= 100 ? 16 : 8, `${path} at ${width}: ${perRow} bytes a row`);
      // The trace and the block after it say the same as unwrapped, hex aside.
      const noHex = await run(width, 'replay', '--trace', '--color', 'never', path);
      assert.equal(squeeze(noHex), squeeze(unwrapped), `${path} at ${width}: wrapping changed more than whitespace`);
    }
  }
});

test('tlspeek rules and rules ID fit COLUMNS and never cut a rule id', async () => {
  for (const width of WIDTHS) {
    const list = await run(width, 'rules', '--color', 'never');
    assert.deepEqual(overWide(list.split('\n'), width, () => false), [], `rules at ${width}`);
    for (const r of RULES) assert.ok(new RegExp(`(^|[ │])${r.id}([ │]|$)`, 'm').test(list), `rules at ${width}: ${r.id} cut`);
    for (const r of RULES) {
      const text = await run(width, 'rules', r.id, '--color', 'never');
      const lines = text.split('\n');
      const fixAt = lines.indexOf('Fix');
      const refsAt = lines.indexOf('References');
      const inFix = (i: number): boolean => fixAt >= 0 && i > fixAt && (refsAt < 0 || i < refsAt);
      // `rules ID` keeps prose to 100 columns at most, however wide the terminal.
      assert.deepEqual(overWide(lines, Math.min(width, 100), inFix), [], `rules ${r.id} at ${width}`);
      const colored = await run(width, 'rules', r.id, '--color', 'always');
      assert.equal(strip(colored), text, `rules ${r.id} at ${width}: colour changes the layout`);
    }
  }
});

test('wrapLine: hanging indent, words whole, commas only for a word longer than a line, colour closed and reopened', () => {
  assert.deepEqual(wrapLine('  label  aaa bbb ccc', { width: 14, hang: 9 }), ['  label  aaa', '         bbb', '         ccc']);
  // Spacing is kept where the line does not break; KEEP spaces never break.
  assert.deepEqual(wrapLine(`a   b ${keep('c d')}`, { width: 8, hang: 0 }), ['a   b', 'c d']);
  // A comma list moves whole when it fits a line of its own, and breaks after its commas when not.
  assert.deepEqual(wrapLine('x: aa,bb,cc', { width: 10, hang: 2, commas: true }), ['x:', '  aa,bb,cc']);
  assert.deepEqual(wrapLine('x: aa,bb,cc,dd', { width: 9, hang: 3, commas: true }), ['x: aa,bb,', '   cc,dd']);
  assert.deepEqual(wrapLine('x: CN=a\\,b,O=c', { width: 9, hang: 3, commas: true }), ['x:', '   CN=a\\,b,', '   O=c']);
  // The first word of a line breaks after its commas too, when it is longer than the line.
  assert.deepEqual(wrapLine('  CN=aaaa,O=bbbb,C=cc', { width: 12, hang: 4, commas: true }), ['  CN=aaaa,', '    O=bbbb,', '    C=cc']);
  // One token longer than the width overflows on a line of its own, whole.
  assert.deepEqual(wrapLine('k: 0123456789abcdef end', { width: 10, hang: 3 }), ['k:', '   0123456789abcdef', '   end']);
  // A directive with its :-list stays one line; the label and the comment after a wide gap do not join it.
  assert.deepEqual(wrapLine('nginx: ssl_ciphers A:B:C:D;   (a comment)', { width: 20, hang: 2, directives: true }), [
    'nginx:',
    '  ssl_ciphers A:B:C:D;',
    '  (a comment)',
  ]);
  // Colour codes take no columns; a style open at a break is closed there and reopened on the next line.
  const dim = (t: string): string => `\u001b[2m${t}\u001b[22m`;
  assert.deepEqual(wrapLine(`ab ${dim('cd ef')}`, { width: 5, hang: 0 }), [`ab \u001b[2mcd\u001b[0m`, `\u001b[2mef\u001b[22m`]);
  assert.deepEqual(wrapLine(`ab ${dim('cd')}`, { width: 5, hang: 0 }), [`ab ${dim('cd')}`]);
});

test('repeats: a scheme list is shortened to its first scheme and first rsa_pss_rsae/rsa_pkcs1; only whole repeats are referred to', () => {
  assert.equal(abbreviateSchemes(['a', 'b', 'c', 'd']), 'a,b,c,d');
  assert.equal(
    abbreviateSchemes(['ecdsa_x', 'ed25519', 'rsa_pss_pss_sha256', 'rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pkcs1_sha256', 'dsa_x']),
    'ecdsa_x,…,rsa_pss_rsae_sha256,…,rsa_pkcs1_sha256,… (7)',
  );
  const repeats = [{ full: 'a, b, c, d, e', ref: 'the 5 schemes listed under CertificateRequest above' }];
  assert.equal(referRepeats('list: a, b, c, d, e.', repeats), 'list: the 5 schemes listed under CertificateRequest above.');
  // Part of a longer list, or a longer name: left as it is.
  assert.equal(referRepeats('list: a, b, c, d, e, f', repeats), 'list: a, b, c, d, e, f');
  assert.equal(referRepeats('list: z, a, b, c, d, e', repeats), 'list: z, a, b, c, d, e');
  assert.equal(referRepeats('list: a, b, c, d, ex', repeats), 'list: a, b, c, d, ex');
});

test('README: the examples of text output are what replay prints at 100 columns', async () => {
  const readme = readFileSync('README.md', 'utf8');
  let seen = 0;
  for (const [, file, block] of readme.matchAll(/```\n\$ tlspeek replay (captures\/\S+)\n([^]*?)```/g)) {
    const out = (await run(100, 'replay', '--color', 'never', file!)).split('\n');
    // An excerpt: every line but the "…" ones is a line of the output, in its order.
    let at = 0;
    for (const line of block!.split('\n').filter((l) => l && l.trim() !== '…')) {
      const found = out.indexOf(line, at);
      assert.ok(found >= 0, `README, ${file}: not printed (in this order): ${line}`);
      at = found + 1;
    }
    seen++;
  }
  assert.ok(seen >= 2, `${seen} README examples found`);
});

test('outputWidth: COLUMNS, else the terminal\'s columns, else the fallback (100)', async () => {
  const tty = { isTTY: true, columns: 72 };
  const saved = process.env.COLUMNS;
  try {
    delete process.env.COLUMNS;
    assert.equal(outputWidth(tty), 72);
    assert.equal(outputWidth({ isTTY: false, columns: 72 }), 100);
    assert.equal(outputWidth(undefined), 100);
    assert.equal(outputWidth(undefined, 80), 80);
    process.env.COLUMNS = '50';
    assert.equal(outputWidth(tty), 50);
    process.env.COLUMNS = 'wide';
    assert.equal(outputWidth(tty), 72);
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
});
