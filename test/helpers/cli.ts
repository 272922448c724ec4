// Runs the tlspeek CLI in-process with captured output, as the user would see it.
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** A stream that keeps what was written to it. */
export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runCli(...args: string[]): Promise<CliRun> {
  const out = new Sink();
  const err = new Sink();
  const code = await main(args, { out, err });
  return { code, out: out.text, err: err.text };
}
