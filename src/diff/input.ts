// What a diff input names: a file (pcap, pcapng or JSON Lines from --json) and which of its
// connections. `FILE` is the first TLS connection, `FILE#N` connection N as `tlspeek replay`
// numbers it (#N), `FILE#sni=NAME` the first connection whose ClientHello asked for NAME.
// Pure: the caller reads the files.
import type { Connection } from '../tls/model.js';

export type Selector = { kind: 'first' } | { kind: 'number'; n: number } | { kind: 'sni'; name: string };

export interface InputSpec {
  /** As typed on the command line. */
  raw: string;
  file: string;
  selector: Selector;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Splits "FILE#N" / "FILE#sni=NAME". A file whose own name has a "#" still works: when the whole
 * argument exists as a file and the part before the "#" does not, it is taken as the file.
 */
export function parseInput(raw: string, exists: (path: string) => boolean): InputSpec {
  const hash = raw.lastIndexOf('#');
  if (hash < 0) return { raw, file: raw, selector: { kind: 'first' } };
  const file = raw.slice(0, hash);
  const sel = raw.slice(hash + 1);
  if (exists(raw) && !exists(file)) return { raw, file: raw, selector: { kind: 'first' } };
  if (/^\d+$/.test(sel)) {
    const n = Number(sel);
    if (n < 1) throw new InputError(`${raw}: connection numbers start at 1 (as replay shows them: #1, #2, …)`);
    return { raw, file, selector: { kind: 'number', n } };
  }
  const sni = /^sni=(.+)$/i.exec(sel);
  if (sni) return { raw, file, selector: { kind: 'sni', name: sni[1]! } };
  throw new InputError(`${raw}: unknown selector "#${sel}" (use FILE#N or FILE#sni=NAME)`);
}

export function describeSelector(s: Selector): string {
  switch (s.kind) {
    case 'first':
      return 'first TLS connection';
    case 'number':
      return `#${s.n}`;
    case 'sni':
      return `#sni=${s.name}`;
  }
}

/** True when the bytes look like JSON Lines (a "{" first) rather than a pcap/pcapng magic. */
export function looksLikeJsonLines(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b;
}

function isConnection(v: unknown): v is Connection {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'number' && typeof o.tls === 'boolean' && Array.isArray(o.alerts) && typeof o.client === 'string';
}

/** The connections of a JSON Lines file saved from `tlspeek replay --json` (or proxy --json). */
export function parseJsonLines(text: string, file: string): Connection[] {
  const out: Connection[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${file}:${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!isConnection(v)) throw new InputError(`${file}:${i + 1}: not a connection from tlspeek --json`);
    out.push(v);
  });
  return out;
}

function countText(conns: readonly Connection[]): string {
  if (conns.length === 0) return 'no connections';
  const ids = conns.map((c) => `#${c.id}`);
  const shown = ids.length > 8 ? `${ids.slice(0, 8).join(', ')}, …` : ids.join(', ');
  return `${conns.length} connection${conns.length === 1 ? '' : 's'}: ${shown}`;
}

/**
 * Picks the connection a selector names, from connections in file order (pcap: by number;
 * JSON Lines: line order). Throws InputError with one line saying what there was instead.
 */
export function selectConnection(conns: readonly Connection[], spec: InputSpec): Connection {
  const s = spec.selector;
  if (s.kind === 'first') {
    const c = conns.find((x) => x.tls);
    if (!c) throw new InputError(`${spec.raw}: no TLS connection (${countText(conns)})`);
    return c;
  }
  if (s.kind === 'number') {
    const found = conns.filter((x) => x.id === s.n);
    if (found.length === 0) throw new InputError(`${spec.raw}: no connection #${s.n} (${countText(conns)})`);
    // JSON Lines saved from several capture files number each file from #1.
    const files = [...new Set(found.map((x) => x.file ?? ''))];
    if (files.length > 1) {
      throw new InputError(`${spec.raw}: #${s.n} is ambiguous, the file holds connections from ${files.map((f) => f || '(proxy)').join(', ')}`);
    }
    return found[0]!;
  }
  const want = s.name.toLowerCase();
  const c = conns.find((x) => x.clientHello?.serverName?.toLowerCase() === want);
  if (!c) {
    const seen = [...new Set(conns.map((x) => x.clientHello?.serverName).filter((x): x is string => !!x))];
    const what = seen.length ? `SNIs seen: ${seen.slice(0, 8).join(', ')}${seen.length > 8 ? ', …' : ''}` : 'no connection sent SNI';
    throw new InputError(`${spec.raw}: no connection with SNI ${s.name} (${what})`);
  }
  return c;
}

/** Column label: the file's base name without its extension, plus the selector. */
export function defaultLabel(spec: InputSpec): string {
  const base = spec.file.replace(/^.*[\\/]/, '').replace(/\.(pcapng|pcap|cap|jsonl|ndjson|json)$/i, '');
  return spec.selector.kind === 'first' ? base : `${base}${describeSelector(spec.selector)}`;
}

/** Labels for the columns: given ones first, defaults for the rest, repeats told apart. */
export function makeLabels(specs: readonly InputSpec[], given: readonly string[]): string[] {
  const labels = specs.map((s, i) => given[i] ?? defaultLabel(s));
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  return labels.map((l, i) => (count.get(l)! > 1 && given[i] === undefined ? `${l} [${i + 1}]` : l));
}
