// One timed run of a command: wall, user and system CPU seconds and peak RSS of the child
// and its descendants, from `/usr/bin/time -f '%e %U %S %M'` (GNU time: wait4's rusage).
// When /usr/bin/time is missing, the same figures come from sampling /proc/PID/stat and
// /proc/PID/status (VmHWM) — less exact, and said so in `how`.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from './proc.js';

export interface Timing {
  wall: number;
  user: number;
  sys: number;
  cpu: number;
  /** Peak resident set size, MiB. */
  rssMiB: number;
  status: number | null;
  /** True when the time cap killed it. */
  timedOut: boolean;
  stderr: string;
  how: string;
}

export interface MeasureOptions {
  /** Seconds before the command is killed. */
  cap: number;
  /** Where stdout goes: a file path (default /dev/null). */
  stdout?: string;
  /** Read stdout through a pipe instead, handing each chunk to this function. */
  onStdout?: (chunk: Buffer) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const GNU_TIME = '/usr/bin/time';

export async function measure(cmd: string, args: string[], o: MeasureOptions): Promise<Timing> {
  return existsSync(GNU_TIME) ? withGnuTime(cmd, args, o) : withProcSampling(cmd, args, o);
}

async function withGnuTime(cmd: string, args: string[], o: MeasureOptions): Promise<Timing> {
  const out = join(tmpdir(), `tlspeek-bench-time.${process.pid}.${Date.now()}`);
  const fd = o.onStdout ? -1 : openSync(o.stdout ?? '/dev/null', 'w');
  try {
    // time → timeout → command: the rusage time reports covers the command (timeout waits for it).
    const p = spawn(GNU_TIME, ['-f', '%e %U %S %M', '-o', out, 'timeout', '-s', 'KILL', String(o.cap), cmd, ...args], {
      stdio: ['ignore', fd < 0 ? 'pipe' : fd, 'pipe'],
      env: o.env ?? process.env,
      cwd: o.cwd,
    });
    const err = collect(p.stderr, 200000);
    const stdoutDone = o.onStdout && p.stdout ? once(p.stdout, 'end') : Promise.resolve();
    if (o.onStdout) p.stdout?.on('data', o.onStdout);
    const [[code]] = (await Promise.all([once(p, 'exit'), stdoutDone])) as [[number | null], unknown];
    const text = readFileSync(out, 'utf8').trim().split('\n');
    const last = text[text.length - 1] ?? '';
    const [e, u, s, m] = last.split(/\s+/).map(Number);
    const timedOut = code === 137 || code === 124 || text.some((l) => /Command terminated by signal 9|Command exited with non-zero status 137/.test(l));
    return {
      wall: e ?? NaN,
      user: u ?? NaN,
      sys: s ?? NaN,
      cpu: (u ?? NaN) + (s ?? NaN),
      rssMiB: (m ?? NaN) / 1024,
      status: code,
      timedOut,
      stderr: err(),
      how: '/usr/bin/time',
    };
  } finally {
    if (fd >= 0) closeSync(fd);
    rmSync(out, { force: true });
  }
}

/** Fallback: sample /proc every 50 ms (CPU from utime+stime, peak RSS from VmHWM). */
async function withProcSampling(cmd: string, args: string[], o: MeasureOptions): Promise<Timing> {
  const fd = o.onStdout ? -1 : openSync(o.stdout ?? '/dev/null', 'w');
  const hz = 100;
  try {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', fd < 0 ? 'pipe' : fd, 'pipe'], env: o.env ?? process.env, cwd: o.cwd });
    const err = collect(p.stderr, 200000);
    if (o.onStdout) p.stdout?.on('data', o.onStdout);
    let user = 0;
    let sys = 0;
    let hwm = 0;
    const sample = () => {
      try {
        const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // fields after the name: state is f[0]; utime f[11], stime f[12], cutime f[13], cstime f[14]
        user = (Number(f[11]) + Number(f[13])) / hz;
        sys = (Number(f[12]) + Number(f[14])) / hz;
        const st = readFileSync(`/proc/${p.pid}/status`, 'utf8');
        const m = /VmHWM:\s*(\d+) kB/.exec(st);
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* gone */
      }
    };
    const timer = setInterval(sample, 50);
    let timedOut = false;
    const kill = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, o.cap * 1000);
    const [code] = (await once(p, 'exit')) as [number | null];
    clearInterval(timer);
    clearTimeout(kill);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    return { wall, user, sys, cpu: user + sys, rssMiB: hwm / 1024, status: code, timedOut, stderr: err(), how: '/proc sampling (50 ms)' };
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
