import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTime } from '../../src/util/time.js';

// The oracle is Date itself: isoTime formats the seconds once and keeps a few; whatever it keeps
// must give the same text as formatting each timestamp afresh.
const fresh = (sec: number, nsec: number): string =>
  `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}Z`;

test('isoTime: microseconds, zero-padded, nanoseconds truncated', () => {
  assert.equal(isoTime(1700000000, 0), '2023-11-14T22:13:20.000000Z');
  assert.equal(isoTime(1700000000, 999), '2023-11-14T22:13:20.000000Z');
  assert.equal(isoTime(1700000000, 1000), '2023-11-14T22:13:20.000001Z');
  assert.equal(isoTime(1700000000, 999_999_999), '2023-11-14T22:13:20.999999Z');
});

test('isoTime: seconds asked for in turn (start and end of interleaved connections) each get their own date', () => {
  // Two, three and four seconds in rotation, so that every remembered entry is both hit and replaced.
  for (const cycle of [[10, 11], [10, 11, 12], [10, 11, 12, 13], [11, 10, 10, 11, 86_410]]) {
    for (let i = 0; i < 40; i++) {
      const sec = 1700000000 + cycle[i % cycle.length]!;
      const nsec = (i * 7919 * 1000) % 1e9;
      assert.equal(isoTime(sec, nsec), fresh(sec, nsec), `cycle ${cycle.join(',')} step ${i}`);
    }
  }
});

test('isoTime: timestamps outside RFC 3339 four-digit years are clamped, not thrown', () => {
  assert.equal(isoTime(-1e12, 0), '0000-01-01T00:00:00.000000Z');
  assert.equal(isoTime(1e15, 5000), '9999-12-31T23:59:59.000005Z');
  assert.equal(isoTime(Number.NaN, 0), '0000-01-01T00:00:00.000000Z');
  // And back to ordinary times after a clamped one.
  assert.equal(isoTime(1700000000, 0), '2023-11-14T22:13:20.000000Z');
});
