// Bundles the compiled CLI (dist/, from tsc) and its runtime dependencies into one ES module,
// dist/bundle/tlspeek.js, which bin/tlspeek runs. Loading ~150 separate modules (ours, yargs,
// asn1js, pkijs, …) cost ~120 ms of every run, a third of start-up; one file does not.
// dist/bundle/ sits as deep as dist/cli/, so main.ts finds ../../package.json from either.
//
// `node scripts/bundle.mjs ENTRY OUTFILE` bundles another entry the same way (the bench's stage
// runner, scripts/bench/stages.ts: esbuild reads TypeScript itself).
import { build } from 'esbuild';

const [entry = 'dist/cli/main.js', outfile = 'dist/bundle/tlspeek.js'] = process.argv.slice(2);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // pcap-parser and cli-table3 are CommonJS and require() node built-ins; an ES module has no
  // require of its own.
  banner: { js: "import { createRequire as __tlspeekRequire } from 'node:module'; const require = __tlspeekRequire(import.meta.url);" },
});
