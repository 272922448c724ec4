// The command line as a user meets it when something is missing or wrong: the command list, the
// help text of positionals, numeric values named as typed, the same words for none or too few
// inputs, help that agrees with the README, and output files that cannot be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { DEFAULT_MAX_FLOWS } from '../../src/capture/flows.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(ROOT, 'captures/tls12.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-usage-'));

test('tlspeek alone: the usage text with every command, and a message naming every command (exit 2)', async () => {
  const r = await runCli();
  assert.equal(r.code, 2);
  // The README's Usage section documents these five.
  for (const name of ['replay', 'proxy', 'diff', 'rules', 'report']) {
    assert.match(r.err, new RegExp(`\\n {2}tlspeek ${name}\\b`), `${name} in the command list`);
  }
  assert.match(r.err, /\ntlspeek: Name a command: replay, proxy, diff, rules, report\n$/);
});

test('positional help says [required], never [required] [default: []]', async () => {
  for (const [command, positional] of [['replay', 'files'], ['report', 'files'], ['diff', 'inputs']] as const) {
    const r = await runCli(command, '--help');
    assert.equal(r.code, 0, r.err);
    const block = r.out.slice(r.out.indexOf('Positionals:'), r.out.indexOf('Options:'));
    assert.match(block, new RegExp(`\\n {2}${positional} `), `${command}: ${positional} listed`);
    assert.match(block, /\[required\]/, `${command}: required`);
    assert.doesNotMatch(block, /default/, `${command}: no default for a required list`);
  }
});

test('a bad number is named as typed, in every command (exit 2)', async () => {
  for (const [args, pattern] of [
    [['replay', '--port', 'https', CAPTURE], /tlspeek: --port must be a whole number from 0 to 65535, got "https"\n$/],
    [['replay', '-n', 'abc', CAPTURE], /tlspeek: --connection must be a whole number of at least 1, got "abc"\n$/],
    [['replay', '--max-flows', '', CAPTURE], /tlspeek: --max-flows must be a whole number of at least 1, got ""\n$/],
    [['report', '--port', 'https', CAPTURE, '-o', join(tmp, 'x.html')], /tlspeek: --port must be a whole number from 0 to 65535, got "https"\n$/],
    [['proxy', '-b', '127.0.0.1:1', '--connect-timeout', '5s'], /tlspeek: --connect-timeout must be a whole number of at least 0, got "5s"\n$/],
    [['proxy', '-b', '127.0.0.1:1', '--max-connections', 'many'], /tlspeek: --max-connections must be a whole number of at least 0, got "many"\n$/],
    [['replay', CAPTURE, '--port'], /tlspeek: Not enough arguments following: port\n$/],
  ] as const) {
    const r = await runCli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, pattern, args.join(' '));
  }
  assert.equal(existsSync(join(tmp, 'x.html')), false);
  // Good values still work as numbers.
  const ok = await runCli('replay', '--json', '--port', '1', '-n', '1', '--max-flows', '5', CAPTURE);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.out, '');
});

test('diff with no input and with one input: the same message, with the count (exit 2)', async () => {
  const none = await runCli('diff');
  const one = await runCli('diff', CAPTURE);
  assert.equal(none.code, 2);
  assert.equal(one.code, 2);
  const last = (s: string) => s.trimEnd().split('\n').at(-1);
  assert.equal(last(none.err), 'tlspeek: diff needs at least two inputs (FILE, FILE#N or FILE#sni=NAME), got 0');
  assert.equal(last(one.err), 'tlspeek: diff needs at least two inputs (FILE, FILE#N or FILE#sni=NAME), got 1');
  // Both with the diff usage text above it.
  for (const r of [none, one]) assert.match(r.err, /^tlspeek diff <inputs\.\.>/);
});

test('replay and report without a file say so in words', async () => {
  assert.match((await runCli('replay')).err, /\ntlspeek: replay needs at least one capture file, got 0\n$/);
  assert.match((await runCli('report', '-o', join(tmp, 'y.html'))).err, /\ntlspeek: report needs at least one capture file, got 0\n$/);
});

test('--max-flows: the help and the README limits table give the same default and the same memory figures', async () => {
  const help = (await runCli('replay', '--help')).out.replace(/\s+/g, ' ');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith('| concurrent TCP flows in replay |'));
  assert.ok(row, 'the README limits table has the --max-flows row');
  assert.match(row, /`--max-flows`/);
  const figures = (s: string) => ({
    heap: /about (\d+ KiB) of heap/.exec(s)?.[1],
    rss: /(\d+–\d+ MiB) peak RSS/.exec(s)?.[1],
    flows: /(\d{1,3}(?:,\d{3})+)/.exec(s)?.[1],
  });
  const inHelp = figures(help.slice(help.indexOf('--max-flows')));
  const inReadme = figures(row);
  assert.deepEqual(inHelp, inReadme);
  assert.equal(Number(inReadme.flows!.replace(/,/g, '')), DEFAULT_MAX_FLOWS);
  assert.match(help, new RegExp(`--max-flows .*\\[default: ${DEFAULT_MAX_FLOWS}\\]`));
});

test('report: an unreadable input writes no file, and an older report of that name is left as it was', async () => {
  const out = join(tmp, 'none.html');
  let r = await runCli('report', join(tmp, 'missing.pcap'), '-o', out);
  assert.equal(r.code, 1);
  assert.equal(existsSync(out), false);
  assert.match(r.err, /missing\.pcap: no such file\ntlspeek: no report written: the input could not be read\n$/);
  writeFileSync(out, 'older report');
  r = await runCli('report', join(tmp, 'missing.pcap'), join(ROOT, 'README.md'), '-o', out);
  assert.equal(r.code, 1);
  assert.match(r.err, /no report written: none of the 2 inputs could be read\n$/);
  assert.equal(readFileSync(out, 'utf8'), 'older report');
  // One readable input among them: its report is written, and the exit status still says 1.
  r = await runCli('report', CAPTURE, join(tmp, 'missing.pcap'), '-o', out);
  assert.equal(r.code, 1);
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
  assert.match(r.err, /wrote .*none\.html \(1 connection\)/);
});

test('report and proxy: an output folder that does not exist is one clear line, before any work (exit 1)', async () => {
  const nowhere = join(tmp, 'no-such-folder', 'report.html');
  for (const args of [
    ['report', CAPTURE, '-o', nowhere],
    ['report', join(tmp, 'missing.pcap'), '-o', nowhere],
    ['proxy', '-b', '127.0.0.1:1', '--listen', '0', '--html', nowhere],
    ['proxy', '-b', '127.0.0.1:1', '--listen', '0', '--write-pcap', nowhere],
  ]) {
    const r = await runCli(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '');
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(lines[0]!, new RegExp(`^tlspeek: (--html: |--write-pcap: )?cannot write ${nowhere.replace(/[/.]/g, '\\$&')}: there is no folder ${join(tmp, 'no-such-folder').replace(/[/.]/g, '\\$&')}$`));
    assert.doesNotMatch(r.err, /ENOENT|proxying/);
  }
  const dir = await runCli('report', CAPTURE, '-o', tmp);
  assert.equal(dir.code, 1);
  assert.equal(dir.err, `tlspeek: cannot write ${tmp}: it is a folder\n`);
});
