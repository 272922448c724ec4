// The report: the results as text on stdout and in SCRATCH/results.txt, as JSON in
// SCRATCH/results.json, and (--update-readme) as Markdown between the markers in bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../../src/report/table.js';
import { makeStyle } from '../../src/report/style.js';
import type { Manifest } from './generate.js';
import type { Timing } from './measure.js';
import type { ProfileSummary } from './profile.js';
import { REPO } from './options.js';
import { log } from './proc.js';
import { fmt, hsPerSec, scaledTimes, type Row } from './figures.js';
import { stageBudget, stageLines, tenthsLine, type StageRow, type Tenths } from './stage-table.js';
import type { Counts } from './counts.js';
import type { Large } from './large.js';
import { keyedPairs, keylogLines, plainTlspeek, type KeylogCounts } from './keylog.js';

const README = join(REPO, 'bench/README.md');

/** Everything a run measured: what results.json holds, key for key. */
export interface Results {
  manifest: Manifest;
  rows: Row[];
  stages: StageRow[];
  tenths: Tenths | undefined;
  counts: Counts;
  walkPackets: number;
  ssldumpHellos: number;
  profile: ProfileSummary | undefined;
  large: Large | undefined;
  /** The key-logged run's checks (absent: no key-logged run, or results from before it). */
  keylog?: KeylogCounts | undefined;
}

/** Prints the report, writes results.txt and results.json into `dir`, and bench/README.md's table when asked. */
export function writeResults(dir: string, r: Results, profileTiming: Timing | undefined, updateReadmeToo: boolean): void {
  const text = report(r, profileTiming);
  process.stdout.write(text);
  writeFileSync(join(dir, 'results.txt'), text);
  const { manifest, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, large, keylog } = r;
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ manifest, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, large, keylog }, null, 2));
  log(`results written to ${join(dir, 'results.txt')} and results.json`);
  if (updateReadmeToo) updateReadme(markdown(r));
}

