// `npm run bench`: records (once) a loopback capture of ≥ 20,000 real TLS handshakes into a
// scratch folder outside the repo, then times on that one file, one tool after the other:
//   tlspeek replay --json · tshark -Y tls.handshake -T fields (a dozen fields) · tshark -T json
//   · ssldump -n · a bare Node walk over the pcap record headers (the floor)
// and prints handshakes/s, CPU seconds, wall seconds and peak RSS for each, with the ratios;
// times tlspeek's pipeline stage by stage (scripts/bench/stages.ts) against ssldump's run;
// checks tlspeek's connection count against tshark's ClientHello count; profiles tlspeek
// (node --cpu-prof, top self-time functions mapped to src/); and replays a ≥ 1 GiB capture
// (the bench capture concatenated with mergecap -a) to check that memory stays bounded.
// See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeAs, ensureCapture, tsharkCounts, type Manifest } from './bench/generate.js';
import { measure, type Timing } from './bench/measure.js';
import { summariseProfile, type ProfileSummary } from './bench/profile.js';
import { BenchError, collect, hasCommand, log, run, stopAll } from './bench/proc.js';
import { BARE_WALK_JS } from './bench/walk.js';
import { renderTable } from '../src/report/table.js';
import { makeStyle } from '../src/report/style.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(REPO, 'bench/README.md');

const TSHARK_FIELDS = [
  'frame.number', 'tcp.stream', 'tls.handshake.type', 'tls.handshake.version', 'tls.handshake.ciphersuite',
  'tls.handshake.extensions_server_name', 'tls.handshake.sig_hash_alg', 'tls.handshake.extensions_supported_group',
  'tls.handshake.certificate_length', 'x509sat.uTF8String', 'tls.alert_message.desc', 'tls.handshake.extension.type',
];

const USAGE = `usage: npm run bench -- [options]
  --dir DIR           scratch folder (default \${TMPDIR:-/tmp}/tlspeek-bench)
  --regen             record the capture again even if a complete one exists
  --connections N     TLS connections to record (default 21000)
  --concurrency N     client connections in flight (default 32)
  --json-cap S        time cap for tshark -T json on the whole file (default 300 s)
  --large-cap S       time budget for the 1 GiB replay (default 240 s)
  --repeat N          rounds: each fast tool and stage runs once per round, its fastest run
                      is kept (default 3; tshark -T json runs once)
  --skip-large        no 1 GiB memory check
  --skip-profile      no CPU profile
  --skip-stages       no stage-by-stage timing of tlspeek's pipeline
  --generate-only     record the capture and stop
  --update-readme     write the results table into bench/README.md
`;

interface Row {
  tool: string;
  command: string;
  t: Timing;
  /** ClientHellos the figures stand for (the whole file, or a prefix). */
  hellos: number;
  note?: string;
  /** Timed runs; the row shows the one with the shortest wall time. */
  runs: number;
  /** Figures measured on a prefix and scaled to the whole file. */
  scaled?: { prefixHellos: number; prefixPackets: number };
}

function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function hsPerSec(r: Row): number {
  return r.hellos / r.t.wall;
}

/** Wall and CPU scaled to the whole file when the row was measured on a prefix. */
function scaledTimes(r: Row, total: number): { wall: number; cpu: number } {
  if (!r.scaled) return { wall: r.t.wall, cpu: r.t.cpu };
  const k = total / r.scaled.prefixHellos;
  return { wall: r.t.wall * k, cpu: r.t.cpu * k };
}

