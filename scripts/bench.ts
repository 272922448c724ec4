// `npm run bench`: records (once) a loopback capture of ≥ 20,000 real TLS handshakes into a
// scratch folder outside the repo, then times on that one file, one tool after the other:
//   tlspeek replay --json · tshark -Y tls.handshake -T fields (a dozen fields) · tshark -T json
//   · ssldump -n · a bare Node walk over the pcap record headers (the floor)
//   · with the key log the clients wrote (issue 17): tlspeek replay --json --keylog · tshark
//     -o tls.keylog_file -T fields -e tls.handshake.type · the same tshark -T json
// and prints handshakes/s, CPU seconds, wall seconds and peak RSS for each, with the ratios;
// times tlspeek's pipeline stage by stage (scripts/bench/stages.ts) against ssldump's run;
// checks tlspeek's connection count against tshark's ClientHello count; profiles tlspeek
// (node --cpu-prof, top self-time functions mapped to src/); and replays a ≥ 1 GiB capture
// (the bench capture concatenated with mergecap -a) to check that memory stays bounded.
// See bench/README.md.
//
// This file runs the phases in order; each lives in scripts/bench/:
//   options.ts      the options, the scratch folder, the tools it needs
//   capture.ts      the capture, recorded or reused (generate.ts records it)
//   tools.ts        the CLI built, then each tool timed (measure.ts, walk.ts)
//   stage-table.ts  tlspeek stage by stage (the runner is stages.ts) and tenth by tenth
//   counts.ts       tlspeek's connections against tshark's and ssldump's ClientHellos
//   keylog.ts       the key-logged run: its commands, its checks (every connection decrypted), its targets
//   profile.ts      node --cpu-prof, summarised
//   large.ts        the ≥ 1 GiB runs
//   report.ts       the text report, results.txt/.json, bench/README.md's table
import { benchCapture, tsharkDecodeAs } from './bench/capture.js';
import { countAll } from './bench/counts.js';
import { largeFile, type Large } from './bench/large.js';
import type { Timing } from './bench/measure.js';
import { checkTools, parseOptions, scratchDir, USAGE } from './bench/options.js';
import { BenchError, log, stopAll } from './bench/proc.js';
import { profileTlspeek, type ProfileSummary } from './bench/profile.js';
import { writeResults } from './bench/report.js';
import { countKeyed, keyedJobs, plainTlspeek, KEYED_TSHARK_JSON_TOOL, type KeylogCounts } from './bench/keylog.js';
import { bundleStages, timeTenths } from './bench/stage-table.js';
import { buildCli, checkSsldump, timeRounds, timeTsharkJson, TLSPEEK, warmPageCache, type Subject } from './bench/tools.js';

async function main(): Promise<number> {
  const o = parseOptions();
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dir = scratchDir(o.dir);
  checkTools();

  // ---- 1. the capture ----
  const m = await benchCapture(dir, o);
  if (o.generateOnly) return 0;
  const s: Subject = { F: m.pcap, hellos: m.tshark.clientHellos, DA: tsharkDecodeAs(m), repeat: o.repeat };

  // ---- 2. the compiled CLI ----
  buildCli();
  checkSsldump(dir, s.F);
  await warmPageCache(s.F);

  // ---- 3. timed runs ----
  const stagesBundle = o.skipStages ? undefined : bundleStages(dir);
  // With the key log the clients wrote (issue 17): tlspeek --keylog and tshark with it, same rounds.
  const keys = o.skipKeylog ? undefined : m.keys.file;
  const { rows, stages } = await timeRounds(s, stagesBundle, keys ? keyedJobs(s, keys) : []);
  const tlspeek = plainTlspeek(rows)!;
  const tenths = stagesBundle ? await timeTenths(stagesBundle, s.F, s.hellos, s.repeat) : undefined;
  rows.push(await timeTsharkJson(s, dir, m, o.jsonCap));
  if (keys) rows.push(await timeTsharkJson(s, dir, m, o.jsonCap, { keys, tool: KEYED_TSHARK_JSON_TOOL }));

  // ---- 4. counts: tlspeek's connections with a ClientHello vs tshark's ClientHellos ----
  const { counts, walkPackets, ssldumpHellos } = await countAll(TLSPEEK, s.F);
  // … and with the key log: every connection decrypted, by tlspeek and by tshark.
  const keylog: KeylogCounts | undefined = keys ? await countKeyed(s, m) : undefined;

  // ---- 5. profile ----
  let profile: ProfileSummary | undefined;
  let profileTiming: Timing | undefined;
  if (!o.skipProfile) ({ profile, timing: profileTiming } = await profileTlspeek(dir, TLSPEEK, s.F));

  // ---- 6. large file: memory stays bounded ----
  let large: Large | undefined;
  if (!o.skipLarge) large = await largeFile(dir, m, tlspeek.t, o.largeCap, TLSPEEK, counts.lines);

  // ---- report ----
  writeResults(dir, { manifest: m, rows, stages, tenths, counts, walkPackets, ssldumpHellos, profile, large, keylog }, profileTiming, o.updateReadme);
  return 0;
}

let status = 1;
const onSignal = (sig: NodeJS.Signals) => {
  log(`${sig}: stopping`);
  void stopAll().then(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  status = await main();
} catch (e) {
  log(e instanceof BenchError ? `error: ${e.message}` : `error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  status = 1;
} finally {
  await stopAll();
}
process.exitCode = status;