/** One line about the machine and the tools' versions. */
function environment(): string {
  const first = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '?';
  };
  const c = cpus();
  return [
    `${c.length} × ${c[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB RAM`,
    `Node ${process.version}`,
    first('tshark', ['--version']).replace(/\s*\(Git.*$/, ''),
    first('ssldump', ['-v']).replace(/\s*\n.*$/, ''),
    first('openssl', ['version']).replace(/\s*\(.*$/, ''),
    `tlspeek at ${first('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'])}${first('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no', 'src']) !== '' ? ' + uncommitted changes in src/' : ''}`,
  ].join('; ');
}

function ratioLines(rows: Row[], total: number): string[][] {
  const get = (tool: string) => rows.find((r) => r.tool.startsWith(tool));
  const plain = plainTlspeek(rows);
  const pairs: [string, Row, Row | undefined][] = plain
    ? [
        ['tlspeek / tshark fields', plain, get('tshark fields')],
        ['tlspeek / tshark -T json', plain, get('tshark -T json')],
        ['tlspeek / ssldump -n', plain, get('ssldump')],
        ['tlspeek / bare walk', plain, get('bare')],
      ]
    : [];
  // The key-logged run: tlspeek --keylog against tshark with the same key log.
  pairs.push(...keyedPairs(rows));
  const out: string[][] = [];
  for (const [label, t, other] of pairs) {
    if (!other) continue;
    const speed = hsPerSec(t) / hsPerSec(other);
    const cpu = scaledTimes(other, total).cpu / t.t.cpu;
    out.push([label, `${fmt(speed, 2)}×`, `${fmt(cpu, 2)}×`, fmt(t.t.rssMiB / other.t.rssMiB, 2) + '×']);
  }
  return out;
}

export function report(r: Results, profileTiming: Timing | undefined): string {
  const { manifest: m, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, large, keylog } = r;
  const style = makeStyle(false);
  const hellos = m.tshark.clientHellos;
  const L: string[] = [];
  L.push('');
  L.push(`machine: ${environment()}`);
  L.push(`capture: ${m.pcap}`);
  L.push(`  ${fmt(m.bytes / 2 ** 20)} MiB, ${m.packets} packets, ${m.connections} connections, ${hellos} ClientHellos (tshark), recorded ${m.created} in ${fmt(m.generationSeconds)} s`);
  L.push(`  tcpdump: ${m.tcpdump.captured} captured, ${m.tcpdump.droppedByKernel} dropped by kernel; capinfos: ${m.packets} packets; bare walk: ${walkPackets} records`);
  L.push(`  ${m.configs.map((c) => `${c.name} ${c.ok}${c.resumed ? ` (${c.resumed} resumed)` : ''}`).join(', ')}`);
  L.push('');
  L.push(
    renderTable(
      ['tool', 'handshakes/s', 'CPU s', 'wall s', 'peak RSS MiB', 'note'],
      rows.map((r) => {
        const s = scaledTimes(r, hellos);
        return [r.tool, fmt(hsPerSec(r), 0), fmt(s.cpu, 2), fmt(s.wall, 2), fmt(r.t.rssMiB, 1), r.note ?? ''];
      }),
      { style, align: ['left', 'right', 'right', 'right', 'right', 'left'] },
    ),
  );
  L.push(`handshakes/s = ClientHellos in the file (${hellos}) / wall seconds; CPU = user + sys of the process tree (${rows[0]?.t.how}).`);
  L.push('');
  L.push(renderTable(['ratio', 'handshakes/s', 'CPU (other / tlspeek)', 'peak RSS'], ratioLines(rows, hellos), { style, align: ['left', 'right', 'right', 'right'] }));
  const t = plainTlspeek(rows);
  const ssl = rows.find((r) => r.tool.startsWith('ssldump'));
  if (t && ssl) {
    L.push(`target "at least as fast as ssldump -n": ${hsPerSec(t) >= hsPerSec(ssl) ? 'met' : 'NOT met'} (${fmt(hsPerSec(t), 0)} vs ${fmt(hsPerSec(ssl), 0)} handshakes/s)`);
    const rssOk = (x: number) => (x < 200 ? 'met' : 'NOT met');
    L.push(`target "peak RSS under 200 MiB", stdout /dev/null: ${rssOk(Math.max(t.t.rssMiB, large?.t.rssMiB ?? 0))} (${fmt(t.t.rssMiB)} MiB here${large ? `, ${fmt(large.t.rssMiB)} MiB on ${fmt(large.bytes / 2 ** 30, 2)} GiB` : ''})`);
    L.push(`target "peak RSS under 200 MiB", stdout a pipe: ${rssOk(Math.max(counts.pipe.rssMiB, large?.pipe?.rssMiB ?? 0))} (${fmt(counts.pipe.rssMiB)} MiB here${large?.pipe ? `, ${fmt(large.pipe.rssMiB)} MiB on ${fmt(large.bytes / 2 ** 30, 2)} GiB` : ''})`);
  }
  if (keylog) {
    L.push('');
    L.push(...keylogLines(rows, keylog, hellos));
  }
  if (stages.length) {
    L.push('');
    L.push('tlspeek stage by stage (scripts/bench/stages.ts; each stage is a process of its own and adds one layer to the one before):');
    L.push(renderTable(['stage', 'what runs', 'wall s', 'CPU s', 'added wall s'], stageLines(stages), { style, align: ['left', 'left', 'right', 'right', 'right'] }));
    const budget = stageBudget(stages, rows);
    if (budget) L.push(budget);
    if (tenths) L.push(tenthsLine(tenths, rows));
  }
  L.push('');
  L.push(`counts: tshark ClientHellos ${hellos} (in ${m.tshark.clientHelloFrames} frames), SYNs ${m.tshark.syns}; tlspeek JSON lines ${counts.lines}, with a clientHello ${counts.withClientHello} → ${counts.withClientHello === hellos ? 'equal' : `DIFFERENT (${counts.withClientHello - hellos})`}`);
  L.push(`  ssldump -n prints ${ssldumpHellos} ClientHellos`);
  L.push(`  the counting run (tlspeek stdout into a pipe, JSON.parse per line on the other end): ${fmt(counts.pipe.wall, 2)} s wall, ${fmt(counts.pipe.cpu, 2)} s CPU, peak RSS ${fmt(counts.pipe.rssMiB)} MiB`);
  L.push(`  tlspeek: ${counts.incomplete} incomplete, ${counts.withErrors} with errors, ${counts.resumed} resumed (1.3: ServerHello pre_shared_key, 1.2: no Certificate); the clients saw ${m.configs.reduce((x, c) => x + c.resumed, 0)} resumed sessions`);
  if (profile) {
    L.push('');
    L.push(`profile: node --cpu-prof bin/tlspeek replay --json F (${fmt(profile.totalMs / 1000, 2)} s sampled${profileTiming ? `, ${fmt(profileTiming.wall, 2)} s wall with the profiler` : ''}) — top ${profile.functions.length} by self time`);
    L.push(
      renderTable(
        ['self %', 'self ms', 'function', 'where'],
        profile.functions.map((h) => [fmt(h.selfPct, 1), fmt(h.selfMs, 0), h.name, h.where]),
        { style, align: ['right', 'right', 'left', 'left'] },
      ),
    );
    L.push('self time by file:');
    L.push(renderTable(['self %', 'self ms', 'file'], profile.files.map((f) => [fmt(f.selfPct, 1), fmt(f.selfMs, 0), f.file]), { style, align: ['right', 'right', 'left'] }));
  }
  if (large) {
    L.push('');
    L.push(`large file: ${fmt(large.bytes / 2 ** 30, 2)} GiB, ${large.hellos} ClientHellos (${large.note})`);
    L.push(`  tlspeek replay --json > /dev/null: ${fmt(large.t.wall, 1)} s wall, ${fmt(large.t.cpu, 1)} s CPU, ${fmt(large.hellos / large.t.wall, 0)} handshakes/s, peak RSS ${fmt(large.t.rssMiB)} MiB`);
    if (large.ssldump) {
      L.push(`  ssldump -n > /dev/null: ${fmt(large.ssldump.wall, 1)} s wall, ${fmt(large.ssldump.cpu, 1)} s CPU, ${fmt(large.hellos / large.ssldump.wall, 0)} handshakes/s, peak RSS ${fmt(large.ssldump.rssMiB)} MiB`);
      L.push(`  tlspeek / ssldump -n on this file: ${fmt(large.ssldump.wall / large.t.wall, 2)}×`);
    }
    L.push(`  output count (a second run, stdout into a file): ${large.lines} JSON lines (${large.lines === large.hellos ? 'one per ClientHello' : `expected ${large.hellos}`})`);
    if (large.pipe) L.push(`  tlspeek replay --json | (a reader that only counts bytes): ${fmt(large.pipe.wall, 1)} s wall, peak RSS ${fmt(large.pipe.rssMiB)} MiB, exit status ${large.pipe.status}`);
  }
  L.push('');
  return L.join('\n');
}

export function markdown(r: Results): string {
  const { manifest: m, rows, stages, tenths, counts, profile, large, keylog } = r;
  const hellos = m.tshark.clientHellos;
  const L: string[] = [];
  L.push(`Machine: ${environment()}.`);
  L.push('');
  L.push(`Capture recorded ${m.created.slice(0, 10)} in ${fmt(m.generationSeconds, 0)} s: ${fmt(m.bytes / 2 ** 20)} MiB, ${m.packets} packets, ${m.connections} connections, ${hellos} ClientHellos (tshark), ${m.tcpdump.droppedByKernel} dropped by kernel; ` +
    `${m.configs.reduce((x, c) => x + c.resumed, 0)} resumed sessions. Fastest of ${rows[0]?.runs ?? 1} runs per tool.`);
  L.push('');
  L.push('| tool | handshakes/s | CPU s | wall s | peak RSS MiB | note |');
  L.push('|---|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const s = scaledTimes(r, hellos);
    L.push(`| ${r.tool} | ${fmt(hsPerSec(r), 0)} | ${fmt(s.cpu, 2)} | ${fmt(s.wall, 2)} | ${fmt(r.t.rssMiB, 1)} | ${r.note ?? ''} |`);
  }
  L.push('');
  L.push('| ratio | handshakes/s | CPU (other / tlspeek) | peak RSS |');
  L.push('|---|---:|---:|---:|');
  for (const r of ratioLines(rows, hellos)) L.push(`| ${r.join(' | ')} |`);
  L.push('');
  if (keylog) {
    // The key-logged run's checks and targets, one bullet each.
    const [first, ...rest] = keylogLines(rows, keylog, hellos);
    L.push(`${first![0]!.toUpperCase()}${first!.slice(1)}:`);
    L.push('');
    for (const line of rest) L.push(`- ${line.trim()}`);
    L.push('');
  }
  if (stages.length) {
    L.push('tlspeek stage by stage (`scripts/bench/stages.ts`, timed in the same rounds as the tools):');
    L.push('');
    L.push('| stage | what runs | wall s | CPU s | added wall s |');
    L.push('|---|---|---:|---:|---:|');
    for (const r of stageLines(stages)) L.push(`| ${r.join(' | ')} |`);
    L.push('');
    const budget = stageBudget(stages, rows);
    if (budget) L.push(`${budget}.`, '');
    if (tenths) L.push(`${tenthsLine(tenths, rows)}.`, '');
  }
  L.push(`Counts: tshark ${hellos} ClientHellos; tlspeek ${counts.withClientHello} connections with a clientHello (${counts.lines} JSON lines).`);
  L.push(`With stdout a pipe (the counting run): peak RSS ${fmt(counts.pipe.rssMiB)} MiB, ${fmt(counts.pipe.wall, 2)} s wall.`);
  if (large) {
    L.push(`Large file: ${fmt(large.bytes / 2 ** 30, 2)} GiB (${large.note}): ${fmt(large.t.wall, 1)} s wall, ${fmt(large.t.cpu, 1)} s CPU, ${fmt(large.hellos / large.t.wall, 0)} handshakes/s, peak RSS ${fmt(large.t.rssMiB)} MiB (stdout /dev/null); ` +
      (large.ssldump ? `ssldump -n ${fmt(large.ssldump.wall, 1)} s wall, ${fmt(large.hellos / large.ssldump.wall, 0)} handshakes/s (tlspeek / ssldump -n: ${fmt(large.ssldump.wall / large.t.wall, 2)}×); ` : '') +
      `${large.lines} JSON lines for ${large.hellos} ClientHellos; into a pipe: peak RSS ${fmt(large.pipe?.rssMiB ?? NaN)} MiB, exit status ${large.pipe?.status}.`);
  }
  if (profile) {
    L.push('');
    L.push('Top self time (node --cpu-prof):');
    L.push('');
    L.push('| self % | function | where |');
    L.push('|---:|---|---|');
    for (const h of profile.functions) L.push(`| ${fmt(h.selfPct, 1)} | ${h.name} | ${h.where} |`);
  }
  return L.join('\n');
}

export function updateReadme(md: string): void {
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const text = existsSync(README) ? readFileSync(README, 'utf8') : '';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log(`WARNING: ${README} has no ${start} … ${end} markers; not updated`);
    return;
  }
  writeFileSync(README, `${text.slice(0, i + start.length)}\n${md}\n${text.slice(j)}`);
  log(`updated ${README}`);
}
