// No source, test or script names an absolute path outside the repository: the shared corpus and
// notes are found as ../shared from the repository root (or relative to the file), so a checkout
// anywhere else works. The check: the folder that holds this checkout is named nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUTSIDE = dirname(ROOT.replace(/\/$/, ''));

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mjs|js|sh)$/.test(name) || dir.endsWith('/bin')) yield path;
  }
}

test(`no file under src/, test/, scripts/ or bin/ names a path in ${OUTSIDE}/ (outside the repository)`, { skip: OUTSIDE === '/' ? 'the repository is at the file-system root' : false }, () => {
  const found: string[] = [];
  for (const top of ['src', 'test', 'scripts', 'bin']) {
    for (const file of files(join(ROOT, top))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((l, i) => {
        // Followed by a separator: a path into the folder, not a longer name that starts the same.
        if (l.includes(`${OUTSIDE}/`)) found.push(`${relative(ROOT, file)}:${i + 1}: ${l.trim()}`);
      });
    }
  }
  assert.deepEqual(found, []);
});
