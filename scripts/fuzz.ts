// Long fuzz runs: npm run fuzz -- --iterations N [--target NAME[,NAME]] [--seed S] [--path P]
// Prints per-target case counts and time, and for a failure the seed and fast-check path that
// replay it (the counterexample is already shrunk). Exit status 1 when any target failed.
// Why fast-check and not @jazzer.js/core: see test/fuzz/mutate.ts (jazzer's native module
// needs glibc 2.38; this image and CI have 2.36).
import { parseArgs } from 'node:util';
import { TARGETS, runTarget, type RunResult } from '../test/fuzz/targets.js';

const USAGE = `usage: npm run fuzz -- --iterations N [--target ${TARGETS.map((t) => t.name).join('|')}] [--seed S] [--path P] [--slice N] [--list]`;

function options() {
  try {
    return parseArgs({
      options: {
        iterations: { type: 'string', default: '10000' },
        target: { type: 'string' },
        seed: { type: 'string' },
        path: { type: 'string' },
        /** Run a target in slices of this many cases (progress lines, and each slice gets seed+i). */
        slice: { type: 'string', default: '0' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = options();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.list) {
  for (const t of TARGETS) console.log(`${t.name.padEnd(12)} ${t.what}`);
  process.exit(0);
}

const iterations = Number(values.iterations);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const wanted = values.target?.split(',');
const targets = wanted ? TARGETS.filter((t) => wanted.includes(t.name)) : TARGETS;
if (!Number.isInteger(iterations) || iterations < 1 || targets.length === 0 || (wanted && targets.length !== wanted.length)) {
  console.error(USAGE);
  process.exit(2);
}
const slice = Number(values.slice) || iterations;

console.log(`fuzz: ${targets.length} target(s), ${iterations} case(s) each, seed ${seed}`);
let failed = false;
const results: RunResult[] = [];
for (const t of targets) {
  let runs = 0;
  let skipped = 0;
  let ms = 0;
  let failure: RunResult | undefined;
  for (let part = 0; runs < iterations && !failure; part++) {
    const n = Math.min(slice, iterations - runs);
    const s = (seed + part) % 2 ** 31;
    const r = await runTarget(t, { iterations: n, seed: s, ...(values.path ? { path: values.path } : {}) });
    runs += r.runs;
    skipped += r.skipped ?? 0;
    ms += r.ms;
    if (r.failed) failure = r;
    if (slice < iterations) console.log(`  ${t.name}: ${runs}/${iterations} (${(ms / 1000).toFixed(0)} s)`);
  }
  const rate = ms > 0 ? Math.round((runs / ms) * 1000) : 0;
  console.log(`${failure ? 'FAIL' : 'ok  '} ${t.name.padEnd(12)} ${String(runs).padStart(9)} cases  ${(ms / 1000).toFixed(1).padStart(7)} s  (${rate}/s)${skipped ? `, ${skipped} set aside by a precondition` : ''}`);
  if (failure) {
    failed = true;
    console.log(`     reproduce: npm run fuzz -- --target ${t.name} --iterations 1 --seed ${failure.seed} --path '${failure.path}'`);
    console.log(`     counterexample: ${failure.counterexample}`);
    console.log(`     ${failure.error?.split('\n').join('\n     ')}`);
  }
  results.push(failure ?? { target: t.name, runs, ms, failed: false, seed });
}
process.exitCode = failed ? 1 : 0;
