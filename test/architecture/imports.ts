// The import graph of src/: every module specifier a file names, found by a small lexer rather
// than a regular expression over lines, so that a specifier in a comment or a string is not an
// import and a multi-line `import { … } from` is. Recognised forms:
//   import x from 'm'   import { a, type B } from 'm'   import type { T } from 'm'   import 'm'
//   export * from 'm'   export { a } from 'm'   export type { T } from 'm'
//   import('m') (a dynamic import, or a type position: `import('m').T`)   require('m')
// The TypeScript 7 compiler has no stable JavaScript API to ask instead, and esbuild drops type
// imports before it reports a graph, so this reads the source itself (tokens, not a full parse:
// comments, strings, template literals and regular-expression literals are skipped as such).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Import {
  /** The importing file, relative to the repository root (src/app/proxy.ts). */
  from: string;
  /** The specifier as written ('../cli/io.js', 'node:net'). */
  specifier: string;
  /** The imported file relative to the root (src/cli/io.ts), or undefined for a package. */
  to: string | undefined;
  line: number;
  /** type: `import type`/`export type`, or `import('m')` in a type position; value: anything else. */
  kind: 'value' | 'type' | 'dynamic';
}

type Token = { t: 'id' | 'punct' | 'string'; v: string; line: number };

/** Identifiers, punctuation and string literals; comments, templates and regexes are skipped. */
export function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  // Brace depth at each open template's `${`, so the `}` that closes it resumes the template.
  const templates: number[] = [];
  let depth = 0;
  const regexMayFollow = (): boolean => {
    const last = out[out.length - 1];
    if (!last) return true;
    if (last.t === 'string') return false;
    if (last.t === 'id') return /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(last.v);
    return !/^[)\]}]$/.test(last.v);
  };
  const skipTemplate = (): void => {
    // At the character after ` or after the } that closes a ${…}: read to ` or ${.
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') { i += 2; continue; }
      if (c === '\n') line++;
      if (c === '`') { i++; return; }
      if (c === '$' && src[i + 1] === '{') { i += 2; templates.push(depth); depth++; return; }
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      let v = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') { v += src[i + 1] ?? ''; i += 2; continue; }
        if (src[i] === '\n') line++;
        v += src[i++];
      }
      i++;
      out.push({ t: 'string', v, line: start });
      continue;
    }
    if (c === '`') { i++; skipTemplate(); out.push({ t: 'string', v: '', line }); continue; }
    if (c === '/' && regexMayFollow()) {
      i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n') {
        const d = src[i]!;
        if (d === '\\') { i += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < src.length && /[a-z]/i.test(src[i]!)) i++;
      out.push({ t: 'string', v: '', line });
      continue;
    }
    if (/[A-Za-z_$0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z_$0-9]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
        templates.pop();
        depth--;
        i++;
        skipTemplate();
        continue;
      }
      depth--;
    }
    out.push({ t: 'punct', v: c, line });
    i++;
  }
  return out;
}

/** The imports of one file's source (`file` is the root-relative path, for resolving). */
export function importsOf(file: string, src: string): Omit<Import, 'to'>[] {
  const toks = tokens(src);
  const found: Omit<Import, 'to'>[] = [];
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k]!;
    if (tok.t !== 'string') continue;
    const prev = toks[k - 1];
    const prev2 = toks[k - 2];
    if (prev?.t === 'id' && prev.v === 'from') {
      // Back to the `import` or `export` that opens the clause (a clause holds no `;`).
      let h = k - 2;
      while (h >= 0 && !(toks[h]!.t === 'id' && (toks[h]!.v === 'import' || toks[h]!.v === 'export')) && toks[h]!.v !== ';') h--;
      const head = toks[h];
      if (!head || head.t !== 'id') continue;
      // `import type { T } from` / `export type { T } from`, not `import type from` (a default
      // import named type). `import { type T } from` still loads the module under
      // verbatimModuleSyntax, so it is a value import.
      const after = toks[h + 1];
      const typeOnly = after?.t === 'id' && after.v === 'type' && toks[h + 2]?.v !== 'from' && toks[h + 2]?.v !== ',';
      found.push({ from: file, specifier: tok.v, line: tok.line, kind: typeOnly ? 'type' : 'value' });
    } else if (prev?.t === 'id' && prev.v === 'import' && toks[k - 2]?.v !== '.') {
      found.push({ from: file, specifier: tok.v, line: tok.line, kind: 'value' });
    } else if (prev?.v === '(' && prev2?.t === 'id' && (prev2.v === 'import' || prev2.v === 'require') && toks[k - 3]?.v !== '.') {
      // `import('m').T` in a type (a type-only dependency) or `import('m')` as an expression.
      const typePosition = toks[k + 1]?.v === ')' && toks[k + 2]?.v === '.' && !isAwaited(toks, k - 2);
      found.push({ from: file, specifier: tok.v, line: tok.line, kind: typePosition ? 'type' : 'dynamic' });
    }
  }
  return found;
}

function isAwaited(toks: Token[], importAt: number): boolean {
  const before = toks[importAt - 1];
  return before?.t === 'id' && (before.v === 'await' || before.v === 'return');
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.(ts|mts|cts)$/.test(name)) yield path;
  }
}

/** Every import of every .ts file under root/dir, relative specifiers resolved to files. */
export function importGraph(root: string, dir = 'src'): Import[] {
  const all: Import[] = [];
  for (const path of tsFiles(join(root, dir))) {
    const file = relative(root, path);
    for (const imp of importsOf(file, readFileSync(path, 'utf8'))) {
      let to: string | undefined;
      if (imp.specifier.startsWith('.')) {
        // NodeNext: a .ts file is imported as .js.
        const target = resolve(dirname(path), imp.specifier).replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
        to = relative(root, target);
      }
      all.push({ ...imp, to });
    }
  }
  return all;
}
