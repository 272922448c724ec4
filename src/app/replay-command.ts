// The replay use case as the CLI runs it: files in, text or JSON Lines out, an exit status.
import { replayFile, type ConnectionFilter } from './replay.js';
import type { Connection } from '../tls/model.js';
import { renderConnection } from '../report/text.js';
import { toJsonLine } from '../report/json.js';
import { makeProgress } from '../report/progress.js';
import type { ColorChoice } from '../report/style.js';
import { styleFor, type Io } from '../cli/io.js';

export interface ReplayCommandOptions {
  files: string[];
  json: boolean;
  filter: ConnectionFilter;
  color: ColorChoice;
  verbose: boolean;
  progress: boolean;
}

/** Exit status: 0, or 1 when some file could not be read at all. */
export async function runReplayCommand(opts: ReplayCommandOptions, io: Io): Promise<number> {
  const style = styleFor(io, opts.color);
  const progress = makeProgress(io.err as NodeJS.WriteStream, opts.progress && !opts.json);
  let failed = 0;
  const totals = { connections: 0, tls: 0, complete: 0, failed: 0, notTls: 0 };
  const emit = (c: Connection): void => {
    totals.connections++;
    if (!c.tls) totals.notTls++;
    else if (c.complete) totals.complete++;
    else if (c.alerts.some((a) => a.level?.code === 2)) totals.failed++;
    if (c.tls) totals.tls++;
    if (opts.json) {
      io.out.write(toJsonLine(c));
    } else {
      progress.finish();
      io.out.write(`${renderConnection(c, { style, verbose: opts.verbose })}\n\n`);
    }
  };
  for (const file of opts.files) {
    const result = await replayFile(file, opts.filter, {
      connection: emit,
      warning: (m) => {
        progress.finish();
        io.err.write(`tlspeek: warning: ${m}\n`);
      },
      progress: (f, done, total) => progress.update(f, done, total),
    });
    progress.finish();
    if (!result.ok) {
      failed++;
      io.err.write(`tlspeek: ${result.error}\n`);
    }
  }
  if (!opts.json && failed < opts.files.length) {
    const t = totals;
    io.out.write(
      style.dim(`${t.connections} connection${t.connections === 1 ? '' : 's'}: ${t.tls} TLS (${t.complete} complete, ${t.failed} failed), ${t.notTls} not TLS`) + '\n',
    );
  }
  return failed > 0 ? 1 : 0;
}
