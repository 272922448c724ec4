// `tlspeek diff`: read each input (a capture or saved JSON Lines), pick the connection its
// selector names, run the rules on it, compare, and print tables or JSON. Exit status as diff(1):
// 0 equal, 1 different, 2 trouble (unreadable input, a selector matching nothing).
import { existsSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { replayFile } from './replay.js';
import type { Connection, Finding } from '../tls/model.js';
import { applyRules } from '../rules/index.js';
import { judgedAt } from './enrich.js';
import type { ColorChoice } from '../report/style.js';
import { styleFor, type Io } from './io.js';
import { write } from '../util/streams.js';
import { InputError, looksLikeJsonLines, makeLabels, parseInput, parseJsonLines, selectConnection, type InputSpec } from '../diff/input.js';
import { allEqual, buildSections } from '../diff/sections.js';
import { diffToJson, type DiffInput } from '../diff/json.js';
import { renderDiff } from '../report/diff.js';
import { outputWidth } from '../report/wrap.js';
import { isKeyLogError, loadKeyLogs } from './keys.js';
import type { SecretsLookup } from '../tls/session.js';

export interface DiffOptions {
  /** FILE, FILE#N or FILE#sni=NAME, two or more. */
  inputs: string[];
  /** Column labels for the first inputs (the rest get the file's name). */
  labels: string[];
  all: boolean;
  json: boolean;
  color: ColorChoice;
  /** Columns to fit; default: COLUMNS, else the terminal's width, else 80. */
  width?: number;
  /** Key-log files: capture inputs are decrypted where they have secrets. */
  keylog?: string[];
}

async function isJsonLines(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return looksLikeJsonLines(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The connections of one input file that its selector could pick, in file order. */
async function loadConnections(spec: InputSpec, warn: (m: string) => void, secrets: SecretsLookup | undefined): Promise<Connection[]> {
  if (!existsSync(spec.file)) throw new InputError(`${spec.raw}: no such file`);
  if (!statSync(spec.file).isFile()) throw new InputError(`${spec.raw}: not a file`);
  try {
    if (await isJsonLines(spec.file)) return parseJsonLines(await readFile(spec.file, 'utf8'), spec.file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // EACCES and friends: still trouble with one input, not a crash.
    throw new InputError(`${spec.raw}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Every connection is kept (not just the one asked for), so that "no connection #5" can say which there are.
  const conns: Connection[] = [];
  const result = await replayFile(spec.file, {}, { connection: (c) => conns.push(c), warning: warn }, secrets ? { secrets } : {});
  // A capture that broke off still counts if the connection asked for was read before the break.
  if (!result.ok && conns.length === 0) throw new InputError(result.error ?? `${spec.file}: unreadable`);
  if (!result.ok) warn(result.error ?? `${spec.file}: read error`);
  // replay reports connections as they end; the selectors count in the order they began.
  return conns.sort((a, b) => a.id - b.id);
}

/** Columns to fit: the one rule of every text output (report/wrap.ts), with diff's own fallback of 80 when piped. */
function terminalWidth(io: Io, given: number | undefined): number {
  return given ?? outputWidth(io.out, 80);
}

export async function runDiff(opts: DiffOptions, io: Io): Promise<number> {
  const inputs: DiffInput[] = [];
  try {
    const specs = opts.inputs.map((raw) => parseInput(raw, (p) => existsSync(p)));
    const labels = makeLabels(specs, opts.labels);
    // One file named twice (two connections of one capture) is read once.
    const cache = new Map<string, Promise<Connection[]>>();
    const warn = (m: string): void => void io.err.write(`tlspeek: warning: ${m}\n`);
    let secrets: SecretsLookup | undefined;
    if (opts.keylog?.length) {
      try {
        secrets = (await loadKeyLogs(opts.keylog, warn)).lookup;
      } catch (e) {
        if (isKeyLogError(e)) throw new InputError(e.message);
        throw e;
      }
    }
    for (const [i, spec] of specs.entries()) {
      let conns = cache.get(spec.file);
      if (!conns) {
        conns = loadConnections(spec, warn, secrets);
        cache.set(spec.file, conns);
      }
      inputs.push({ label: labels[i]!, input: spec.raw, connection: selectConnection(await conns, spec) });
    }
  } catch (e) {
    if (e instanceof InputError) {
      await write(io.err, `tlspeek diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // Findings are computed afresh (a saved --json line may predate a rule), as of the handshake's own time.
  const findings = inputs.map((i): Finding[] => applyRules(i.connection, judgedAt(i.connection)));
  const sections = buildSections(
    inputs.map((i) => i.connection),
    findings,
  );
  if (opts.json) {
    await write(io.out, `${JSON.stringify(diffToJson(inputs, sections, opts.all), null, 2)}\n`);
  } else {
    const style = styleFor(io, opts.color);
    await write(io.out, renderDiff(inputs, sections, { style, width: terminalWidth(io, opts.width), all: opts.all }));
  }
  return allEqual(sections) ? 0 : 1;
}
