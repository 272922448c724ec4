// Child processes for the benchmark: every one runs under coreutils `timeout`, is tracked
// here, and is stopped by its own pid when the bench ends (normally or on Ctrl-C).
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

const running = new Set<ChildProcess>();

export function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

export class BenchError extends Error {}

export function die(msg: string): never {
  throw new BenchError(msg);
}

/** Starts `timeout -s SIGNAL SECONDS cmd args…` and remembers it. */
export function start(
  cmd: string,
  args: string[],
  seconds: number,
  opts: SpawnOptions = {},
  signal: NodeJS.Signals = 'SIGTERM',
): ChildProcess {
  const p = spawn('timeout', ['-s', signal.replace(/^SIG/, ''), String(seconds), cmd, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...opts,
  });
  running.add(p);
  p.once('exit', () => running.delete(p));
  return p;
}

/** Sends `signal` to one process we started and waits (SIGKILL after `grace` ms). */
export async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', grace = 5000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = once(p, 'exit');
  const timer = setTimeout(() => p.kill('SIGKILL'), grace);
  p.kill(signal);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p, 'SIGTERM', 2000)));
}

/** Collects a child's stream as text (bounded to the last `max` characters). */
export function collect(stream: NodeJS.ReadableStream | null | undefined, max = 1 << 20): () => string {
  let text = '';
  stream?.setEncoding?.('utf8');
  stream?.on('data', (d: string) => {
    text += d;
    if (text.length > max) text = text.slice(-max);
  });
  return () => text;
}

/** Runs a short command to completion (bounded by `timeout`); returns stdout, fails on non-zero. */
export function run(cmd: string, args: string[], seconds = 120, input?: string): string {
  const r = spawnSync('timeout', [String(seconds), cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (r.status !== 0) die(`${cmd} ${args.join(' ')} failed (status ${r.status}): ${(r.stderr ?? '').trim().slice(-2000)}`);
  return r.stdout;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

/** Whether 127.0.0.1:port can be bound right now. */
async function canBind(port: number): Promise<boolean> {
  const srv = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) {
    srv.close();
    await once(srv, 'close');
  }
  return ok;
}

/**
 * A TCP port on 127.0.0.1 in [lo, hi) that was free a moment ago. The bench keeps its servers
 * below the ephemeral range (32768+) so that tshark, which tries the lower port of a connection
 * first, always picks the server port's decode-as (TLS) over whatever a client port is registered to.
 */
export async function freePort(lo = 20000, hi = 32000): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo));
    if (await canBind(port)) return port;
  }
  return die(`no free port in ${lo}-${hi}`);
}

/** Resolves once something listens on 127.0.0.1:port (checked with `ss`, so no probe connection is made). */
export async function waitListen(port: number, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return;
    if (Date.now() > deadline) die(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
