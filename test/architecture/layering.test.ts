// The layering of src/, checked over the real import graph (test/architecture/imports.ts reads
// every `import … from`, `export … from`, `import type`, `import('…')` and side-effect import):
//
//   cli → app → {proxy, capture} → tls → bytes      rules, x509 and fingerprint read the tls model;
//   report reads everything below app; nothing imports cli; formatting only in report/.
//
// The rules are data (LAYERS, ONLY_FROM), one comment per rule saying why. A failure names the
// file, the line and the rule; to change the architecture, change the table and say why.
//
// Type-only imports count. A type is knowledge of another folder's model as much as a value is:
// a type-only cycle (tls/model.ts named fingerprint's Fingerprints, which read tls/model.ts)
// ties two folders together just as firmly, only the emitted JavaScript forgets it. So
// `import type` and `import('…').T` are held to the same rules as value imports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importGraph, importsOf, type Import } from './imports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/**
 * What each part of src/ may import, besides itself. A part is a top-level folder (`tls`), a
 * deeper folder with a stricter rule (`tls/registry`), or `.` for the files at src/'s root.
 * The longest part that contains a file is the rule for it. `may` names parts of src/; a part
 * named there includes its subfolders.
 */
export const LAYERS: Record<string, { may: readonly string[]; why: string }> = {
  '.': {
    may: [],
    why: 'limits.ts: the named caps every layer reads (STYLE §8); it reads nothing of ours',
  },
  types: {
    may: [],
    why: 'ambient declarations for untyped packages (pcap-parser)',
  },
  util: {
    may: [],
    why: 'small helpers every layer may use (FifoMap, hashing, interning, time, IP text); they know no TLS',
  },
  bytes: {
    may: [],
    why: 'the bottom: ByteReader, its errors and the byte queue; nothing about TLS or capture files',
  },
  keylog: {
    may: ['tls', 'bytes', 'util', '.'],
    why:
      'SSLKEYLOGFILE read into secrets by client random; the labels are TLS data (tls/crypto/secret-labels.ts), ' +
      'so keylog reads tls and tls never reads keylog: the session is handed a lookup (SecretsLookup)',
  },
  x509: {
    may: ['bytes', 'util', '.'],
    why: 'DER → CertInfo (x509/model.ts): a certificate is not TLS, so x509 never reads the tls model; tls/ decodes the Certificate message with it',
  },
  tls: {
    // Decryption steps go in tls/crypto (key schedules, record protection) behind session/protection.ts.
    may: ['bytes', 'util', 'x509', '.'],
    why:
      'the one decoder of the proxy and the replay: handed bytes and a direction (never capture/ or proxy/). ' +
      'Its model carries text that is part of the JSON output (tls/summary.ts: LadderEntry.summary; tls/text.ts: ' +
      'wire strings, hex): data the model holds, not presentation, so it stays here',
  },
  'tls/registry': {
    may: ['tls/model.ts', 'util'],
    why: 'code-point tables are data (STYLE §6): they intern {code, name} objects of the model and nothing else',
  },
  fingerprint: {
    may: ['tls', 'util', 'bytes'],
    why: 'JA3/JA4 computed from the tls model; the model names the result type (Fingerprints), so nothing points back',
  },
  rules: {
    may: ['tls', 'x509', 'fingerprint', 'util', '.'],
    why:
      'diagnoses read the tls model (through tls/queries.ts for shared questions). A Finding carries its fix ' +
      'as text (rules/helpers.ts renderFix makes Finding.fix, a field of the JSON): data like tls/summary.ts, not presentation',
  },
  capture: {
    may: ['bytes', 'util', 'tls', '.'],
    why: 'pcap/pcapng → packets → TCP streams; may hand bytes to tls (today app/ does that)',
  },
  proxy: {
    may: ['bytes', 'util', 'tls', '.'],
    why: 'the relay and its tap into a TlsSession; counts and reports nothing itself (app/ and report/ do)',
  },
  diff: {
    may: ['tls', 'x509', 'fingerprint', 'rules', 'util'],
    why: 'the comparison of connections as data (sections, lists, the --json object); its text form is report/diff*',
  },
  report: {
    may: ['tls', 'x509', 'fingerprint', 'rules', 'diff', 'bytes', 'util', '.'],
    why:
      'every output format (text, JSON Lines, HTML, tables, colour, traces, diffs, summaries) and the Reporter ' +
      'interface; reads the models, never the use cases (app/) or the command line (cli/)',
  },
  ui: {
    may: ['report', 'diff', 'proxy', 'tls', 'util', '.'],
    why:
      "the live page's HTTP server (proxy --ui): routes, guards and the store of recent connections; " +
      'its pages are rendered by report/ (report/live.ts), its pcap downloads drawn by proxy/ (pcap-memory.ts)',
  },
  app: {
    may: ['report', 'ui', 'proxy', 'capture', 'tls', 'x509', 'fingerprint', 'rules', 'diff', 'keylog', 'bytes', 'util', '.'],
    why: 'the use cases (replay, proxy, report, diff) without yargs: wire the layers below together; never cli/',
  },
  cli: {
    may: ['app', 'report', 'rules', 'capture', 'proxy', 'util', '.'],
    why:
      'argv → options → app: yargs, option defaults (capture: --max-flows, stdin), argument parsers ' +
      '(proxy/address.ts), the rule catalogue (rules/, shown by report/). Nothing imports cli',
  },
};

