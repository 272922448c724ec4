// `tlspeek report FILE... -o report.html`: every connection of the captures, with findings and
// fingerprints, into one self-contained HTML file.
import { writeFile } from 'node:fs/promises';
import { replayFile, type ConnectionFilter } from './replay.js';
import type { Connection } from '../tls/model.js';
import { enrich } from './enrich.js';
import { renderHtml } from '../report/html.js';
import type { Io } from '../cli/io.js';
import { fsReason, outputPathProblem } from './output-path.js';

export interface ReportCommandOptions {
  files: string[];
  output: string;
  filter: ConnectionFilter;
  title?: string;
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
  const conns: Connection[] = [];
  let failed = 0;
  for (const file of opts.files) {
    const fileConns: Connection[] = [];
    const result = await replayFile(file, opts.filter, {
      connection: (c) => fileConns.push(enrich(c)),
      warning: (m) => io.err.write(`tlspeek: warning: ${m}\n`),
    });
    conns.push(...fileConns.sort((a, b) => a.id - b.id));
    if (!result.ok) {
      failed++;
      io.err.write(`tlspeek: ${result.error}\n`);
    }
  }
  // Every input unreadable: no report of nothing (and an older report of that name stays as it was).
  if (failed === opts.files.length && conns.length === 0) {
    io.err.write(`tlspeek: no report written: ${failed === 1 ? 'the input could not be read' : `none of the ${failed} inputs could be read`}\n`);
    return 1;
  }
  const html = renderHtml(conns, { title: opts.title ?? `tlspeek report: ${opts.files.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ')}`, generated: new Date().toISOString() });
  try {
    await writeFile(opts.output, html);
  } catch (e) {
    io.err.write(`tlspeek: cannot write ${opts.output}: ${fsReason(e)}\n`);
    return 1;
  }
  io.err.write(`tlspeek: wrote ${opts.output} (${conns.length} connection${conns.length === 1 ? '' : 's'})\n`);
  return failed > 0 ? 1 : 0;
}
