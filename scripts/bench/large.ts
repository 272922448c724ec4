// The large-file runs: a capture of at least 1 GiB (the bench capture several times over,
// shifted in time) replayed by tlspeek into /dev/null, a file and a pipe, and by ssldump, to
// check that memory stays bounded and to compare the rates once start-up is spread thin.
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './generate.js';
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { log, run } from './proc.js';
import { fmt } from './figures.js';

export interface Large {
  copies: number;
  bytes: number;
  hellos: number;
  t: Timing;
  /** ssldump -n on the same file (undefined when it failed or was killed). */
  ssldump?: Timing;
  /** Connections tlspeek reported (a second run, into a pipe), or NaN when skipped. */
  lines: number;
  pipe?: Timing;
  note: string;
}

/**
 * ≥ 1 GiB: the bench capture N times with mergecap -a. Byte-identical copies would be the same
 * connections again (same 4-tuples, same ISNs, same times): tlspeek rightly drops a SYN whose ISN
 * matches a connection that closed moments ago (a late retransmission), so every copy after the
 * first is shifted in time with editcap -t by the capture's duration + 400 s (past tlspeek's
 * 300 s idle/tombstone window). Each copy then reads as new connections that reuse ports.
 */
export async function largeFile(dir: string, m: Manifest, bench: Timing, budget: number, cmd: string[], benchLines: number): Promise<Large> {
  const target = 2 ** 30;
  let copies = Math.ceil(target / m.bytes);
  let note = `${copies} copies of the bench capture, each shifted in time (editcap -t), joined with mergecap -a -F pcap`;
  // The budget is for the timed run (the count and the pipe run come on top of it).
  const expected = copies * bench.wall;
  if (expected > budget) {
    const fit = Math.max(2, Math.floor(budget / bench.wall));
    note = `${fit} copies instead of ${copies}: ${copies} would take ~${fmt(expected, 0)} s, over the ${budget} s budget`;
    copies = fit;
  }
  const caps = run('capinfos', ['-M', '-u', m.pcap], 120);
  const duration = Number(/Capture duration:\s*([\d.]+)/.exec(caps)?.[1] ?? 300);
  const shift = Math.ceil(duration) + 400;
  const big = join(dir, 'large.pcap');
  const parts: string[] = [];
  const outputs: string[] = [];
  try {
    for (let k = 1; k < copies; k++) {
      const part = join(dir, `large-part-${k}.pcap`);
      parts.push(part);
      run('editcap', ['-t', String(k * shift), m.pcap, part], 300);
    }
    log(`large file: mergecap -a -F pcap -w ${big} (${copies} × ${fmt(m.bytes / 2 ** 20)} MiB, copies shifted by k × ${shift} s)`);
    run('mergecap', ['-a', '-F', 'pcap', '-w', big, m.pcap, ...parts], 600);
    for (const part of parts) rmSync(part, { force: true });
    const bytes = statSync(big).size;
    log(`  ${fmt(bytes / 2 ** 30, 2)} GiB; timing tlspeek replay --json on it (stdout /dev/null)`);
    const cap = Math.max(360, budget * 2);
    const t = await measure('node', [...cmd, big], { cap, cwd: REPO });
    if (t.timedOut) note += '; killed at the time cap';
    else if (t.status !== 0) note += `; exit status ${t.status}`;
    log(`  ${fmt(t.wall, 1)} s wall, ${fmt(t.cpu, 1)} s CPU, ${fmt(t.rssMiB)} MiB peak RSS`);
    // ssldump on the same file, right after: with start-up spread over 12 times the handshakes,
    // the ratio is the two tools' rates per handshake.
    log('  timing ssldump -n on it');
    const ssldump = await measure('ssldump', ['-r', big, '-n'], { cap, cwd: REPO });
    log(`  ${fmt(ssldump.wall, 1)} s wall, ${fmt(ssldump.cpu, 1)} s CPU, ${fmt(ssldump.rssMiB)} MiB peak RSS`);
    // The count: a second run into a file (written synchronously, like /dev/null), lines counted after.
    log('  counting its connections (stdout into a file)');
    const out = join(dir, 'large.jsonl');
    outputs.push(out);
    const counted = await measure('node', [...cmd, big], { cap, cwd: REPO, stdout: out });
    let lines = 0;
    for await (const chunk of createReadStream(out, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
    const outBytes = statSync(out).size;
    rmSync(out, { force: true });
    log(`  ${lines} JSON lines, ${fmt(outBytes / 2 ** 30, 2)} GiB (expected ${copies} × ${benchLines} = ${copies * benchLines}); ${fmt(counted.wall, 1)} s wall, ${fmt(counted.rssMiB)} MiB peak RSS`);
    // And into a pipe, read as fast as it comes: the case `tlspeek replay --json big.pcap | jq …`.
    log('  once more into a pipe (a reader that only counts bytes)');
    let pipeBytes = 0;
    const pipe = await measure('node', [...cmd, big], { cap, cwd: REPO, onStdout: (chunk) => void (pipeBytes += chunk.length) });
    const crash = /Error: [^\n]*/.exec(pipe.stderr)?.[0];
    if (pipe.status !== 0) note += `; into a pipe: exit status ${pipe.status}${crash ? ` (${crash})` : ''} after ${fmt(pipeBytes / 2 ** 30, 2)} of ${fmt(outBytes / 2 ** 30, 2)} GiB of output`;
    log(`  into a pipe: ${fmt(pipe.wall, 1)} s wall, ${fmt(pipe.rssMiB)} MiB peak RSS, exit ${pipe.status}${crash ? ` ${crash}` : ''}, ${fmt(pipeBytes / 2 ** 30, 2)} GiB read`);
    return { copies, bytes, hellos: copies * m.tshark.clientHellos, t, ssldump: ssldump.status === 0 ? ssldump : undefined, lines, pipe, note };
  } finally {
    for (const f of [...parts, ...outputs]) rmSync(f, { force: true });
    rmSync(big, { force: true });
  }
}
