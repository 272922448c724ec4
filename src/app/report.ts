// `tlspeek report FILE... -o report.html`: every connection of the captures, with findings and
// fingerprints, into one self-contained HTML file.
import { writeFile } from 'node:fs/promises';
import { replayFile, type ConnectionFilter } from './replay.js';
import type { Connection } from '../tls/model.js';
import { enrich } from './enrich.js';
import { isKeyLogError, loadKeyLogs } from './keys.js';
import type { SecretsLookup } from '../tls/session.js';
import { HtmlReporter } from '../report/reporters/html.js';
import { ReplaySummary } from '../report/summary.js';
import type { Io } from './io.js';
import { fsReason, outputPathProblem } from './output-path.js';

export interface ReportCommandOptions {
  files: string[];
  output: string;
  filter: ConnectionFilter;
  title?: string;
  /** Key-log files: connections they have secrets for are decrypted. */
  keylog?: string[];
}

/**
 * Exit status: 0; 1 when a file could not be read at all (the report of the others is still
 * written; when no file could be read, no report is written) or the report cannot be written.
 */
export async function runReportCommand(opts: ReportCommandOptions, io: Io): Promise<number> {
  // Before reading anything: a missing folder is one line now, not an ENOENT after a long read.
  const problem = outputPathProblem(opts.output);
  if (problem) {
    io.err.write(`tlspeek: ${problem}\n`);
    return 1;
  }
  const html = new HtmlReporter({
    title: opts.title ?? `tlspeek report: ${opts.files.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ')}`,
    save: (doc) => writeFile(opts.output, doc),
  });
  const summary = new ReplaySummary();
  summary.inputs = opts.files.length;
  let secrets: SecretsLookup | undefined;
  if (opts.keylog?.length) {
    try {
      secrets = (await loadKeyLogs(opts.keylog, (m) => io.err.write(`tlspeek: warning: ${m}\n`))).lookup;
    } catch (e) {
      if (!isKeyLogError(e)) throw e;
      io.err.write(`tlspeek: ${e.message}\n`);
      return 1;
    }
  }
  for (const file of opts.files) {
    const fileConns: Connection[] = [];
    const result = await replayFile(file, opts.filter, {
      connection: (c) => fileConns.push(enrich(c)),
      warning: (m) => io.err.write(`tlspeek: warning: ${m}\n`),
    }, secrets ? { secrets } : {});
    // Each file's connections in number order (a connection may end after a later one began).
    for (const c of fileConns.sort((a, b) => a.id - b.id)) {
      summary.add(c);
      html.connection(c);
    }
    if (!result.ok) {
      summary.unreadable++;
      io.err.write(`tlspeek: ${result.error}\n`);
    }
  }
  // Every input unreadable: no report of nothing (and an older report of that name stays as it was).
  const failed = summary.unreadable;
  if (failed === opts.files.length && html.count === 0) {
    io.err.write(`tlspeek: no report written: ${failed === 1 ? 'the input could not be read' : `none of the ${failed} inputs could be read`}\n`);
    return 1;
  }
  try {
    await html.end(summary);
  } catch (e) {
    io.err.write(`tlspeek: cannot write ${opts.output}: ${fsReason(e)}\n`);
    return 1;
  }
  io.err.write(`tlspeek: wrote ${opts.output} (${html.count} connection${html.count === 1 ? '' : 's'})\n`);
  return failed > 0 ? 1 : 0;
}
