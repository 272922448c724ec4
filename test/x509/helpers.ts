// Shared helpers for the X.509 tests: running external oracles (openssl, tshark) and
// undoing RFC 4514 escaping so our strings can be compared with tools that do not escape.

import { execFileSync } from 'node:child_process';

export function run(cmd: string, args: string[], input?: string | Buffer): string {
  return execFileSync(cmd, args, {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}

export function hasTool(cmd: string, args: string[] = ['version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits an RFC 4514 string into [type, unescaped value, separator-before] triples.
 * RFC 4514 §3: pairs are `\` + special, or `\` + two hex digits (one UTF-8 octet).
 */
export function splitRfc4514(dn: string): { type: string; value: string; sep: '' | ',' | '+' }[] {
  const out: { type: string; value: string; sep: '' | ',' | '+' }[] = [];
  if (dn === '') return out;
  let i = 0;
  let sep: '' | ',' | '+' = '';
  while (i <= dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new Error(`no '=' in ${JSON.stringify(dn.slice(i))}`);
    const type = dn.slice(i, eq);
    i = eq + 1;
    const bytes: number[] = [];
    const enc = new TextEncoder();
    for (; i < dn.length; i++) {
      const c = dn[i]!;
      if (c === ',' || c === '+') break;
      if (c === '\\') {
        const h = dn.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          bytes.push(parseInt(h, 16));
          i += 2;
        } else {
          bytes.push(...enc.encode(dn[i + 1]!));
          i += 1;
        }
      } else {
        const cp = dn.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        bytes.push(...enc.encode(ch));
        i += ch.length - 1;
      }
    }
    out.push({ type, value: new TextDecoder().decode(new Uint8Array(bytes)), sep });
    if (i >= dn.length) break;
    sep = dn[i] as ',' | '+';
    i++;
  }
  return out;
}

/** One DER TLV (X.690 §8.1: definite length, short or long form) around the given parts. */
export function tlv(tag: number, ...parts: (Uint8Array | string)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'hex') : p)));
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
