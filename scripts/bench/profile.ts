// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, mapped from
// dist/*.js back to src/*.ts through the compiler's source maps, plus self time per file;
// and the bench's profiling run that writes one (profileTlspeek).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Timing } from './measure.js';
import { REPO } from './options.js';
import { log } from './proc.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  /** file:line (1-based), in src/ when a source map says so. */
  where: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: HotSpot[];
  files: { file: string; selfMs: number; selfPct: number }[];
}

// ---- source maps (version 3, `mappings` only) ----

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Per generated line: segments [generatedColumn, sourceIndex, sourceLine, sourceColumn], sorted by column. */
type Segments = number[][];

function decodeMappings(mappings: string): Segments[] {
  const lines: Segments[] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.get(ch) ?? 0;
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += vals[0] ?? 0;
      if (vals.length >= 4) {
        src += vals[1]!;
        srcLine += vals[2]!;
        srcCol += vals[3]!;
        segs.push([genCol, src, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

class SourceMaps {
  private cache = new Map<string, { sources: string[]; lines: Segments[] } | null>();
  constructor(private readonly repo: string) {}

  /** file:line for a 0-based position in a generated file, mapped when possible. */
  where(url: string, line: number, col: number): string {
    if (!url) return '(native)';
    let file = url;
    if (url.startsWith('file://')) file = fileURLToPath(url);
    else if (url.startsWith('node:')) return `${url}:${line + 1}`;
    const map = this.load(file);
    if (map) {
      const segs = map.lines[line];
      if (segs && segs.length) {
        let best = segs[0]!;
        for (const s of segs) if (s[0]! <= col) best = s;
        const source = map.sources[best[1]!];
        if (source) return `${this.rel(source)}:${best[2]! + 1}`;
      }
    }
    return `${this.rel(file)}:${line + 1}`;
  }

  private rel(file: string): string {
    const r = relative(this.repo, file);
    return r.startsWith('..') ? file : r;
  }

  private load(file: string) {
    if (this.cache.has(file)) return this.cache.get(file)!;
    let result: { sources: string[]; lines: Segments[] } | null = null;
    const mapFile = `${file}.map`;
    if (file.endsWith('.js') && existsSync(mapFile)) {
      try {
        const m = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
        const base = resolve(dirname(file), m.sourceRoot ?? '');
        result = { sources: m.sources.map((s) => resolve(base, s)), lines: decodeMappings(m.mappings) };
      } catch {
        result = null;
      }
    }
    this.cache.set(file, result);
    return result;
  }
}

export function summariseProfile(file: string, repo: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i: the interval that sample i stands for is the next delta.
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const maps = new SourceMaps(repo);
  const fn = new Map<string, HotSpot>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const cf = n.callFrame;
    const name = cf.functionName || (cf.url ? '(anonymous)' : '(root)');
    const where = cf.url ? maps.where(cf.url, cf.lineNumber, cf.columnNumber) : name;
    const key = `${name}@${where}`;
    const h = fn.get(key) ?? { name, where, selfMs: 0, selfPct: 0 };
    h.selfMs += us / 1000;
    fn.set(key, h);
    const f = cf.url ? where.replace(/:\d+$/, '') : name;
    files.set(f, (files.get(f) ?? 0) + us / 1000);
  }
  const totalMs = totalUs / 1000;
  const functions = [...fn.values()]
    .map((h) => ({ ...h, selfPct: (100 * h.selfMs) / totalMs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const fileList = [...files.entries()]
    .map(([f, ms]) => ({ file: f, selfMs: ms, selfPct: (100 * ms) / totalMs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  return { totalMs, functions, files: fileList };
}

/**
 * `node --cpu-prof` around tlspeek (`cmd` is its command line without the file) on `F`, the
 * profile written into DIR/profile and summarised; the timing is the run with the profiler on.
 */
export async function profileTlspeek(dir: string, cmd: string[], F: string): Promise<{ profile?: ProfileSummary; timing: Timing }> {
  const profDir = join(dir, 'profile');
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  log('profiling: node --cpu-prof bin/tlspeek replay --json F');
  const timing = await measure('node', ['--cpu-prof', '--cpu-prof-dir', profDir, ...cmd, F], { cap: 900, cwd: REPO });
  const prof = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (prof[0]) return { profile: summariseProfile(join(profDir, prof[0]), REPO, 15), timing };
  log(`WARNING: no .cpuprofile written (${timing.stderr.slice(-500)})`);
  return { timing };
}
