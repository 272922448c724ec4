// The stage table: tlspeek's replay pipeline timed stage by stage (the runner is stages.ts,
// bundled into the scratch folder; its runs are timed in the tools' rounds, see tools.ts), the
// json stage tenth by tenth of the file, and the lines that set the stages against ssldump.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { BenchError, log } from './proc.js';
import { fmt, hsPerSec, sum, type Row } from './figures.js';

/** The stages of scripts/bench/stages.ts: each adds one layer of tlspeek's replay pipeline to the one before. */
export const STAGES: readonly (readonly [string, string])[] = [
  ['start', 'Node start-up, loading the code'],
  ['capture', '+ reading the file through pcap-parser'],
  ['tcp', '+ flow table, TCP reassembly'],
  ['decode', '+ TLS decoding (TlsSession, result)'],
  ['enrich', '+ rules, fingerprints'],
  ['json', '+ JSON Lines to stdout'],
];

export interface StageRow {
  stage: string;
  what: string;
  t: Timing;
}

/** Bundles scripts/bench/stages.ts into the scratch folder with scripts/bundle.mjs, as the CLI is bundled; returns its path. */
export function bundleStages(dir: string): string {
  const out = join(dir, 'stages.mjs');
  const r = spawnSync('node', ['scripts/bundle.mjs', 'scripts/bench/stages.ts', out], { cwd: REPO, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new BenchError(`bundling scripts/bench/stages.ts failed:\n${(r.stdout + r.stderr).trim().slice(0, 3000)}`);
  return out;
}

/** The json stage's time for each tenth of the file's connections, in ms; the first includes start-up. */
export interface Tenths {
  every: number;
  ms: number[];
}

/**
 * Where in the file the time goes: the json stage with a time mark after every tenth of the
 * connections (run `repeat` times, the fastest kept). The first tenth carries Node's start-up,
 * loading the code and JIT warm-up; the other nine show the steady rate per handshake.
 */
export async function timeTenths(bundle: string, F: string, hellos: number, repeat: number): Promise<Tenths | undefined> {
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

/** One line: the tenths, and the rate after the first against ssldump's over the whole file. */
export function tenthsLine(t: Tenths, rows: Row[]): string {
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
export function stageLines(stages: StageRow[]): string[][] {
  return stages.map((r, i) => {
    const prev = stages[i - 1];
    return [r.stage, r.what, fmt(r.t.wall, 2), fmt(r.t.cpu, 2), prev ? `+${fmt(r.t.wall - prev.t.wall, 2)}` : ''];
  });
}

/**
 * What ssldump's run leaves once tlspeek has started and walked the file (both fixed by the
 * design: Node, and pcap-parser for classic pcap), against what the rest of the pipeline takes.
 */
export function stageBudget(stages: StageRow[], rows: Row[]): string | undefined {
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
