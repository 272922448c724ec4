// Following a growing key log (the proxy, with a browser appending to SSLKEYLOGFILE): new bytes
// only, a partial last line waits for its end, truncation and replacement start over, a missing
// file is waited for, polling finds appends by itself, stop() and an AbortSignal end it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyLog } from '../../src/keylog/parse.js';
import { followKeyLog, KeyLogFollower } from '../../src/keylog/follow.js';

const random = (n: number): string => n.toString(16).padStart(64, '0');
const line = (n: number): string => `CLIENT_RANDOM ${random(n)} ${'ab'.repeat(48)}\n`;

function setup(): { dir: string; path: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-follow-'));
  return { dir, path: join(dir, 'keys.txt'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('reads what is there, then only new bytes; a partial last line waits for its line end', async () => {
  const t = setup();
  const log = new KeyLog();
  const warnings: string[] = [];
  writeFileSync(t.path, line(1));
  const f = await followKeyLog(t.path, log, { intervalMs: 1_000_000, onWarning: (w) => warnings.push(w) });
  try {
    assert.ok(log.lookup(random(1)));
    const half = line(2);
    appendFileSync(t.path, half.slice(0, 70));
    await f.poll();
    assert.equal(log.lookup(random(2)), undefined, 'half a line is not used');
    appendFileSync(t.path, half.slice(70));
    await f.poll();
    assert.ok(log.lookup(random(2)), 'the whole line is');
    assert.equal(f.position, statSync(t.path).size);
    appendFileSync(t.path, 'garbage\r\n' + line(3));
    await f.poll();
    assert.ok(log.lookup(random(3)));
    assert.deepEqual(warnings, [`${t.path}:3: not a key-log line: 1 field, want 3 (label, client random, secret)`]);
  } finally {
    await f.stop();
    t.done();
  }
});

test('a truncated file and a replaced file are read again from their start', async () => {
  const t = setup();
  const log = new KeyLog();
  const warnings: string[] = [];
  writeFileSync(t.path, line(1) + line(2));
  const f = await followKeyLog(t.path, log, { intervalMs: 1_000_000, onWarning: (w) => warnings.push(w) });
  try {
    appendFileSync(t.path, line(3).slice(0, 40)); // a partial line, then the file is cut under it
    await f.poll();
    truncateSync(t.path, 0);
    appendFileSync(t.path, line(4));
    await f.poll();
    assert.ok(log.lookup(random(4)));
    assert.match(warnings[0]!, /keys\.txt: truncated \(\d+ bytes, \d+ read\); reading it again from the start$/);
    const next = join(t.dir, 'keys.new');
    writeFileSync(next, line(5) + line(6));
    renameSync(next, t.path);
    await f.poll();
    assert.ok(log.lookup(random(5)) && log.lookup(random(6)));
    assert.match(warnings[1]!, /keys\.txt: replaced by a new file; reading it from the start$/);
    assert.equal(warnings.length, 2, warnings.join('\n'));
  } finally {
    await f.stop();
    t.done();
  }
});

test('a missing file is waited for (said once); polling finds appends by itself', async () => {
  const t = setup();
  const log = new KeyLog();
  const warnings: string[] = [];
  const f = await followKeyLog(t.path, log, { intervalMs: 20, onWarning: (w) => warnings.push(w) });
  try {
    await sleep(100);
    assert.deepEqual(warnings, [`${t.path}: no such file yet; waiting for it`]);
    writeFileSync(t.path, line(7));
    await until('the new file', () => log.lookup(random(7)) !== undefined);
    appendFileSync(t.path, line(8));
    await until('the appended line', () => log.lookup(random(8)) !== undefined);
    assert.equal(warnings.length, 1);
  } finally {
    await f.stop();
    t.done();
  }
});

test('stop() and an AbortSignal end the polling; nothing is read after', async () => {
  const t = setup();
  writeFileSync(t.path, line(1));
  const log = new KeyLog();
  const f = await followKeyLog(t.path, log, { intervalMs: 20 });
  await f.stop();
  const polls = f.polls;
  appendFileSync(t.path, line(2));
  await sleep(100);
  await f.poll();
  assert.equal(f.polls, polls);
  assert.equal(log.lookup(random(2)), undefined);

  const ac = new AbortController();
  const g = new KeyLogFollower(t.path, log, { intervalMs: 20, signal: ac.signal });
  await g.start();
  assert.ok(log.lookup(random(2)));
  ac.abort();
  await sleep(50);
  const after = g.polls;
  appendFileSync(t.path, line(3));
  await sleep(100);
  assert.equal(g.polls, after);
  assert.equal(log.lookup(random(3)), undefined);
  t.done();
});

test('a big append is read in bounded pieces up to the size seen', async () => {
  const t = setup();
  writeFileSync(t.path, '');
  const log = new KeyLog();
  const f = await followKeyLog(t.path, log, { intervalMs: 1_000_000 });
  try {
    const n = 30_000; // ~4.5 MB
    let text = '';
    for (let i = 0; i < n; i++) text += line(i);
    appendFileSync(t.path, text);
    await f.poll();
    assert.equal(log.size, n);
    assert.equal(f.position, statSync(t.path).size);
  } finally {
    await f.stop();
    t.done();
  }
});
