// The proxy's small parts on their own: address parsing, the table renderer, the synthetic
// pcap writer (IPv4, IPv6, mixed families, segmentation, FIN/RST) read back by replay and tshark.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostPort, isLoopback, formatHostPort, AddressError } from '../../src/proxy/address.js';
import { renderTable, fitColumns } from '../../src/report/table.js';
import { makeStyle } from '../../src/report/style.js';
import { PcapWriter, MAX_SEGMENT } from '../../src/proxy/pcap-writer.js';
import { ProxySummary } from '../../src/report/summary.js';
import { renderProxySummary } from '../../src/report/reporters/text.js';
import { replayFile } from '../../src/app/replay.js';
import type { Connection } from '../../src/tls/model.js';
import { hasCommand, runCommand } from '../helpers/servers.js';

const work = mkdtempSync(join(tmpdir(), 'tlspeek-units-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('--listen / --backend parsing', () => {
  it('takes PORT, HOST:PORT and [V6]:PORT', () => {
    assert.deepEqual(parseHostPort('8443', '--listen', '127.0.0.1'), { host: '127.0.0.1', port: 8443 });
    assert.deepEqual(parseHostPort('0.0.0.0:443', '--listen', '127.0.0.1'), { host: '0.0.0.0', port: 443 });
    assert.deepEqual(parseHostPort('[::1]:8443', '--listen'), { host: '::1', port: 8443 });
    assert.deepEqual(parseHostPort('backend.example:443', '--backend'), { host: 'backend.example', port: 443 });
  });
  it('refuses what it cannot read, naming the option', () => {
    assert.throws(() => parseHostPort('8443', '--backend'), /--backend: want HOST:PORT/);
    assert.throws(() => parseHostPort('::1:8443', '--backend'), /brackets/);
    assert.throws(() => parseHostPort('[::1]8443', '--backend'), AddressError);
    assert.throws(() => parseHostPort('[1.2.3.4]:1', '--backend'), /not an IPv6 address/);
    assert.throws(() => parseHostPort('host:70000', '--backend'), /0-65535/);
    assert.throws(() => parseHostPort('host:', '--backend'), /port/);
  });
  it('knows loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com']) assert.ok(!isLoopback(h), h);
    assert.equal(formatHostPort('::1', 1), '[::1]:1');
  });
});

