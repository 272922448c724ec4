// Timing each tool on the bench capture: the compiled CLI built first, ssldump checked on a
// prefix, the page cache warmed; then the fast tools (and tlspeek's stages) in rounds, and
// tshark -T json once, on the whole file or a prefix scaled up.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsharkCounts, type Manifest } from './generate.js';
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { BenchError, log, run } from './proc.js';
import { fmt, type Row } from './figures.js';
import { STAGES, type StageRow } from './stage-table.js';
import { BARE_WALK_JS } from './walk.js';

/** What the bench times: `tlspeek replay --json` as users run it (bin/tlspeek → dist/bundle/). */
export const TLSPEEK = ['bin/tlspeek', 'replay', '--json', '--no-progress'];

const TSHARK_FIELDS = [
  'frame.number', 'tcp.stream', 'tls.handshake.type', 'tls.handshake.version', 'tls.handshake.ciphersuite',
  'tls.handshake.extensions_server_name', 'tls.handshake.sig_hash_alg', 'tls.handshake.extensions_supported_group',
  'tls.handshake.certificate_length', 'x509sat.uTF8String', 'tls.alert_message.desc', 'tls.handshake.extension.type',
];

/** The capture the tools are timed on. */
export interface Subject {
  /** The pcap file. */
  F: string;
  /** ClientHellos in it (tshark's count). */
  hellos: number;
  /** tshark's decode-as arguments for the server ports. */
  DA: string[];
  /** Rounds (--repeat). */
  repeat: number;
}

/** npm run build: tsc, then the esbuild bundle bin/tlspeek runs. */
export function buildCli(): void {
  log('building dist/ (npm run build: tsc, then the esbuild bundle bin/tlspeek runs)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8', timeout: 300000 });
  if (build.status !== 0) throw new BenchError(`npm run build failed:\n${(build.stdout + build.stderr).trim().slice(0, 3000)}`);
}

/** Sanity: ssldump runs and decodes this file (a prefix, output kept). */
export function checkSsldump(dir: string, F: string): void {
  const small = join(dir, 'prefix-small.pcap');
  run('editcap', ['-r', F, small, '1-400'], 60);
  const sslOut = run('ssldump', ['-r', small, '-n'], 60);
  const sslHellos = (sslOut.match(/ClientHello/g) ?? []).length;
  if (sslHellos === 0) throw new BenchError(`ssldump decodes no ClientHello from ${small}:\n${sslOut.slice(0, 1000)}`);
  log(`ssldump works: ${sslHellos} ClientHellos in the first 400 packets`);
  rmSync(small, { force: true });
}

/** Warm the page cache so that the first timed tool does not pay for the disk. */
export async function warmPageCache(F: string): Promise<void> {
  await measure('cat', [F], { cap: 120 });
}

/** A command timed in the rounds: a tool's row, or one of tlspeek's stages. */
export interface Job {
  tool: string;
  cmd: string;
  args: string[];
  cap: number;
  note?: string;
  display?: string;
  stage?: string;
  what?: string;
}

/** One timed run, logged. */
async function timeOnce(tool: string, cmd: string, args: string[], cap: number): Promise<Timing> {
  const t = await measure(cmd, args, { cap, cwd: REPO });
  if (t.timedOut) log(`  ${tool}: killed at the ${cap} s cap`);
  else if (t.status !== 0) log(`  ${tool}: exit status ${t.status}: ${t.stderr.trim().slice(-500)}`);
  log(`  ${tool}: ${fmt(t.wall, 2)} s wall, ${fmt(t.cpu, 2)} s CPU, ${fmt(t.rssMiB)} MiB peak RSS`);
  return t;
}

export const shownAs = (cmd: string, args: string[]) => `${cmd} ${args.map((x) => (/[\s|]/.test(x) ? `'${x}'` : x)).join(' ')}`;

/** A tool timed `runs` times back to back (default: the rounds), its fastest run kept. */
export async function timed(s: Subject, tool: string, cmd: string, args: string[], cap: number, note?: string, display?: string, runs = s.repeat): Promise<Row> {
  const shown = display ?? shownAs(cmd, args);
  log(`timing ${tool}${runs > 1 ? ` (best of ${runs})` : ''}: ${shown.length > 160 ? shown.slice(0, 157) + '...' : shown}`);
  let best: Timing | undefined;
  for (let k = 0; k < runs; k++) {
    const t = await timeOnce(tool, cmd, args, cap);
    if (!best || t.wall < best.wall) best = t;
    if (t.timedOut) break;
  }
  return { tool, command: shown, t: best!, hellos: s.hellos, runs, ...(note ? { note } : {}) };
}

/**
 * The fast tools and tlspeek's stages (when `stagesBundle` is given) in rounds, each round every
 * command once: this host's speed changes by up to 40% from one minute to the next, and the
 * fastest of runs taken minutes apart compared the host's moods more than the tools.
 */
