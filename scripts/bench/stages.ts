// Where `tlspeek replay --json` spends its time, stage by stage: each stage is the previous one
// plus one layer of the real pipeline, run as its own process on the bench capture, so the
// difference between two rows is what that layer costs (start-up and the collector included).
//
//   start    load the bundle and exit: Node's start-up plus ours
//   capture  + readCapture with a sink that does nothing: the pcap-parser walk over the file
//   tcp      + the flow table and TCP reassembly, with handlers that drop the stream bytes
//   decode   + a TlsSession per connection and its result() (replayFile, as the CLI runs it)
//   enrich   + rules and fingerprints
//   json     + the JSON Lines encoder, written to stdout: `replay --json` without yargs
//
// `stages.mjs json FILE EVERY` also writes `marks: T1 T2 …` to stderr: the milliseconds since the
// process started at which each further EVERY connections had been written, then at the end. The
// first tenth of a file pays for start-up and JIT warm-up; the rest shows the steady rate.
//
// The bench bundles this file with scripts/bundle.mjs (as the CLI is bundled) and runs
// `node --max-semi-space-size=8 --min-semi-space-size=8 stages.mjs STAGE FILE`, the flags
// bin/tlspeek runs with.
import { writeSync } from 'node:fs';
import { readCapture } from '../../src/capture/reader.js';
import { FlowTable } from '../../src/capture/flows.js';
import { replayFile } from '../../src/app/replay.js';
import { enrich } from '../../src/app/enrich.js';
import { JsonLineEncoder } from '../../src/report/json.js';
import { HeldLines } from '../../src/report/held-lines.js';
import type { Connection } from '../../src/tls/model.js';

const NOTHING = (): void => {};

const STAGES = ['start', 'capture', 'tcp', 'decode', 'enrich', 'json'] as const;
type Stage = (typeof STAGES)[number];

/**
 * All of the chunk to stdout, synchronously as the CLI's /dev/null and file output is. A pipe is
 * non-blocking in Node: writeSync may take part of a chunk, or none (EAGAIN) while the reader lags.
 */
function writeAll(chunk: Uint8Array): void {
  for (let off = 0; off < chunk.length; ) {
    try {
      off += writeSync(1, chunk, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function run(stage: Stage, file: string): Promise<number> {
  if (stage === 'start') return 0;
  if (stage === 'capture') {
    const s = await readCapture(file, { packet: () => {}, warning: () => {} });
    return s.packets;
  }
  if (stage === 'tcp') {
    let opened = 0;
    const flows = new FlowTable({
      open: () => {
        opened++;
        return { data: () => {}, gap: () => {}, close: () => {} };
      },
    });
    await readCapture(file, { packet: (p) => flows.packet(p), warning: () => {} });
    flows.end();
    return opened;
  }
  // As the CLI does: a connection in its turn is handled at once; one that waits for an earlier
  // one still open is handled now too and only its output waits (replay's `hold`), so no decoded
  // connection outlives its turn here either (without `hold` each waiting one stayed alive whole,
  // and the stage figures were not those of the CLI).
  let now: (c: Connection) => void = () => {};
  let hold: (c: Connection) => () => void = () => NOTHING;
  let done = () => {};
  if (stage === 'enrich') {
    now = (c) => void enrich(c);
    hold = (c) => (enrich(c), NOTHING);
  }
  if (stage === 'json') {
    // JsonLinesReporter's path: lines in their turn into the batch encoder, waiting ones into HeldLines.
    const enc: JsonLineEncoder = new JsonLineEncoder((chunk) => {
      writeAll(chunk);
      enc.recycle(chunk);
    });
    const held = new HeldLines();
    const raw = (b: Buffer): void => enc.raw(b);
    now = (c) => enc.line(enrich(c));
    hold = (c) => {
      const line = held.hold(enrich(c));
      return () => held.release(line, raw);
    };
    done = () => enc.flush();
  }
  let n = 0;
  const written = (): void => {
    if (++n % every === 0) marks.push(Math.round(performance.now()));
  };
  await replayFile(file, {}, {
    connection: (c) => {
      now(c);
      written();
    },
    hold: (c) => {
      const later = hold(c);
      return () => {
        later();
        written();
      };
    },
    warning: () => {},
  });
  done();
  return n;
}

const [stage, file, everyArg] = process.argv.slice(2);
const every = everyArg === undefined ? Infinity : Number(everyArg);
const marks: number[] = [];
if (!STAGES.includes(stage as Stage) || (stage !== 'start' && !file) || !(every >= 1)) {
  process.stderr.write(`usage: node stages.mjs ${STAGES.join('|')} FILE [EVERY]\n`);
  process.exit(2);
}
const count = await run(stage as Stage, file ?? '');
if (everyArg !== undefined) process.stderr.write(`marks: ${[...marks, Math.round(performance.now())].join(' ')}\n`);
process.stderr.write(`${stage}: ${count}\n`);
