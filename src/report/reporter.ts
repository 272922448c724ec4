// The one interface every output format implements, and replay, report and proxy write through:
// a connection at a time, then the end of the run. The use case (app/) judges each connection
// once (findings, fingerprints), counts it into the Summary, and hands it on; it never asks
// which format it writes. Formats: reporters/text.ts, reporters/json.ts (JSON Lines),
// reporters/html.ts; reporters/index.ts chooses one from the command line's choice.
import type { Connection } from '../tls/model.js';
import type { TraceCollector } from '../tls/trace.js';
import type { Summary } from './summary.js';

export interface Reporter {
  /** A connection, judged, in the order it is to be shown; `trace` when `--trace` collected one. */
  connection(c: Connection, trace?: TraceCollector): void;
  /**
   * Optional (replay of a file, where a finished connection may wait for an earlier one): the
   * costly part of connection(c) now, returning what writes it when its turn comes. What then
   * waits is its output, not the decoded connection (see app/replay.ts, ReplayCallbacks.hold).
   */
  hold?(c: Connection, trace?: TraceCollector): () => void;
  /** Writes out what is buffered; a promise while the output is full (read no further until it resolves). */
  flush(): Promise<void> | undefined;
  /** The run is over: the closing line or summary table, or the whole document. */
  end(summary: Summary): Promise<void>;
}

/** A stream a reporter writes to (stdout, stderr, or a test's collector). */
export type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; writableNeedDrain?: boolean };
