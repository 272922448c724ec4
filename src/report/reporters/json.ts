// JSON Lines: one object per connection (schema/connection.schema.json), nothing else on stdout:
// no closing line, no summary (scripts count for themselves).
import type { Connection } from '../../tls/model.js';
import { drained } from '../../util/streams.js';
import { Batch } from '../batch.js';
import { HeldLines } from '../held-lines.js';
import type { Output, Reporter } from '../reporter.js';
import type { Summary } from '../summary.js';

export class JsonLinesReporter implements Reporter {
  private readonly batch: Batch;
  private readonly held = new HeldLines();
  private readonly writeBytes = (b: Buffer): void => this.batch.bytes(b);

  constructor(private readonly o: { out: Output }) {
    this.batch = new Batch(o.out);
  }

  connection(c: Connection): void {
    this.batch.json(c);
  }

  /** Encoded now; only its bytes wait (HeldLines says why). */
  hold(c: Connection): () => void {
    const line = this.held.hold(c);
    return () => this.held.release(line, this.writeBytes);
  }

  flush(): Promise<void> | undefined {
    this.batch.flush();
    return drained(this.o.out);
  }

  async end(_summary: Summary): Promise<void> {
    this.batch.flush();
  }
}
