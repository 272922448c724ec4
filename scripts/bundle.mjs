// Bundles the compiled CLI (dist/, from tsc) and its runtime dependencies into one ES module,
// dist/bundle/tlspeek.js, which bin/tlspeek runs. Loading ~150 separate modules (ours, yargs,
// asn1js, pkijs, …) cost ~120 ms of every run, a third of start-up; one file does not.
// dist/bundle/ sits as deep as dist/cli/, so main.ts finds ../../package.json from either.
//
// `node scripts/bundle.mjs ENTRY OUTFILE` bundles another entry the same way (the bench's stage
// runner, scripts/bench/stages.ts: esbuild reads TypeScript itself).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const [entry = 'dist/cli/main.js', outfile = 'dist/bundle/tlspeek.js'] = process.argv.slice(2);

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  write: false,
  // pcap-parser and cli-table3 are CommonJS and require() node built-ins; an ES module has no
  // require of its own.
  banner: { js: "import { createRequire as __tlspeekRequire } from 'node:module'; const require = __tlspeekRequire(import.meta.url);" },
});

for (const file of result.outputFiles) {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, file.path.endsWith('.map') ? file.contents : asciiComments(file.text));
}

/**
 * esbuild escapes non-ASCII characters in code but copies comments as they are, and one `§` in
 * a comment makes Node decode and V8 scan the whole 1.5 MB bundle as a two-byte string: ~10 ms
 * of every start-up. Comment lines get `\uXXXX` instead (code is never touched, and a comment
 * line has no code after it for the source map to point at).
 */
function asciiComments(text) {
  return text.replace(/^[ \t]*(?:\/\/|\/\*|\*).*[^\x00-\x7f].*$/gm, (line) =>
    line.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
