import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InputError,
  looksLikeJsonLines,
  makeLabels,
  parseInput,
  parseJsonLines,
  selectConnection,
} from '../../src/diff/input.js';
import type { Connection } from '../../src/tls/model.js';
import { replayFile } from '../../src/app/replay.js';

async function replayCaptures(file: string): Promise<Connection[]> {
  const out: Connection[] = [];
  await replayFile(file, {}, { connection: (c) => out.push(c), warning: () => {} });
  return out;
}

const none = (): boolean => false;

test('parseInput: FILE, FILE#N, FILE#sni=NAME', () => {
  assert.deepEqual(parseInput('a.pcap', none), { raw: 'a.pcap', file: 'a.pcap', selector: { kind: 'first' } });
  assert.deepEqual(parseInput('dir/a.pcap#12', none).selector, { kind: 'number', n: 12 });
  assert.deepEqual(parseInput('a.jsonl#sni=api.example.com', none), {
    raw: 'a.jsonl#sni=api.example.com',
    file: 'a.jsonl',
    selector: { kind: 'sni', name: 'api.example.com' },
  });
  assert.throws(() => parseInput('a.pcap#0', none), InputError);
  assert.throws(() => parseInput('a.pcap#first', none), /unknown selector "#first"/);
});

test('parseInput: a file whose name has a "#" is taken whole when only it exists', () => {
  const exists = (p: string): boolean => p === 'run#2.pcap';
  assert.deepEqual(parseInput('run#2.pcap', exists).selector, { kind: 'first' });
  assert.equal(parseInput('run#2.pcap#3', (p) => p === 'run#2.pcap').file, 'run#2.pcap');
});

test('JSON Lines are told from pcap/pcapng by content', () => {
  assert.equal(looksLikeJsonLines(new TextEncoder().encode('\n  {"id":1}')), true);
  assert.equal(looksLikeJsonLines(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b])), true);
  assert.equal(looksLikeJsonLines(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1])), false); // pcap
  assert.equal(looksLikeJsonLines(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a])), false); // pcapng SHB
  assert.equal(looksLikeJsonLines(new Uint8Array()), false);
});

test('parseJsonLines: bad lines are reported with their line number', () => {
  assert.throws(() => parseJsonLines('{"id":1,"tls":true,"alerts":[],"client":"a"}\nnope\n', 'x.jsonl'), /^InputError: x\.jsonl:2: not JSON/);
  assert.throws(() => parseJsonLines('{"hello":1}\n', 'x.jsonl'), /x\.jsonl:1: not a connection/);
  assert.equal(parseJsonLines('\n{"id":1,"tls":true,"alerts":[],"client":"a"}\n\n', 'x').length, 1);
});

const conn = (id: number, tls: boolean, sni?: string, file = 'f.pcap'): Connection =>
  ({ id, tls, file, client: 'c', server: 's', alerts: [], ...(sni ? { clientHello: { serverName: sni } } : {}) }) as unknown as Connection;

test('selectConnection: first TLS, by number, by SNI (case-insensitive), with one-line errors', () => {
  const conns = [conn(1, false), conn(2, true, 'a.example'), conn(3, true, 'B.example')];
  const sel = (raw: string) => selectConnection(conns, parseInput(raw, none)).id;
  assert.equal(sel('f.pcap'), 2);
  assert.equal(sel('f.pcap#1'), 1);
  assert.equal(sel('f.pcap#sni=b.EXAMPLE'), 3);
  assert.throws(() => sel('f.pcap#9'), { message: 'f.pcap#9: no connection #9 (3 connections: #1, #2, #3)' });
  assert.throws(() => sel('f.pcap#sni=c.example'), { message: 'f.pcap#sni=c.example: no connection with SNI c.example (SNIs seen: a.example, B.example)' });
  assert.throws(() => selectConnection([conn(1, false)], parseInput('f.pcap', none)), /no TLS connection/);
  // JSON Lines from two captures number each from #1.
  assert.throws(() => selectConnection([conn(1, true, undefined, 'a.pcap'), conn(1, true, undefined, 'b.pcap')], parseInput('x.jsonl#1', none)), /ambiguous/);
});

test('labels: file name without extension and selector; given labels first; repeats told apart', () => {
  const specs = ['captures/a.pcap', 'b.pcapng#2', 'a.pcap'].map((r) => parseInput(r, none));
  assert.deepEqual(makeLabels(specs, []), ['a [1]', 'b#2', 'a [3]']);
  assert.deepEqual(makeLabels(specs, ['works']), ['works', 'b#2', 'a']);
});

test('sections compare the ServerHello that settled each connection: the last one that is not a HelloRetryRequest', async () => {
  // One answer (tls/queries.ts finalServerHello) for rules, JA3S and diff; diff used to take the
  // first ServerHello, so a plaintext renegotiation to another suite compared the old one.
  const { buildSections } = await import('../../src/diff/sections.js');
  const [tls12] = await replayCaptures('captures/tls12.pcap');
  const suite = (code: number, name: string) => ({ code, name });
  const renegotiated: Connection = { ...tls12!, additionalServerHellos: [{ ...tls12!.serverHello!, cipherSuite: suite(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256') }] };
  const direct: Connection = { ...tls12!, serverHello: { ...tls12!.serverHello!, cipherSuite: suite(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256') } };
  const rows = buildSections([renegotiated, direct], [null, null]).flatMap((s) => s.rows);
  const row = rows.find((r) => r.field === 'serverHello.cipherSuite');
  assert.ok(row && row.kind === 'value');
  assert.deepEqual(row.values, ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
  assert.equal(row.equal, true);
});
