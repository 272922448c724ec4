// The output cap of one reported connection (src/limits.ts MAX_OUTPUT_LIST, MAX_OUTPUT_STRING):
// a hostile 64 KB hello of 32,000 cipher suites, a 60 KB server_name or a 30 KB hex dump in an
// error must not flood the terminal or the JSON log. Applied to result(); the session's own state
// is never modified (copy on write), and each cut is reported on the connection.
import { MAX_ERRORS, MAX_OUTPUT_LIST, MAX_OUTPUT_STRING } from '../limits.js';
import type { Connection } from './model.js';

const HEX = /^[0-9a-f]+$/;

/**
 * Where the walk is: the keys from the connection down to the current value, pushed and popped
 * as it goes. The dotted path string is only made for a value that is actually cut (making it,
 * or even a node object, for every value cost more than the walk).
 */
type Keys = (string | number)[];

function pathText(keys: Keys): string {
  let s = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    s += typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`;
  }
  return s;
}

/**
 * Frozen objects are the interned, shared parts of a connection (code points, certificates
 * from the decode cache); once one has been walked without a cut it never needs walking again.
 */
const withinCaps = new WeakSet<object>();

/** A frozen object already walked without a cut (only frozen objects are ever remembered). */
function known(v: object): boolean {
  return Object.isFrozen(v) && withinCaps.has(v);
}

function clip(v: unknown, keys: Keys, notes: string[]): unknown {
  if (typeof v === 'string') {
    if (v.length <= MAX_OUTPUT_STRING) return v;
    notes.push(`LimitExceeded: ${pathText(keys)} is ${v.length} characters; the first ${MAX_OUTPUT_STRING} are kept (MAX_OUTPUT_STRING)`);
    // Hex fields keep whole bytes (and their schema pattern); text gets an ellipsis.
    return HEX.test(v) ? v.slice(0, MAX_OUTPUT_STRING) : `${v.slice(0, MAX_OUTPUT_STRING - 1)}…`;
  }
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || known(v)) return v;
  const before = notes.length;
  // Only a deep-frozen subtree may be remembered: frozen itself, and every object in it too.
  let fixed = Object.isFrozen(v);
  let out: unknown;
  if (Array.isArray(v)) {
    let arr: unknown[] = v;
    if (v.length > MAX_OUTPUT_LIST) {
      notes.push(`LimitExceeded: ${pathText(keys)} has ${v.length} entries; the first ${MAX_OUTPUT_LIST} are kept (MAX_OUTPUT_LIST)`);
      arr = v.slice(0, MAX_OUTPUT_LIST);
    }
    for (let i = 0; i < arr.length; i++) {
      const item = arr[i];
      // Numbers, booleans and short strings, the bulk of every list, need no walk.
      if (typeof item !== 'object' && (typeof item !== 'string' || item.length <= MAX_OUTPUT_STRING)) continue;
      // null, and shared frozen parts walked before (code points, certificates): nothing to do.
      if (item === null || (typeof item === 'object' && known(item))) continue;
      keys.push(i);
      const c = clip(item, keys, notes);
      keys.pop();
      if (c !== item) {
        if (arr === v) arr = v.slice();
        arr[i] = c;
      }
      if (fixed && item !== null && typeof item === 'object' && !known(item)) fixed = false;
    }
    out = arr;
  } else {
    let copy: Record<string, unknown> | undefined;
    const obj = v as Record<string, unknown>;
    for (const key in obj) {
      const item = obj[key];
      if (typeof item !== 'object' && (typeof item !== 'string' || item.length <= MAX_OUTPUT_STRING)) continue;
      if (item === null || (typeof item === 'object' && known(item))) continue;
      keys.push(key);
      const c = clip(item, keys, notes);
      keys.pop();
      if (c !== item) {
        copy ??= { ...obj };
        copy[key] = c;
      }
      if (fixed && item !== null && typeof item === 'object' && !known(item)) fixed = false;
    }
    out = copy ?? v;
  }
  if (fixed && notes.length === before) withinCaps.add(v);
  return out;
}

/** The connection with every over-long list and string cut; the cuts are added to its errors. */
export function clipConnection(c: Connection): Connection {
  const notes: string[] = [];
  const out = clip(c, [], notes) as Connection;
  if (notes.length === 0) return out;
  const shown = notes.slice(0, MAX_ERRORS).map((message) => ({ message }));
  if (notes.length > MAX_ERRORS) shown.push({ message: `${notes.length - MAX_ERRORS} further output cut(s) not listed` });
  return { ...out, errors: [...out.errors, ...shown] };
}
