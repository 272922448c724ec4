// Fingerprints of a decoded connection: JA3 and JA4 of the first ClientHello, JA3S of the
// ServerHello that settled the handshake (after a HelloRetryRequest, the real ServerHello).
// Pure: computed from the decoded model, no bytes needed. The result type, Fingerprints, lives in
// tls/model.ts with the Connection that carries it.
import { digestHex } from './digest.js';
import type { ClientHello, Connection, Fingerprints } from '../tls/model.js';
import { FifoMap } from '../util/fifo-map.js';
import { finalServerHello } from '../tls/queries.js';
import { ja3String, ja3sString } from './ja3.js';
import { ja4, ja4Raw } from './ja4.js';

export interface FingerprintOptions {
  ja4Raw?: boolean;
}


/** MD5 hex, or undefined when the provider refuses it (OpenSSL FIPS mode). */
function md5(s: string, notes: string[]): string | undefined {
  try {
    return digestHex('md5', s);
  } catch (e) {
    const note = `JA3 hashes unavailable: MD5 refused by the crypto provider (FIPS mode?): ${e instanceof Error ? e.message : String(e)}`;
    if (!notes.includes(note)) notes.push(note);
    return undefined;
  }
}

/** Most hello shapes whose fingerprints are remembered. */
const MAX_REMEMBERED = 4096;
const clientPrints = new FifoMap<string, { full: string; ja3: string; ja4: string | undefined }>(MAX_REMEMBERED);
const serverPrints = new FifoMap<string, { full: string; ja3s: string }>(MAX_REMEMBERED);

/** A number per frozen (interned, shared) list, 0 for none; undefined for a list of its own. */
const listIds = new WeakMap<object, number>();
let nextListId = 1;

function listId(list: readonly unknown[] | undefined): number | undefined {
  if (list === undefined) return 0;
  if (!Object.isFrozen(list)) return undefined;
  let id = listIds.get(list);
  if (id === undefined) listIds.set(list, (id = nextListId++));
  return id;
}

/**
 * Everything JA3 and JA4 read from a ClientHello, in a short key: the version, the alpn's first
 * value and the identities of the interned lists. A capture repeats the same few client shapes,
 * and the strings the fingerprints are made from are 200-300 characters to build and to hash.
 * Undefined when a list is not interned (then nothing is remembered).
 */
function clientKey(h: ClientHello): string | undefined {
  const ids = [h.cipherSuites, h.extensions, h.supportedGroups, h.ecPointFormats, h.supportedVersions, h.signatureAlgorithms].map(listId);
  if (ids.includes(undefined)) return undefined;
  return `${h.version.code}|${ids.join('|')}|${h.alpn?.[0] === undefined ? '-' : `a${h.alpn[0]}`}`;
}

export function fingerprints(c: Connection, opts: FingerprintOptions = {}): Fingerprints {
  const out: Fingerprints = {};
  const notes: string[] = [];
  const ch = c.clientHello;
  if (ch) {
    if (ch.sslv2) {
      notes.push('no JA3/JA4: the ClientHello is in SSLv2 format, which neither fingerprint defines');
    } else {
      const key = clientKey(ch);
      const known = key === undefined ? undefined : clientPrints.get(key);
      const full = known?.full ?? ja3String(ch)!;
      out.ja3Full = full;
      const hash = known?.ja3 ?? md5(full, notes);
      if (hash) out.ja3 = hash;
      const j4 = known ? known.ja4 : ja4(ch);
      if (j4) out.ja4 = j4;
      if (key !== undefined && !known && hash) {
        clientPrints.set(key, { full, ja3: hash, ja4: j4 });
      }
      if (opts.ja4Raw) {
        const raw = ja4Raw(ch);
        if (raw) out.ja4Raw = raw;
      }
    }
  }
  const sh = finalServerHello(c);
  if (sh && !sh.sslv2) {
    const extensions = listId(sh.extensions);
    const key = extensions === undefined ? undefined : `${sh.version.code}|${sh.cipherSuite.code}|${extensions}`;
    const known = key === undefined ? undefined : serverPrints.get(key);
    const full = known?.full ?? ja3sString(sh)!;
    out.ja3sFull = full;
    const hash = known?.ja3s ?? md5(full, notes);
    if (hash) out.ja3s = hash;
    if (key !== undefined && !known && hash) {
      serverPrints.set(key, { full, ja3s: hash });
    }
  }
  if (notes.length) out.notes = notes;
  return out;
}
