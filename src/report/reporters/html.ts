// One self-contained HTML document of every connection (report/html.ts), made at the end of the
// run and handed to `save` (the use case writes the file).
import type { Connection } from '../../tls/model.js';
import { renderHtml } from '../html.js';
import type { Reporter } from '../reporter.js';
import type { Summary } from '../summary.js';

export interface HtmlReporterOptions {
  title: string;
  /** Where the document goes; a rejection is the caller's to report. */
  save(html: string): Promise<void>;
  /** Most connections kept (a report of more would not be readable anyway); the rest are counted in `dropped`. */
  max?: number;
  /** Put the connections in number order at the end (the proxy's close in any order). */
  sortById?: boolean;
}

export class HtmlReporter implements Reporter {
  private readonly kept: Connection[] = [];
  /** Connections past `max`, not in the document. */
  dropped = 0;

  constructor(private readonly o: HtmlReporterOptions) {}

  /** Connections in the document. */
  get count(): number {
    return this.kept.length;
  }

  connection(c: Connection): void {
    if (this.o.max === undefined || this.kept.length < this.o.max) this.kept.push(c);
    else this.dropped++;
  }

  flush(): undefined {
    return undefined;
  }

  async end(_summary: Summary): Promise<void> {
    if (this.o.sortById) this.kept.sort((a, b) => a.id - b.id);
    await this.o.save(renderHtml(this.kept, { title: this.o.title, generated: new Date().toISOString() }));
  }
}
