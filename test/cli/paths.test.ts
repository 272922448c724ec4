// No source, test or script names an absolute path outside the repository: the shared corpus and
// notes are found as ../shared from the repository root (or relative to the file), so a checkout
// anywhere else works. The check: the folder that holds this checkout is named nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const OUTSIDE = dirname(ROOT);
/**
 * The paths a file must not name: the checkout itself and the shared folder beside it, absolute.
 * Not every path under OUTSIDE: CI may clone into /tmp/…, where /tmp/ in a script is fine.
 */
const FORBIDDEN = [`${ROOT}/`, `${OUTSIDE}/shared`];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mjs|js|sh)$/.test(name) || dir.endsWith('/bin')) yield path;
  }
}

test(`no file under src/, test/, scripts/ or bin/ names the checkout or ${OUTSIDE}/shared by its absolute path`, { skip: OUTSIDE === '/' ? 'the repository is at the file-system root' : false }, () => {
  const found: string[] = [];
  for (const top of ['src', 'test', 'scripts', 'bin']) {
    for (const file of files(join(ROOT, top))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((l, i) => {
        if (FORBIDDEN.some((p) => l.includes(p))) found.push(`${relative(ROOT, file)}:${i + 1}: ${l.trim()}`);
      });
    }
  }
  assert.deepEqual(found, []);
});
