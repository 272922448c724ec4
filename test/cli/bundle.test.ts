// scripts/bundle.mjs: the one-file CLI that bin/tlspeek loads must be pure ASCII, or Node decodes
// and V8 scans all of it as a two-byte string on every start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('the bundle is ASCII: comments keep their § and → as \\u escapes, and it still runs', () => {
  // As deep below a package.json as dist/bundle/tlspeek.js is: main.ts reads its version there.
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-bundle-'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const out = join(dir, 'dist', 'bundle', 'cli.mjs');
  // The source has both characters in comments (RFC section signs, the proxy's "from → to").
  execFileSync(process.execPath, ['scripts/bundle.mjs', 'src/cli/main.ts', out], { cwd: ROOT });
  const text = readFileSync(out, 'latin1');
  const nonAscii = text.search(/[^\x00-\x7f]/);
  assert.equal(nonAscii, -1, `non-ASCII at ${nonAscii}: ${text.slice(nonAscii - 40, nonAscii + 40)}`);
  assert.match(text, /\/\/ RFC 3279 \\u00a72\.2\.1/);
  assert.match(text, /from \\u2192 to/);
  const version = execFileSync(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(out)}); process.exitCode = await main(['--version']);`], { encoding: 'utf8' });
  assert.equal(version.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
});