describe('renderTable', () => {
  const plain = makeStyle(false);
  it('renders without colour codes when colour is off, and fits the width', () => {
    const rows = [['connections', '12'], ['suite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 with a long tail of words', '3']];
    const wide = renderTable(['what', 'count'], rows, { style: plain });
    assert.ok(!wide.includes('\u001b['));
    assert.match(wide, /TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 with a long tail of words/);
    const narrow = renderTable(['what', 'count'], rows, { style: plain, width: 40 });
    for (const line of narrow.split('\n')) assert.ok([...line].length <= 40, `${line} (${[...line].length})`);
    assert.match(narrow, /connections/);
  });
  it('colours the heading only when asked', () => {
    const coloured = renderTable(['what'], [['x']], { style: makeStyle(true) });
    assert.match(coloured, /\u001b\[1mwhat/);
  });
  it('narrows the widest column first', () => {
    assert.deepEqual(fitColumns([10, 50], 40), [12, 25]);
    assert.deepEqual(fitColumns([10, 50], undefined), [12, 52]);
  });
});

describe('ProxySummary', () => {
  it('counts outcomes, versions, suites, alerts and findings', () => {
    const s = new ProxySummary();
    const base = {
      source: 'proxy', id: 1, client: 'a', server: 'b', tls: true, alerts: [], messages: [], errors: [],
      stats: { client: {} as never, server: {} as never },
      version: { code: 0x303, name: 'TLS 1.2' },
    } as unknown as Connection;
    s.add({ ...base, complete: true, outcome: 'complete', outcomeBasis: 'seen', serverHello: { cipherSuite: { code: 0xc030, name: 'TLS_X' } }, findings: [
      { id: 'x', severity: 'error', title: '', detail: '' },
    ] } as Connection, [10, 20]);
    s.add({ ...base, complete: false, outcome: 'failed', outcomeBasis: 'seen', alerts: [{ from: 'server', level: { code: 2, name: 'fatal' }, description: { code: 40, name: 'handshake_failure' }, encrypted: false, offset: 0 }] } as Connection, [1, 1]);
    s.add({ ...base, complete: false, outcome: 'failed', outcomeBasis: 'inferred' } as Connection, [1, 1]);
    s.add({ ...base, complete: false, outcome: 'unknown', outcomeBasis: 'inferred' } as Connection, [1, 1]);
    s.add(undefined, [0, 0]);
    const text = renderProxySummary(s, { style: makeStyle(false) });
    assert.match(text, /connections\s+│\s+5/);
    assert.match(text, /handshakes complete\s+│\s+1/);
    assert.match(text, /handshakes failed\s+│\s+2 \(1 inferred\)/);
    assert.match(text, /handshakes unknown\s+│\s+1 \(1 inferred\)/);
    assert.doesNotMatch(text, /handshakes aborted/, 'outcomes nobody had are left out');
    assert.match(text, /backend unreachable\s+│\s+1/);
    assert.match(text, /version TLS 1\.2\s+│\s+4/);
    assert.match(text, /suite TLS_X\s+│\s+1/);
    assert.match(text, /alert server: fatal handshake_failure\s+│\s+1/);
    assert.match(text, /findings: error\s+│\s+1/);
  });
});

describe('PcapWriter', () => {
  async function write(file: string, client: { host: string; port: number }, server: { host: string; port: number }, up: Buffer, down: Buffer, end: 'fin' | 'reset') {
    const w = new PcapWriter(file, (m) => assert.fail(m));
    await w.ready();
    const f = w.flow(client, server, 7);
    const t = Date.UTC(2026, 0, 2, 3, 4, 5) + 0.25;
    f.open(t, t + 1);
    f.data(0, up, t + 2);
    f.data(1, down, t + 3);
    f.end(0, end, t + 4);
    f.close(t + 5);
    await w.close();
  }

  async function replay(file: string): Promise<Connection[]> {
    const out: Connection[] = [];
    const r = await replayFile(file, {}, { connection: (c) => out.push(c), warning: (m) => assert.fail(m) });
    assert.ok(r.ok, r.error);
    return out;
  }

  for (const [name, client, server] of [
    ['IPv4', { host: '127.0.0.1', port: 40000 }, { host: '127.0.0.2', port: 443 }],
    ['IPv6', { host: '::1', port: 40001 }, { host: 'fe80::1:2', port: 8443 }],
    ['mixed families (IPv4 mapped into IPv6)', { host: '::1', port: 40002 }, { host: '127.0.0.1', port: 443 }],
  ] as const) {
    it(`${name}: replay reads the streams back byte for byte, segmented and closed`, async () => {
      const file = join(work, `${name.slice(0, 4)}.pcap`);
      const up = Buffer.alloc(3 * MAX_SEGMENT + 17, 0x41);
      const down = Buffer.from('HTTP/1.0 200 OK\r\n\r\n');
      await write(file, client, server, up, down, 'fin');
      const [c, ...rest] = await replay(file);
      assert.equal(rest.length, 0);
      assert.equal(c!.stats.client.bytes, up.length);
      assert.equal(c!.stats.server.bytes, down.length);
      assert.equal(c!.gaps, undefined);
      const v4 = server.host.includes('.') && client.host.includes('.');
      if (v4 || !server.host.includes('.')) {
        assert.equal(c!.client, formatHostPort(client.host, client.port));
        assert.equal(c!.server, formatHostPort(server.host, server.port));
      } else {
        assert.equal(c!.server, `[::ffff:127.0.0.1]:${server.port}`);
      }
      // The first payload byte came at t + 2 ms.
      assert.match(c!.startTime ?? '', /^2026-01-02T03:04:05\.002250Z$/);
      if (hasCommand('tshark')) {
        const r = await runCommand('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.len', '-Y', '!_ws.malformed && !tcp.analysis.flags']);
        const lines = r.stdout.toString().trim().split('\n');
        // SYN, SYN-ACK, ACK, 4 upstream segments, 1 downstream, FIN+ACK, ACK, FIN+ACK, ACK.
        assert.equal(lines.length, 12, r.stdout.toString() + r.stderr);
        const checks = await runCommand('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', 'tcp.checksum.status == 0 || ip.checksum.status == 0']);
        assert.equal(checks.stdout.toString().trim(), '', 'bad checksums');
      }
    });
  }

  it('a reset ends both directions with one RST', async () => {
    const file = join(work, 'rst.pcap');
    await write(file, { host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }, Buffer.from('x'), Buffer.from('y'), 'reset');
    const bytes = readFileSync(file);
    assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(bytes.readUInt32LE(20), 1, 'LINKTYPE_ETHERNET');
    if (hasCommand('tshark')) {
      const r = await runCommand('tshark', ['-r', file, '-Y', 'tcp.flags.reset == 1']);
      assert.equal(r.stdout.toString().trim().split('\n').length, 1);
    }
  });
});
