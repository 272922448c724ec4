// `--trace`: per record and per handshake message, what `openssl s_server -msg -state` shows an
// operator — direction, record header (content type, version, length), handshake type and
// length, with `--hex` the bytes (the 5-byte record header, then each message with its 4-byte
// header, as they were on the wire), then the decoded summary. Alerts are given in words.
// Encrypted records are one line each; long runs of encrypted application data are folded.
import type { Connection } from '../tls/model.js';
import type { TraceEvent } from '../tls/trace.js';
import { codePoint, nameOf } from '../tls/registry/registry.js';
import { CONTENT_TYPES } from '../tls/registry/content-types.js';
import { VERSIONS } from '../tls/registry/versions.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from '../tls/registry/alerts.js';
import { safe, type Style } from './style.js';
import { shortenLadderSummary } from './repeats.js';
import { keep, outputWidth, visibleLength, wrapLine } from './wrap.js';

export interface TraceSource {
  readonly endpoints: readonly [string, string];
  readonly events: readonly TraceEvent[];
  readonly dropped: number;
}

export interface TraceOptions {
  style: Style;
  /** Hex dumps of record headers, plaintext messages and plaintext record bodies. */
  hex?: boolean;
  /** Encrypted application_data records shown one by one before a run is folded (default 2). */
  foldAfter?: number;
  /** Columns to fit: outputWidth() when not given (COLUMNS, else 100); Infinity for no wrapping. */
  width?: number;
}

const INDENT = '    ';
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/**
 * `xxd`-style lines: offset, 16 bytes in hex, printable ASCII. Narrower than that (a row of 16
 * takes the indent and 71 columns) rows hold 8 bytes, then 4: a hex dump is never wrapped.
 */
export function hexDump(bytes: Uint8Array, indent: string, width = Infinity): string[] {
  const out: string[] = [];
  let perRow = 16;
  while (perRow > 4 && indent.length + 7 + 4 * perRow > width) perRow /= 2;
  for (let i = 0; i < bytes.length; i += perRow) {
    const row = bytes.subarray(i, Math.min(i + perRow, bytes.length));
    const hex = [...row].map(hex2).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${indent}${hex4(i)}  ${hex.padEnd(3 * perRow - 1)}  ${ascii}`);
  }
  return out;
}

/** The record header as it was on the wire (RFC 5246 §6.2.1): type, version, uint16 length. */
export function recordHeaderBytes(contentType: number, version: number, length: number): Uint8Array {
  return Uint8Array.of(contentType, version >> 8, version & 0xff, length >> 8, length & 0xff);
}

function versionName(v: number): string {
  return `${nameOf(VERSIONS, v)} (0x${hex4(v)})`;
}

/** Alerts in words: "fatal handshake_failure (2/40)". */
function alertWords(body: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i + 1 < body.length; i += 2) {
    words.push(`${codePoint(ALERT_LEVELS, body[i]!).name} ${codePoint(ALERT_DESCRIPTIONS, body[i + 1]!).name} (${body[i]}/${body[i + 1]})`);
  }
  return words.join(', ') || `${body.length}-byte alert record`;
}

export function renderTrace(c: Connection, trace: TraceSource, opts: TraceOptions): string {
  const { style } = opts;
  const hex = opts.hex ?? false;
  const foldAfter = opts.foldAfter ?? 2;
  const width = opts.width ?? outputWidth();
  const clientSide = trace.endpoints[0] === c.client ? 0 : 1;
  const arrow = (side: number) => keep(side === clientSide ? 'C → S' : 'C ← S');
  const lines: string[] = [];
  /** A line whose continuation lines start two columns in from `text` (what follows `prefix`). */
  const add = (prefix: string, text: string): void => {
    const col = visibleLength(prefix);
    lines.push(...wrapLine(prefix + text, { width, hang: width - col >= 24 ? col + 2 : INDENT.length + 9, commas: true }));
  };
  add('', style.head(`trace #${c.id}  ${c.client} → ${c.server}`));
  // Consecutive encrypted application_data records per side, for folding.
  const run = [0, 0];
  const folded = [{ records: 0, bytes: 0 }, { records: 0, bytes: 0 }];
  const flush = (side: number) => {
    const f = folded[side]!;
    if (f.records > 0) add(`${INDENT}${arrow(side)}  `, style.dim(`… ${f.records} more encrypted application_data record(s), ${f.bytes} bytes`));
    f.records = 0;
    f.bytes = 0;
  };
  for (const e of trace.events) {
    const where = style.dim(`@${e.offset}`.padEnd(7));
    if (e.kind === 'record') {
      const appData = e.contentType === 23 && e.encrypted;
      if (appData) {
        run[e.side]!++;
        if (run[e.side]! > foldAfter) {
          folded[e.side]!.records++;
          folded[e.side]!.bytes += e.length;
          continue;
        }
      } else {
        run[e.side] = 0;
        flush(e.side);
      }
      if (e.contentType < 0) {
        add(`${INDENT}${arrow(e.side)}  ${where}  `, `SSLv2 record, length ${e.length}${e.encrypted ? style.dim(' [encrypted]') : ''}`);
        continue;
      }
      const type = nameOf(CONTENT_TYPES, e.contentType);
      let words = '';
      if (e.contentType === 21) {
        words = e.body ? `: ${e.body.length >= 2 && e.body[0] === 2 ? style.bad(alertWords(e.body)) : style.warn(alertWords(e.body))}` : `: ${style.warn('encrypted alert')}`;
      } else if (e.contentType === 20 && e.body) {
        words = e.encrypted ? '' : style.dim(`: change_cipher_spec (${[...e.body].map(hex2).join(' ')})`);
      } else if (e.encrypted) {
        words = style.dim(' [encrypted]');
      }
      add(`${INDENT}${arrow(e.side)}  ${where}  `, `record ${type} (${e.contentType}), ${versionName(e.version)}, length ${e.length}${words}`);
      if (hex) {
        lines.push(`${INDENT}         header ${[...recordHeaderBytes(e.contentType, e.version, e.length)].map(hex2).join(' ')}`);
        if (e.body) lines.push(...hexDump(e.body, `${INDENT}         `, width));
      }
      continue;
    }
    run[e.side] = 0;
    flush(e.side);
    const bodyLength = e.record === 'sslv2' ? e.bytes.length : e.bytes.length - 4;
    // The CertificateRequest's long scheme list is printed in full once, in the connection's block (repeats.ts).
    const summary = e.entry.summary ? `  ${style.dim(safe(shortenLadderSummary(e.entry.summary, c, e.type.name)))}` : '';
    const packet = e.entry.packet !== undefined ? style.dim(`  #${e.entry.packet}`) : '';
    const label = e.record === 'sslv2' ? 'SSLv2 message' : 'handshake';
    add(`${INDENT}${arrow(e.side)}  ${where}    `, `${label} ${e.type.name} (${e.type.code}), length ${bodyLength}${summary}${packet}`);
    if (hex) lines.push(...hexDump(e.bytes, `${INDENT}           `, width));
  }
  flush(0);
  flush(1);
  if (trace.dropped > 0) add(INDENT, style.dim(`… ${trace.dropped} further events not kept`));
  return lines.join('\n');
}
