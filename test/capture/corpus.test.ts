// Oracle: tshark. Per-packet fields and the per-stream bytes of `-z follow,tcp,raw` must equal
// what readCapture + FlowTable produce. Set TLSPEEK_FULL_CORPUS=1 to run every capture
// (about 25-45 s on 2 cores, tshark start-up dominates); by default a sample covering every format, link type and TCP oddity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, endpointText, follow, parseFollow, pool, readAll, run } from './helpers.js';
import { hasTool } from '../x509/helpers.js';

// A test that cannot run says so (skipped, with the reason); it never passes on nothing.
const HAVE_CORPUS = existsSync(CORPUS_DIR);
const ALL = HAVE_CORPUS ? readdirSync(CORPUS_DIR).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort() : [];
const SAMPLE = [
  'latest.pcapng', // pcapng, several connections, mid-stream starts
  'tls_multiple_synack_different_seq.pcapng', // SYN-ACKs with different ISNs
  'tls_missing_ch_frag.pcap', // a hole: gap length checked against tshark's "[N bytes missing]"
  'tls-store-02-client-auth.pcap', // IPv6 over BSD null
  'ml-dsa-44-cert.pcap', // raw IP
  'tls_client_certificate_with_missing_server_one.pcapng', // ns timestamps (if_tsresol 9)
];
const FILES = process.env.TLSPEEK_FULL_CORPUS ? ALL : SAMPLE;
const NO_CORPUS = `no corpus at ${CORPUS_DIR} (../shared/corpus/captures next to the repository)`;

test('corpus: packet counts of every capture equal capinfos', { skip: !HAVE_CORPUS ? NO_CORPUS : !hasTool('capinfos', ['-v']) ? 'capinfos (Wireshark) not installed' : false }, async () => {
  assert.ok(ALL.length > 0, `${CORPUS_DIR} holds no capture`);
  const out = await run('capinfos', ['-c', '-M', '-T', '-r', ...ALL.map((f) => join(CORPUS_DIR, f))]);
  const expected = new Map(out.trim().split('\n').map((l) => {
    const [name, n] = l.split('\t');
    return [name!.split('/').pop()!, Number(n)] as const;
  }));
  await pool(ALL, 4, async (f) => {
    const { summary, warnings } = await readAll(join(CORPUS_DIR, f));
    assert.equal(summary.packets, expected.get(f), f);
    assert.deepEqual(warnings, [], f);
  });
});

test('corpus: packets and TCP streams equal tshark', { skip: !HAVE_CORPUS ? NO_CORPUS : !hasTool('tshark', ['--version']) ? 'tshark not installed' : false, concurrency: 2 }, async (t) => {
  // One subtest per capture: a sampled capture missing from the corpus is reported skipped.
  await Promise.all(
    FILES.map((f) =>
      t.test(f, { skip: ALL.includes(f) ? false : `${f} is not in ${CORPUS_DIR}` }, async () => {
        const path = join(CORPUS_DIR, f);
        const { packets } = await readAll(path);
        const { flows } = follow(packets);
        // Ask for more streams than we found: a stream tshark has and we lack shows up non-empty.
        const follows = Array.from({ length: flows.length + 2 }, (_, i) => ['-z', `follow,tcp,raw,${i}`]).flat();
        const out = await run('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.cap_len', '-e', 'frame.time_epoch', ...follows]);
        const cut = out.indexOf('\n====');
        const fieldLines = out.slice(0, cut).trim().split('\n');
        const ours = packets.map((p) => `${p.index}\t${p.caplen}\t${p.sec}.${String(p.nsec).padStart(9, '0')}`);
        assert.deepEqual(ours, fieldLines, `${f}: per-packet number, caplen, epoch`);

        const streams = parseFollow(out.slice(cut)).filter((s) => s.node0 !== ':0');
        assert.equal(flows.length, streams.length, `${f}: number of TCP connections`);
        // Match by 4-tuple, in order (port reuse gives several streams per 4-tuple).
        const used = new Set<number>();
        for (const s of streams) {
          const tuple = [s.node0, s.node1].sort().join(' ');
          const k = flows.findIndex((fl, i) => !used.has(i) && [endpointText(fl.info.a.ip, fl.info.a.port), endpointText(fl.info.b.ip, fl.info.b.port)].sort().join(' ') === tuple);
          assert.ok(k >= 0, `${f}: tshark stream ${s.stream} (${tuple}) has no flow`);
          used.add(k);
          const fl = flows[k]!;
          const aIs0 = endpointText(fl.info.a.ip, fl.info.a.port) === s.node0;
          assert.equal(fl.hex[aIs0 ? 0 : 1], s.hex[0], `${f}: stream ${s.stream} bytes from ${s.node0}`);
          assert.equal(fl.hex[aIs0 ? 1 : 0], s.hex[1], `${f}: stream ${s.stream} bytes from ${s.node1}`);
        }
      }),
    ),
  );
});