/**
 * Files and packages only some parts may import. Tables and their width arithmetic are
 * presentation: a table outside report/ is formatting outside report/.
 */
export const ONLY_FROM: Record<string, { from: readonly string[]; why: string }> = {
  'src/report/table.ts': { from: ['report'], why: 'tables are formatting, and formatting lives in report/' },
  'cli-table3': { from: ['report/table.ts'], why: 'one adapter for the table package (STYLE layout: table.ts is its only importer)' },
  yargs: { from: ['cli'], why: 'the command line is parsed in cli/ only; app/ takes plain options' },
  'pcap-parser': { from: ['capture'], why: 'capture files are read in capture/ only' },
};

/**
 * Imports against the rules that are known and on their way out, each with why it is still there.
 * An exception that no import needs any more fails the test too: delete it then.
 */
export const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

/** The part of src/ a file belongs to: the longest key of LAYERS that contains it. */
export function partOf(file: string): string {
  const rel = file.replace(/^src\//, '');
  let best = '.';
  for (const key of Object.keys(LAYERS)) {
    if (key === '.') continue;
    if ((rel.startsWith(`${key}/`) || rel === key) && key.length > best.length) best = key;
  }
  return best === '.' && rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : best;
}

/** Whether `target` (a path under src/, without src/) lies in the part named `part`. */
function within(target: string, part: string): boolean {
  if (part === '.') return !target.includes('/');
  return target === part || target.startsWith(`${part}/`);
}

export function violations(graph: Import[], exceptions: typeof EXCEPTIONS = []): string[] {
  const out: string[] = [];
  for (const imp of graph) {
    if (exceptions.some((e) => e.from === imp.from && e.to === (imp.to ?? imp.specifier))) continue;
    const where = `${imp.from}:${imp.line}`;
    const kind = imp.kind === 'value' ? '' : ` (${imp.kind})`;
    const guarded = ONLY_FROM[imp.to ?? imp.specifier];
    const fromRel = imp.from.replace(/^src\//, '');
    if (guarded && !guarded.from.some((p) => within(fromRel, p))) {
      out.push(`${where} imports ${imp.to ?? imp.specifier}${kind}: only ${guarded.from.join(', ')} may (${guarded.why})`);
    }
    if (!imp.to) continue;
    if (!imp.to.startsWith('src/')) {
      out.push(`${where} imports ${imp.to}${kind}: src/ imports nothing outside src/ but packages`);
      continue;
    }
    const part = partOf(imp.from);
    const target = imp.to.replace(/^src\//, '');
    const rule = LAYERS[part];
    if (!rule) {
      out.push(`${where}: src/${part}/ has no rule in LAYERS (test/architecture/layering.test.ts): add one that says what it may import and why`);
      continue;
    }
    // Its own part (with its subfolders) is always allowed; a stricter sub-part has its own rule.
    if (within(target, part)) continue;
    if (!rule.may.some((p) => within(target, p))) {
      out.push(`${where} imports ${imp.to}${kind}: ${part}/ may import only ${rule.may.length ? rule.may.join(', ') : 'itself'} (${rule.why})`);
    }
  }
  return out;
}

/** Strongly connected components of more than one node (Tarjan), each sorted. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

function edgesOf(graph: Import[], node: (file: string) => string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const imp of graph) {
    if (!imp.to?.startsWith('src/')) continue;
    const a = node(imp.from);
    const b = node(imp.to);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  return edges;
}

const topFolder = (file: string): string => {
  const rel = file.replace(/^src\//, '');
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
};

describe('layering of src/', () => {
  const graph = importGraph(ROOT);

  it('reads the imports (a sanity check that the scanner sees the graph)', () => {
    assert.ok(graph.length > 300, `only ${graph.length} imports found`);
    assert.ok(graph.some((i) => i.kind === 'type'), 'type-only imports are seen');
  });

  it('every import follows LAYERS and ONLY_FROM', () => {
    assert.deepEqual(violations(graph, EXCEPTIONS), []);
  });

  it('every exception is still needed', () => {
    const stale = EXCEPTIONS.filter((e) => !graph.some((i) => i.from === e.from && (i.to ?? i.specifier) === e.to));
    assert.deepEqual(stale, [], 'these imports are gone: delete their exceptions');
  });

  it('LAYERS itself has no cycle: the allowed imports between folders form a DAG', () => {
    const edges = new Map<string, Set<string>>();
    for (const [part, rule] of Object.entries(LAYERS)) {
      const a = part.split('/')[0]!;
      for (const p of rule.may) {
        const b = p === '.' ? '.' : p.split('/')[0]!;
        if (a === b) continue;
        if (!edges.has(a)) edges.set(a, new Set());
        edges.get(a)!.add(b);
      }
    }
    assert.deepEqual(cycles(edges), []);
  });

  it('no import cycle between folders of src/', () => {
    assert.deepEqual(cycles(edgesOf(graph, topFolder)), []);
  });

  it('no import cycle between files of src/ either', () => {
    assert.deepEqual(cycles(edgesOf(graph, (f) => f)), []);
  });

  it('nothing imports cli/', () => {
    assert.deepEqual(
      graph.filter((i) => i.to?.startsWith('src/cli/') && !i.from.startsWith('src/cli/')).map((i) => `${i.from}:${i.line} → ${i.to}`),
      [],
    );
  });
});

describe('the import scanner', () => {
  const specs = (src: string) => importsOf('src/x/a.ts', src).map((i) => `${i.kind} ${i.specifier}`);

  it('reads every form of import and export, multi-line clauses included', () => {
    const src = [
      "import a from './a.js';",
      "import { b,\n  type C,\n  d } from './b.js';",
      "import type { E } from './e.js';",
      "import type F from './f.js';",
      "import * as g from './g.js';",
      "import './side-effect.js';",
      "export * from './h.js';",
      "export { i } from './i.js';",
      "export type { J } from './j.js';",
      "let k: import('./k.js').K;",
      "const l = await import('./l.js');",
      "const m = require('./m.js');",
    ].join('\n');
    assert.deepEqual(specs(src), [
      'value ./a.js',
      'value ./b.js',
      'type ./e.js',
      'type ./f.js',
      'value ./g.js',
      'value ./side-effect.js',
      'value ./h.js',
      'value ./i.js',
      'type ./j.js',
      'type ./k.js',
      'dynamic ./l.js',
      'dynamic ./m.js',
    ]);
  });

  it('ignores what only looks like an import: comments, strings, templates, regular expressions', () => {
    const src = [
      "// import x from './comment.js';",
      "/* import y from './block.js'; */",
      "const s = \"import z from './string.js'\";",
      'const t = `import w from ${"./template.js"} and ${`./nested.js`}`;',
      "const r = /import v from '.\\/regex.js'/;",
      "const q = x.import('./method.js');",
      "import real from './real.js';",
    ].join('\n');
    assert.deepEqual(specs(src), ['value ./real.js']);
  });

  it('line numbers point at the specifier', () => {
    const [imp] = importsOf('src/x/a.ts', "// one\n\nimport {\n  a,\n} from './a.js';\n");
    assert.equal(imp?.line, 5);
  });

  it('reports an import against the rules with its file, line and reason', () => {
    const bad: Import[] = [
      { from: 'src/tls/model.ts', specifier: '../fingerprint/index.js', to: 'src/fingerprint/index.ts', line: 3, kind: 'type' },
      { from: 'src/diff/render.ts', specifier: '../report/table.js', to: 'src/report/table.ts', line: 5, kind: 'value' },
      { from: 'src/app/proxy.ts', specifier: '../cli/io.js', to: 'src/cli/io.ts', line: 8, kind: 'type' },
      { from: 'src/tls/registry/x.ts', specifier: '../session.js', to: 'src/tls/session.ts', line: 1, kind: 'value' },
      { from: 'src/app/x.ts', specifier: 'yargs', to: undefined, line: 2, kind: 'value' },
    ];
    const v = violations(bad);
    assert.equal(v.length, 6, v.join('\n'));
    assert.match(v[0]!, /^src\/tls\/model\.ts:3 imports src\/fingerprint\/index\.ts \(type\): tls\/ may import only/);
    assert.match(v.join('\n'), /src\/diff\/render\.ts:5 imports src\/report\/table\.ts: only report may/);
    assert.match(v.join('\n'), /src\/diff\/render\.ts:5 imports src\/report\/table\.ts: diff\/ may import only/);
    assert.match(v.join('\n'), /src\/app\/proxy\.ts:8 imports src\/cli\/io\.ts \(type\): app\/ may import only/);
    assert.match(v.join('\n'), /src\/tls\/registry\/x\.ts:1 imports src\/tls\/session\.ts: tls\/registry\/ may import only/);
    assert.match(v.join('\n'), /src\/app\/x\.ts:2 imports yargs: only cli may/);
  });

  it('finds cycles', () => {
    const e = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    assert.deepEqual(cycles(e), [['a', 'b', 'c']]);
  });
});