export async function timeRounds(s: Subject, stagesBundle: string | undefined, more: Job[] = []): Promise<{ rows: Row[]; stages: StageRow[] }> {
  const { F, DA, hellos, repeat } = s;
  const rows: Row[] = [];
  const jobs: Job[] = [
    { tool: 'bare Node walk', cmd: 'node', args: ['-e', BARE_WALK_JS, F], cap: 300, note: 'record headers only (the floor)', display: `node -e <BARE_WALK_JS from scripts/bench/walk.ts> ${F}` },
    { tool: 'tlspeek replay --json', cmd: 'node', args: [...TLSPEEK, F], cap: 900, note: 'full JSON per connection' },
    { tool: 'tshark fields', cmd: 'tshark', args: ['-r', F, ...DA, '-Y', 'tls.handshake', '-T', 'fields', ...TSHARK_FIELDS.flatMap((f) => ['-e', f])], cap: 900, note: `${TSHARK_FIELDS.length} handshake fields` },
    { tool: 'ssldump -n', cmd: 'ssldump', args: ['-r', F, '-n'], cap: 900, note: 'text per record: hello fields, no X.509 or SKE decoding' },
    ...more,
    ...(stagesBundle
      ? STAGES.map(([stage, what]) => ({ tool: `stage ${stage}`, cmd: 'node', args: ['--max-semi-space-size=8', '--min-semi-space-size=8', stagesBundle, stage, F], cap: 900, stage, what }))
      : []),
  ];
  const best = new Map<Job, Timing>();
  for (let k = 0; k < repeat; k++) {
    log(`round ${k + 1} of ${repeat}: ${jobs.map((j) => j.tool).join(', ')}`);
    for (const j of jobs) {
      if (best.get(j)?.timedOut) continue;
      const t = await timeOnce(j.tool, j.cmd, j.args, j.cap);
      const b = best.get(j);
      if (!b || t.wall < b.wall) best.set(j, t);
    }
  }
  const stages: StageRow[] = [];
  for (const j of jobs) {
    const t = best.get(j)!;
    if (j.stage) stages.push({ stage: j.stage, what: j.what!, t });
    else rows.push({ tool: j.tool, command: j.display ?? shownAs(j.cmd, j.args), t, hellos, runs: repeat, ...(j.note ? { note: j.note } : {}) });
  }
  return { rows, stages };
}

/**
 * tshark -T json: whole file if it fits in the cap (estimated from a 10 % prefix first), else the
 * prefix, scaled. `keyed`: with `-o tls.keylog_file:KEYS` (the key-logged run), as row `tool`.
 */
export async function timeTsharkJson(s: Subject, dir: string, m: Manifest, jsonCap: number, keyed?: { keys: string; tool: string }): Promise<Row> {
  const { F, DA: plainDA, hellos } = s;
  const DA = keyed ? [...plainDA, '-o', `tls.keylog_file:${keyed.keys}`] : plainDA;
  const tool = keyed?.tool ?? 'tshark -T json';
  const prefixPackets = Math.max(1000, Math.floor(m.packets / 10));
  const prefix = join(dir, 'prefix.pcap');
  run('editcap', ['-r', F, prefix, `1-${prefixPackets}`], 120);
  const prefixHellos = tsharkCounts(prefix, m.configs.map((c) => c.port)).clientHellos;
  const jsonPrefix = await timed(s, `${tool} (prefix)`, 'tshark', ['-r', prefix, ...DA, '-T', 'json'], jsonCap, undefined, undefined, 1);
  const estimate = (jsonPrefix.t.wall * hellos) / prefixHellos;
  let jsonRow: Row;
  if (!jsonPrefix.t.timedOut && estimate < jsonCap * 0.8) {
    log(`${tool}: ~${fmt(estimate, 0)} s expected on the whole file (cap ${jsonCap} s)`);
    jsonRow = await timed(s, tool, 'tshark', ['-r', F, ...DA, '-T', 'json'], jsonCap, 'whole file, one run', undefined, 1);
    if (jsonRow.t.timedOut) jsonRow = undefined as unknown as Row;
  } else {
    log(`${tool}: ~${fmt(estimate, 0)} s expected on the whole file, over the ${jsonCap} s cap: using the prefix`);
    jsonRow = undefined as unknown as Row;
  }
  if (!jsonRow) {
    jsonRow = {
      ...jsonPrefix,
      tool: `${tool} *`,
      hellos: prefixHellos,
      scaled: { prefixHellos, prefixPackets },
      note: `* first ${prefixPackets} packets (${prefixHellos} ClientHellos, editcap -r), CPU/wall scaled`,
    };
  }
  rmSync(prefix, { force: true });
  return jsonRow;
}