async function main(): Promise<number> {
  const { values: a } = parseArgs({
    options: {
      dir: { type: 'string' },
      regen: { type: 'boolean', default: false },
      connections: { type: 'string', default: '21000' },
      concurrency: { type: 'string', default: '32' },
      'json-cap': { type: 'string', default: '300' },
      'large-cap': { type: 'string', default: '240' },
      repeat: { type: 'string', default: '3' },
      'skip-large': { type: 'boolean', default: false },
      'skip-profile': { type: 'boolean', default: false },
      'skip-stages': { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
      'update-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dir = resolve(a.dir ?? join(process.env.TMPDIR || tmpdir(), 'tlspeek-bench'));
  if (dir === REPO || dir.startsWith(REPO + '/')) throw new BenchError(`the scratch folder must be outside the repo (${dir})`);
  const missing = ['timeout', 'openssl', 'tcpdump', 'tshark', 'capinfos', 'editcap', 'mergecap', 'ssldump', 'ss'].filter((c) => !hasCommand(c));
  if (missing.length) throw new BenchError(`missing tools: ${missing.join(', ')}`);

  // ---- 1. the capture ----
  const m = await ensureCapture({
    dir,
    connections: Number(a.connections),
    concurrency: Number(a.concurrency),
    regen: a.regen!,
    limitSeconds: 170,
    repo: REPO,
  });
  if (a['generate-only']) return 0;
  const F = m.pcap;
  const hellos = m.tshark.clientHellos;
  const DA = decodeAs(m.configs.map((c) => c.port));

  // ---- 2. the compiled CLI ----
  log('building dist/ (npm run build: tsc, then the esbuild bundle bin/tlspeek runs)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8', timeout: 300000 });
  if (build.status !== 0) throw new BenchError(`npm run build failed:\n${(build.stdout + build.stderr).trim().slice(0, 3000)}`);
  const TLSPEEK = ['bin/tlspeek', 'replay', '--json', '--no-progress'];

  // Sanity: ssldump runs and decodes this file (a prefix, output kept).
  const small = join(dir, 'prefix-small.pcap');
  run('editcap', ['-r', F, small, '1-400'], 60);
  const sslOut = run('ssldump', ['-r', small, '-n'], 60);
  const sslHellos = (sslOut.match(/ClientHello/g) ?? []).length;
  if (sslHellos === 0) throw new BenchError(`ssldump decodes no ClientHello from ${small}:\n${sslOut.slice(0, 1000)}`);
  log(`ssldump works: ${sslHellos} ClientHellos in the first 400 packets`);
  rmSync(small, { force: true });

  // Warm the page cache so that the first timed tool does not pay for the disk.
  await measure('cat', [F], { cap: 120 });

  // ---- 3. timed runs ----
  const rows: Row[] = [];
  const repeat = Math.max(1, Number(a.repeat));
  const shownAs = (cmd: string, args: string[]) => `${cmd} ${args.map((x) => (/[\s|]/.test(x) ? `'${x}'` : x)).join(' ')}`;
  const timed = async (tool: string, cmd: string, args: string[], cap: number, note?: string, display?: string, runs = repeat): Promise<Row> => {
    const shown = display ?? shownAs(cmd, args);
    log(`timing ${tool}${runs > 1 ? ` (best of ${runs})` : ''}: ${shown.length > 160 ? shown.slice(0, 157) + '...' : shown}`);
    let best: Timing | undefined;
    for (let k = 0; k < runs; k++) {
      const t = await timeOnce(tool, cmd, args, cap);
      if (!best || t.wall < best.wall) best = t;
      if (t.timedOut) break;
    }
    return { tool, command: shown, t: best!, hellos, runs, ...(note ? { note } : {}) };
  };

  // The fast tools and tlspeek's stages run in rounds, each round every command once: this host's
  // speed changes by up to 40% from one minute to the next, and the fastest of runs taken minutes
  // apart compared the host's moods more than the tools.
  const stagesBundle = a['skip-stages'] ? undefined : bundleStages(dir);
  const jobs: Job[] = [
    { tool: 'bare Node walk', cmd: 'node', args: ['-e', BARE_WALK_JS, F], cap: 300, note: 'record headers only (the floor)', display: `node -e <BARE_WALK_JS from scripts/bench/walk.ts> ${F}` },
    { tool: 'tlspeek replay --json', cmd: 'node', args: [...TLSPEEK, F], cap: 900, note: 'full JSON per connection' },
    { tool: 'tshark fields', cmd: 'tshark', args: ['-r', F, ...DA, '-Y', 'tls.handshake', '-T', 'fields', ...TSHARK_FIELDS.flatMap((f) => ['-e', f])], cap: 900, note: `${TSHARK_FIELDS.length} handshake fields` },
    { tool: 'ssldump -n', cmd: 'ssldump', args: ['-r', F, '-n'], cap: 900, note: 'text per record: hello fields, no X.509 or SKE decoding' },
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
  const tlspeek = rows.find((r) => r.tool.startsWith('tlspeek'))!;
  const tenths = stagesBundle ? await timeTenths(stagesBundle, F, hellos, repeat) : undefined;

  // tshark -T json: whole file if it fits in the cap (estimated from a 10 % prefix first), else the prefix, scaled.
  const jsonCap = Number(a['json-cap']);
  const prefixPackets = Math.max(1000, Math.floor(m.packets / 10));
  const prefix = join(dir, 'prefix.pcap');
  run('editcap', ['-r', F, prefix, `1-${prefixPackets}`], 120);
  const prefixHellos = tsharkCounts(prefix, m.configs.map((c) => c.port)).clientHellos;
  const jsonPrefix = await timed('tshark -T json (prefix)', 'tshark', ['-r', prefix, ...DA, '-T', 'json'], jsonCap, undefined, undefined, 1);
  const estimate = (jsonPrefix.t.wall * hellos) / prefixHellos;
  let jsonRow: Row;
  if (!jsonPrefix.t.timedOut && estimate < jsonCap * 0.8) {
    log(`tshark -T json: ~${fmt(estimate, 0)} s expected on the whole file (cap ${jsonCap} s)`);
    jsonRow = await timed('tshark -T json', 'tshark', ['-r', F, ...DA, '-T', 'json'], jsonCap, 'whole file, one run', undefined, 1);
    if (jsonRow.t.timedOut) jsonRow = undefined as unknown as Row;
  } else {
    log(`tshark -T json: ~${fmt(estimate, 0)} s expected on the whole file, over the ${jsonCap} s cap: using the prefix`);
    jsonRow = undefined as unknown as Row;
  }
  if (!jsonRow) {
    jsonRow = {
      ...jsonPrefix,
      tool: 'tshark -T json *',
      hellos: prefixHellos,
      scaled: { prefixHellos, prefixPackets },
      note: `* first ${prefixPackets} packets (${prefixHellos} ClientHellos, editcap -r), CPU/wall scaled`,
    };
  }
  rows.push(jsonRow);
  rmSync(prefix, { force: true });

  // ---- 4. counts: tlspeek's connections with a ClientHello vs tshark's ClientHellos ----
  log('counting tlspeek output');
  const counts = await countTlspeek(TLSPEEK, F);
  const walkPackets = Number(/"packets":(\d+)/.exec(readWalkOutput(F))?.[1] ?? NaN);
  // ssldump's own ClientHello count: it does decode every handshake, not skim.
  const ssldumpHellos = (run('ssldump', ['-r', F, '-n'], 900).match(/^ {6}ClientHello$/gm) ?? []).length;

  // ---- 5. profile ----
  let profile: ProfileSummary | undefined;
  let profileTiming: Timing | undefined;
  if (!a['skip-profile']) {
    const profDir = join(dir, 'profile');
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
    log('profiling: node --cpu-prof bin/tlspeek replay --json F');
    profileTiming = await measure('node', ['--cpu-prof', '--cpu-prof-dir', profDir, ...TLSPEEK, F], { cap: 900, cwd: REPO });
    const prof = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (prof[0]) profile = summariseProfile(join(profDir, prof[0]), REPO, 15);
    else log(`WARNING: no .cpuprofile written (${profileTiming.stderr.slice(-500)})`);
  }

  // ---- 6. large file: memory stays bounded ----
  let large: Large | undefined;
  if (!a['skip-large']) large = await largeFile(dir, m, tlspeek.t, Number(a['large-cap']), TLSPEEK, counts.lines);

  // ---- report ----
  const text = report(m, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, profileTiming, large);
  process.stdout.write(text);
  writeFileSync(join(dir, 'results.txt'), text);
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ manifest: m, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, large }, null, 2));
  log(`results written to ${join(dir, 'results.txt')} and results.json`);
  if (a['update-readme']) updateReadme(markdown(m, rows, stages, tenths, counts, profile, large));
  return 0;
}

/** The stages of scripts/bench/stages.ts: each adds one layer of tlspeek's replay pipeline to the one before. */
const STAGES: readonly (readonly [string, string])[] = [
  ['start', 'Node start-up, loading the code'],
  ['capture', '+ reading the file through pcap-parser'],
  ['tcp', '+ flow table, TCP reassembly'],
  ['decode', '+ TLS decoding (TlsSession, result)'],
  ['enrich', '+ rules, fingerprints'],
  ['json', '+ JSON Lines to stdout'],
];

interface StageRow {
  stage: string;
  what: string;
  t: Timing;
}

/** Bundles scripts/bench/stages.ts into the scratch folder with scripts/bundle.mjs, as the CLI is bundled; returns its path. */
function bundleStages(dir: string): string {
  const out = join(dir, 'stages.mjs');
  const r = spawnSync('node', ['scripts/bundle.mjs', 'scripts/bench/stages.ts', out], { cwd: REPO, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new BenchError(`bundling scripts/bench/stages.ts failed:\n${(r.stdout + r.stderr).trim().slice(0, 3000)}`);
  return out;
}

/** A command timed in the rounds: a tool's row, or one of tlspeek's stages. */
interface Job {
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

/** The json stage's time for each tenth of the file's connections, in ms; the first includes start-up. */
interface Tenths {
  every: number;
  ms: number[];
}

/**
 * Where in the file the time goes: the json stage with a time mark after every tenth of the
 * connections (run `repeat` times, the fastest kept). The first tenth carries Node's start-up,
 * loading the code and JIT warm-up; the other nine show the steady rate per handshake.
 */
async function timeTenths(bundle: string, F: string, hellos: number, repeat: number): Promise<Tenths | undefined> {
  const every = Math.max(1, Math.ceil(hellos / 10));
  let best: Tenths | undefined;
  for (let k = 0; k < repeat; k++) {
    const t = await measure('node', ['--max-semi-space-size=8', '--min-semi-space-size=8', bundle, 'json', F, String(every)], { cap: 900, cwd: REPO });
    const marks = /^marks: ([\d ]+)$/m.exec(t.stderr)?.[1]?.split(' ').map(Number);
    if (t.status !== 0 || !marks) {
      log(`WARNING: the json stage with time marks failed (exit ${t.status}): ${t.stderr.trim().slice(-500)}`);
      return best;
    }
    const ms = marks.map((m, i) => m - (marks[i - 1] ?? 0)).slice(0, 10);
    log(`  json stage by tenths of the file: ${ms.join(' ')} ms`);
    if (!best || sum(ms) < sum(best.ms)) best = { every, ms };
  }
  return best;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** One line: the tenths, and the rate after the first against ssldump's over the whole file. */
function tenthsLine(t: Tenths, rows: Row[]): string {
  const rest = t.ms.slice(1);
  const steady = (rest.length * t.every) / (sum(rest) / 1000);
  const ssl = rows.find((r) => r.tool.startsWith('ssldump'));
  return (
    `tlspeek's json stage, tenth by tenth of the file (ms for each ${t.every} connections; the first includes Node's start-up, loading the code and JIT warm-up): ` +
    `${t.ms.join(' ')}; after the first tenth ${fmt(steady, 0)} handshakes/s` +
    (ssl ? ` (ssldump -n over the whole file: ${fmt(hsPerSec(ssl), 0)}/s, ${fmt(steady / hsPerSec(ssl), 2)}×)` : '')
  );
}

/** The stage table's rows: wall, CPU and what the stage adds to the one before. */
function stageLines(stages: StageRow[]): string[][] {
  return stages.map((r, i) => {
    const prev = stages[i - 1];
    return [r.stage, r.what, fmt(r.t.wall, 2), fmt(r.t.cpu, 2), prev ? `+${fmt(r.t.wall - prev.t.wall, 2)}` : ''];
  });
}

/**
 * What ssldump's run leaves once tlspeek has started and walked the file (both fixed by the
 * design: Node, and pcap-parser for classic pcap), against what the rest of the pipeline takes.
 */
function stageBudget(stages: StageRow[], rows: Row[]): string | undefined {
  const ssl = rows.find((r) => r.tool.startsWith('ssldump'));
  const capture = stages.find((s) => s.stage === 'capture');
  const json = stages.find((s) => s.stage === 'json');
  const decode = stages.find((s) => s.stage === 'decode');
  if (!ssl || !capture || !json) return undefined;
  const left = ssl.t.wall - capture.t.wall;
  const needed = json.t.wall - capture.t.wall;
  return (
    `ssldump -n takes ${fmt(ssl.t.wall, 2)} s for the whole file; tlspeek's start-up and pcap-parser's walk take ${fmt(capture.t.wall, 2)} s of that, ` +
    `which leaves ${fmt(left, 2)} s for TCP reassembly, TLS decoding, rules, fingerprints and JSON; they take ${fmt(needed, 2)} s` +
    (left > 0 ? ` (${fmt(needed / left, 1)}× that budget)` : '') +
    (decode ? `; the decode stage alone, which writes nothing, takes ${fmt(decode.t.wall, 2)} s (${fmt(decode.t.wall / ssl.t.wall, 2)}× ssldump's whole run)` : '')
  );
}

function readWalkOutput(F: string): string {
  return run('node', ['-e', BARE_WALK_JS, F], 300);
}

/** Splits a piped stdout into lines for `line`; returns the chunk handler. */
function lineSplitter(line: (text: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p) line(p);
  };
}

interface Counts {
  lines: number;
  withClientHello: number;
  incomplete: number;
  withErrors: number;
  resumed: number;
  /** The counting run itself: tlspeek writing into a pipe (JSON.parse on the other end). */
  pipe: Timing;
}

async function countTlspeek(cmd: string[], F: string): Promise<Counts> {
  const res = { lines: 0, withClientHello: 0, incomplete: 0, withErrors: 0, resumed: 0 };
  const onLine = (line: string) => {
    res.lines++;
    const c = JSON.parse(line) as {
      clientHello?: unknown;
      complete?: boolean;
      errors?: unknown[];
      serverHello?: { selectedVersion?: { code?: number }; extensions?: { code?: number }[] };
      messages?: { type?: { code?: number } | null }[];
    };
    if (c.clientHello) res.withClientHello++;
    if (c.complete === false) res.incomplete++;
    if (c.errors && c.errors.length) res.withErrors++;
    // Resumed: TLS 1.3 ServerHello with pre_shared_key (41); TLS 1.2 ServerHello without a Certificate.
    const sh = c.serverHello;
    if (sh) {
      const tls13 = sh.selectedVersion?.code === 0x0304;
      const types = (c.messages ?? []).map((x) => x.type?.code);
      if (tls13 ? (sh.extensions ?? []).some((e) => e.code === 41) : !types.includes(11)) res.resumed++;
    }
  };
  const pipe = await measure('node', [...cmd, F], { cap: 900, cwd: REPO, onStdout: lineSplitter(onLine) });
  if (pipe.status !== 0) log(`WARNING: tlspeek exited with ${pipe.status}: ${pipe.stderr.slice(-1000)}`);
  log(`  into a pipe: ${fmt(pipe.wall, 2)} s wall, ${fmt(pipe.cpu, 2)} s CPU, ${fmt(pipe.rssMiB)} MiB peak RSS`);
  return { ...res, pipe };
}

interface Large {
  copies: number;
  bytes: number;
  hellos: number;
  t: Timing;
  /** ssldump -n on the same file (undefined when it failed or was killed). */
  ssldump?: Timing;
  /** Connections tlspeek reported (a second run, into a pipe), or NaN when skipped. */
  lines: number;
  pipe?: Timing;
  note: string;
}

/**
 * ≥ 1 GiB: the bench capture N times with mergecap -a. Byte-identical copies would be the same
 * connections again (same 4-tuples, same ISNs, same times): tlspeek rightly drops a SYN whose ISN
 * matches a connection that closed moments ago (a late retransmission), so every copy after the
 * first is shifted in time with editcap -t by the capture's duration + 400 s (past tlspeek's
 * 300 s idle/tombstone window). Each copy then reads as new connections that reuse ports.
 */
async function largeFile(dir: string, m: Manifest, bench: Timing, budget: number, cmd: string[], benchLines: number): Promise<Large> {
  const target = 2 ** 30;
  let copies = Math.ceil(target / m.bytes);
  let note = `${copies} copies of the bench capture, each shifted in time (editcap -t), joined with mergecap -a -F pcap`;
  // The budget is for the timed run (the count and the pipe run come on top of it).
  const expected = copies * bench.wall;
  if (expected > budget) {
    const fit = Math.max(2, Math.floor(budget / bench.wall));
    note = `${fit} copies instead of ${copies}: ${copies} would take ~${fmt(expected, 0)} s, over the ${budget} s budget`;
    copies = fit;
  }
  const caps = run('capinfos', ['-M', '-u', m.pcap], 120);
  const duration = Number(/Capture duration:\s*([\d.]+)/.exec(caps)?.[1] ?? 300);
  const shift = Math.ceil(duration) + 400;
  const big = join(dir, 'large.pcap');
  const parts: string[] = [];
  const outputs: string[] = [];
  try {
    for (let k = 1; k < copies; k++) {
      const part = join(dir, `large-part-${k}.pcap`);
      parts.push(part);
      run('editcap', ['-t', String(k * shift), m.pcap, part], 300);
    }
    log(`large file: mergecap -a -F pcap -w ${big} (${copies} × ${fmt(m.bytes / 2 ** 20)} MiB, copies shifted by k × ${shift} s)`);
    run('mergecap', ['-a', '-F', 'pcap', '-w', big, m.pcap, ...parts], 600);
    for (const part of parts) rmSync(part, { force: true });
    const bytes = statSync(big).size;
    log(`  ${fmt(bytes / 2 ** 30, 2)} GiB; timing tlspeek replay --json on it (stdout /dev/null)`);
    const cap = Math.max(360, budget * 2);
    const t = await measure('node', [...cmd, big], { cap, cwd: REPO });
    if (t.timedOut) note += '; killed at the time cap';
    else if (t.status !== 0) note += `; exit status ${t.status}`;
    log(`  ${fmt(t.wall, 1)} s wall, ${fmt(t.cpu, 1)} s CPU, ${fmt(t.rssMiB)} MiB peak RSS`);
    // ssldump on the same file, right after: with start-up spread over 12 times the handshakes,
    // the ratio is the two tools' rates per handshake.
    log('  timing ssldump -n on it');
    const ssldump = await measure('ssldump', ['-r', big, '-n'], { cap, cwd: REPO });
    log(`  ${fmt(ssldump.wall, 1)} s wall, ${fmt(ssldump.cpu, 1)} s CPU, ${fmt(ssldump.rssMiB)} MiB peak RSS`);
    // The count: a second run into a file (written synchronously, like /dev/null), lines counted after.
    log('  counting its connections (stdout into a file)');
    const out = join(dir, 'large.jsonl');
    outputs.push(out);
    const counted = await measure('node', [...cmd, big], { cap, cwd: REPO, stdout: out });
    let lines = 0;
    for await (const chunk of createReadStream(out, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
    const outBytes = statSync(out).size;
    rmSync(out, { force: true });
    log(`  ${lines} JSON lines, ${fmt(outBytes / 2 ** 30, 2)} GiB (expected ${copies} × ${benchLines} = ${copies * benchLines}); ${fmt(counted.wall, 1)} s wall, ${fmt(counted.rssMiB)} MiB peak RSS`);
    // And into a pipe, read as fast as it comes: the case `tlspeek replay --json big.pcap | jq …`.
    log('  once more into a pipe (a reader that only counts bytes)');
    let pipeBytes = 0;
    const pipe = await measure('node', [...cmd, big], { cap, cwd: REPO, onStdout: (chunk) => void (pipeBytes += chunk.length) });
    const crash = /Error: [^\n]*/.exec(pipe.stderr)?.[0];
    if (pipe.status !== 0) note += `; into a pipe: exit status ${pipe.status}${crash ? ` (${crash})` : ''} after ${fmt(pipeBytes / 2 ** 30, 2)} of ${fmt(outBytes / 2 ** 30, 2)} GiB of output`;
    log(`  into a pipe: ${fmt(pipe.wall, 1)} s wall, ${fmt(pipe.rssMiB)} MiB peak RSS, exit ${pipe.status}${crash ? ` ${crash}` : ''}, ${fmt(pipeBytes / 2 ** 30, 2)} GiB read`);
    return { copies, bytes, hellos: copies * m.tshark.clientHellos, t, ssldump: ssldump.status === 0 ? ssldump : undefined, lines, pipe, note };
  } finally {
    for (const f of [...parts, ...outputs]) rmSync(f, { force: true });
    rmSync(big, { force: true });
  }
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
  const t = get('tlspeek');
  if (!t) return [];
  const out: string[][] = [];
  for (const [label, other] of [
    ['tlspeek / tshark fields', get('tshark fields')],
    ['tlspeek / tshark -T json', get('tshark -T json')],
    ['tlspeek / ssldump -n', get('ssldump')],
    ['tlspeek / bare walk', get('bare')],
  ] as const) {
    if (!other) continue;
    const speed = hsPerSec(t) / hsPerSec(other);
    const cpu = scaledTimes(other, total).cpu / t.t.cpu;
    out.push([label, `${fmt(speed, 2)}×`, `${fmt(cpu, 2)}×`, fmt(t.t.rssMiB / other.t.rssMiB, 2) + '×']);
  }
  return out;
}

function report(
  m: Manifest,
  rows: Row[],
  stages: StageRow[],
  tenths: Tenths | undefined,
  counts: Counts,
  walkPackets: number,
  ssldumpHellos: number,
  profile: ProfileSummary | undefined,
  profileTiming: Timing | undefined,
  large: Large | undefined,
): string {
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
  const t = rows.find((r) => r.tool.startsWith('tlspeek'));
  const ssl = rows.find((r) => r.tool.startsWith('ssldump'));
  if (t && ssl) {
    L.push(`target "at least as fast as ssldump -n": ${hsPerSec(t) >= hsPerSec(ssl) ? 'met' : 'NOT met'} (${fmt(hsPerSec(t), 0)} vs ${fmt(hsPerSec(ssl), 0)} handshakes/s)`);
    const rssOk = (x: number) => (x < 200 ? 'met' : 'NOT met');
    L.push(`target "peak RSS under 200 MiB", stdout /dev/null: ${rssOk(Math.max(t.t.rssMiB, large?.t.rssMiB ?? 0))} (${fmt(t.t.rssMiB)} MiB here${large ? `, ${fmt(large.t.rssMiB)} MiB on ${fmt(large.bytes / 2 ** 30, 2)} GiB` : ''})`);
    L.push(`target "peak RSS under 200 MiB", stdout a pipe: ${rssOk(Math.max(counts.pipe.rssMiB, large?.pipe?.rssMiB ?? 0))} (${fmt(counts.pipe.rssMiB)} MiB here${large?.pipe ? `, ${fmt(large.pipe.rssMiB)} MiB on ${fmt(large.bytes / 2 ** 30, 2)} GiB` : ''})`);
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

function markdown(
  m: Manifest,
  rows: Row[],
  stages: StageRow[],
  tenths: Tenths | undefined,
  counts: Counts,
  profile: ProfileSummary | undefined,
  large: Large | undefined,
): string {
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

function updateReadme(md: string): void {
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

let status = 1;
const onSignal = (sig: NodeJS.Signals) => {
  log(`${sig}: stopping`);
  void stopAll().then(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  status = await main();
} catch (e) {
  log(e instanceof BenchError ? `error: ${e.message}` : `error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  status = 1;
} finally {
  await stopAll();
}
process.exitCode = status;
