// The output formats a command can choose on the command line, by name. A new format is a class
// implementing Reporter (../reporter.ts) in this folder, and an entry here when it is written to
// stdout as the run goes (text, JSON Lines); a document made at the end (HTML) is made by the
// command that writes the file (app/report.ts, app/proxy.ts --html).
import type { Reporter } from '../reporter.js';
import { JsonLinesReporter } from './json.js';
import { TextReporter, type TextReporterOptions } from './text.js';

export const STREAM_FORMATS = {
  text: (o: TextReporterOptions): Reporter => new TextReporter(o),
  json: (o: TextReporterOptions): Reporter => new JsonLinesReporter(o),
} as const;

export type StreamFormat = keyof typeof STREAM_FORMATS;

/** The reporter for `--json` (JSON Lines) or its absence (text), chosen once per run. */
export function streamReporter(format: StreamFormat, o: TextReporterOptions): Reporter {
  return STREAM_FORMATS[format](o);
}
