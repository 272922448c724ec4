// The output cap of one reported connection (src/limits.ts MAX_OUTPUT_LIST, MAX_OUTPUT_STRING):
// a hostile 64 KB hello of 32,000 cipher suites, a 60 KB server_name or a 30 KB hex dump in an
// error must not flood the terminal or the JSON log. Applied to result(); the session's own state
// is never modified (copy on write), and each cut is reported on the connection.
import { MAX_ERRORS, MAX_OUTPUT_LIST, MAX_OUTPUT_STRING } from '../limits.js';
import type { Connection } from './model.js';

const HEX = /^[0-9a-f]+$/;

function clip(v: unknown, path: string, notes: string[]): unknown {
  if (typeof v === 'string') {
    if (v.length <= MAX_OUTPUT_STRING) return v;
    notes.push(`LimitExceeded: ${path} is ${v.length} characters; the first ${MAX_OUTPUT_STRING} are kept (MAX_OUTPUT_STRING)`);
    // Hex fields keep whole bytes (and their schema pattern); text gets an ellipsis.
    return HEX.test(v) ? v.slice(0, MAX_OUTPUT_STRING) : `${v.slice(0, MAX_OUTPUT_STRING - 1)}…`;
  }
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] = v;
    if (v.length > MAX_OUTPUT_LIST) {
      notes.push(`LimitExceeded: ${path} has ${v.length} entries; the first ${MAX_OUTPUT_LIST} are kept (MAX_OUTPUT_LIST)`);
      out = v.slice(0, MAX_OUTPUT_LIST);
    }
    for (let i = 0; i < out.length; i++) {
      const c = clip(out[i], `${path}[${i}]`, notes);
      if (c !== out[i]) {
        if (out === v) out = v.slice();
        out[i] = c;
      }
    }
    return out;
  }
  let out: Record<string, unknown> | undefined;
  const obj = v as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const c = clip(obj[key], path ? `${path}.${key}` : key, notes);
    if (c !== obj[key]) {
      out ??= { ...obj };
      out[key] = c;
    }
  }
  return out ?? v;
}

/** The connection with every over-long list and string cut; the cuts are added to its errors. */
export function clipConnection(c: Connection): Connection {
  const notes: string[] = [];
  const out = clip(c, '', notes) as Connection;
  if (notes.length === 0) return out;
  const shown = notes.slice(0, MAX_ERRORS).map((message) => ({ message }));
  if (notes.length > MAX_ERRORS) shown.push({ message: `${notes.length - MAX_ERRORS} further output cut(s) not listed` });
  return { ...out, errors: [...out.errors, ...shown] };
}
