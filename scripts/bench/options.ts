// The bench's options (`npm run bench -- --help`), the scratch folder they name, and the tools
// the bench cannot run without.
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, hasCommand } from './proc.js';

/** The repository: commands run from here, and the scratch folder must be outside it. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const USAGE = `usage: npm run bench -- [options]
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
  --skip-keylog       no key-logged run (tlspeek --keylog against tshark with the key log)
  --generate-only     record the capture and stop
  --update-readme     write the results table into bench/README.md
`;

export interface BenchOptions {
  help: boolean;
  /** --dir as given (scratchDir resolves it). */
  dir?: string;
  regen: boolean;
  connections: number;
  concurrency: number;
  jsonCap: number;
  largeCap: number;
  /** Rounds, at least 1. */
  repeat: number;
  skipLarge: boolean;
  skipProfile: boolean;
  skipStages: boolean;
  skipKeylog: boolean;
  generateOnly: boolean;
  updateReadme: boolean;
}

/** The command line (process.argv); an unknown option throws. */
export function parseOptions(): BenchOptions {
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
      'skip-keylog': { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
      'update-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    help: a.help!,
    dir: a.dir,
    regen: a.regen!,
    connections: Number(a.connections),
    concurrency: Number(a.concurrency),
    jsonCap: Number(a['json-cap']),
    largeCap: Number(a['large-cap']),
    repeat: Math.max(1, Number(a.repeat)),
    skipLarge: a['skip-large']!,
    skipProfile: a['skip-profile']!,
    skipStages: a['skip-stages']!,
    skipKeylog: a['skip-keylog']!,
    generateOnly: a['generate-only']!,
    updateReadme: a['update-readme']!,
  };
}

/** The scratch folder: --dir, else ${TMPDIR:-/tmp}/tlspeek-bench; never inside the repo. */
export function scratchDir(dir: string | undefined): string {
  const d = resolve(dir ?? join(process.env.TMPDIR || tmpdir(), 'tlspeek-bench'));
  if (d === REPO || d.startsWith(REPO + '/')) throw new BenchError(`the scratch folder must be outside the repo (${d})`);
  return d;
}

/** Throws when a command the bench runs is not installed. */
export function checkTools(): void {
  const missing = ['timeout', 'openssl', 'tcpdump', 'tshark', 'capinfos', 'editcap', 'mergecap', 'ssldump', 'ss'].filter((c) => !hasCommand(c));
  if (missing.length) throw new BenchError(`missing tools: ${missing.join(', ')}`);
}
