// Shared pieces for the rules: building findings, naming things the way the output quotes them,
// classifying signature schemes, and working out where in the handshake an alert came.
import type { Alert, CertInfo, CodePoint, Connection, Finding, LadderEntry, Role, StreamEnd } from '../tls/model.js';
import type { Rule, RuleFix, Severity } from './types.js';
import { FifoMap } from '../util/fifo-map.js';
import { isTls13Version, keyDescription } from '../tls/queries.js';

// ---- findings ------------------------------------------------------------------------------------

const FIX_LABELS: [keyof RuleFix, string][] = [
  ['apache', 'Apache httpd'],
  ['nginx', 'nginx'],
  ['openssl', 'openssl'],
  ['client', 'client'],
  ['general', ''],
];

/** One line per server, "Apache httpd: …", in a fixed order. */
export function renderFix(fix: RuleFix): string {
  const lines: string[] = [];
  for (const [key, label] of FIX_LABELS) {
    const text = fix[key];
    if (text) lines.push(label ? `${label}: ${text}` : text);
  }
  return lines.join('\n');
}

export interface FindingOptions {
  severity?: Severity;
  /** A fix specific to this finding; the rule's catalogue fix otherwise. `null` for none. */
  fix?: RuleFix | null;
}

/** What most rules return: nothing, shared (the rules run on every connection). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** renderFix per fix object: the catalogue's fixes are constants. */
const fixText = new WeakMap<RuleFix, string>();
/** The rule's references, frozen once per rule: every finding of it shares them. */
const frozenRefs = new WeakMap<Rule, readonly string[]>();

export function finding(rule: Rule, detail: string, opts: FindingOptions = {}): Finding {
  const f: Finding = { id: rule.id, severity: opts.severity ?? rule.severity, title: rule.title, detail };
  const fix = opts.fix === undefined ? rule.fix : opts.fix;
  if (fix) {
    let text = fixText.get(fix);
    if (text === undefined) fixText.set(fix, (text = renderFix(fix)));
    if (text) f.fix = text;
  }
  if (rule.refs.length) {
    let refs = frozenRefs.get(rule);
    if (refs === undefined) frozenRefs.set(rule, (refs = Object.freeze([...rule.refs])));
    f.refs = refs;
  }
  return f;
}

// ---- naming --------------------------------------------------------------------------------------

export function names(list: readonly CodePoint[] | undefined): string {
  return list && list.length ? list.map((c) => c.name).join(', ') : '(none)';
}

/** "CN=client-rsa,O=Example (RSA 2048 bits)". */
export function certLabel(cert: CertInfo): string {
  return `${cert.subject || '(empty subject)'} (${keyDescription(cert.publicKey, { upperCase: true })})`;
}

/** "1st", "2nd", … for positions in a list (1-based). */
export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

export function roleName(r: Role): string {
  return r === 'client' ? 'the client' : 'the server';
}

export function peer(r: Role): Role {
  return r === 'client' ? 'server' : 'client';
}

// ---- versions, hellos, signature schemes: one answer each, in tls/queries.ts --------------------

export {
  TLS13,
  isTls13Version,
  finalServerHello,
  allClientHellos,
  allServerHellos,
  oneTlsHelloEach,
  negotiatedPre13,
  isRsaPkcs1,
  isRsaPss,
  isRsaPssRsae,
  keyTypesFor,
} from '../tls/queries.js';

/** RFC 5246 §7.4.1.4.1: a TLS 1.2 ClientHello without signature_algorithms means {sha1} × {rsa, dsa, ecdsa}. */
export const DEFAULT_TLS12_SIGALGS = [0x0201, 0x0202, 0x0203];

// ---- certificates --------------------------------------------------------------------------------

/** RFC 4514 strings compared without case and spacing differences. */
export function sameDn(a: string, b: string): boolean {
  return a === b || normDn(a) === normDn(b);
}

/** normDn per name: chains repeat the same few names on every connection. */
const normalized = new FifoMap<string, string>(4096);

function normDn(s: string): string {
  let n = normalized.get(s);
  if (n === undefined) {
    n = s.toLowerCase().replace(/\s*([,=+])\s*/g, '$1').trim();
    normalized.set(s, n);
  }
  return n;
}

export type Validity = 'expired' | 'not-yet-valid';

export function validityAt(cert: CertInfo, now: Date): Validity | undefined {
  const t = now.getTime();
  const nb = parseTime(cert.notBefore);
  const na = parseTime(cert.notAfter);
  if (!Number.isNaN(na) && t > na) return 'expired';
  if (!Number.isNaN(nb) && t < nb) return 'not-yet-valid';
  return undefined;
}

/** Most distinct validity times remembered (certificates repeat across connections; each has two). */
const MAX_TIMES = 4096;
const times = new FifoMap<string, number>(MAX_TIMES);

/** Date.parse, remembered: the same certificates' times are judged on every connection. */
function parseTime(s: string): number {
  let t = times.get(s);
  if (t === undefined) {
    t = Date.parse(s);
    times.set(s, t);
  }
  return t;
}

/** Certificates that parsed well enough to be judged. */
export function usable(certs: readonly CertInfo[] | undefined): CertInfo[] {
  return (certs ?? []).filter((x) => !x.error || (x.subject !== '' && x.publicKey?.algorithm));
}

/** A self-signed certificate: a trust anchor when it is a CA, otherwise a self-signed end entity. */
export function isRoot(cert: CertInfo): boolean {
  return cert.selfSigned;
}

// ---- where things happened -----------------------------------------------------------------------

/** Display names of handshake messages, as the RFCs spell them. */
const MESSAGE_NAMES: Record<string, string> = {
  hello_request: 'HelloRequest',
  client_hello: 'ClientHello',
  server_hello: 'ServerHello',
  hello_retry_request: 'HelloRetryRequest',
  new_session_ticket: 'NewSessionTicket',
  end_of_early_data: 'EndOfEarlyData',
  encrypted_extensions: 'EncryptedExtensions',
  certificate: 'Certificate',
  server_key_exchange: 'ServerKeyExchange',
  certificate_request: 'CertificateRequest',
  server_hello_done: 'ServerHelloDone',
  certificate_verify: 'CertificateVerify',
  client_key_exchange: 'ClientKeyExchange',
  finished: 'Finished',
  certificate_status: 'CertificateStatus',
};

export function messageName(name: string): string {
  return MESSAGE_NAMES[name] ?? name;
}

function ladderName(m: LadderEntry, c: Connection): string {
  if (m.record === 'change_cipher_spec') return 'ChangeCipherSpec';
  if (m.record === 'handshake' && m.encrypted && !m.decrypted) return c.version && isTls13Version(c.version.code) ? 'encrypted handshake' : 'Finished (encrypted)';
  if (m.record === 'application_data') return 'encrypted records';
  const n = m.type?.name ?? m.record;
  // An empty certificate_list is 3 bytes (TLS 1.2) or 4 with the request context (TLS 1.3).
  if (n === 'certificate' && m.length <= 4) return 'Certificate (empty)';
  return messageName(n);
}

export type Stage =
  /** Nothing but the ClientHello(s) before the alert. */
  | 'hello'
  /** After the server's first flight (ServerHello … ServerHelloDone): the client judged the server's certificate, key exchange, CertificateRequest. */
  | 'server-flight'
  /** After the client's second flight (Certificate … Finished): the server judged the client's certificate, key exchange, CertificateVerify, Finished. */
  | 'client-flight'
  /** After the server's Finished or later. */
  | 'late'
  | 'unknown';

export interface AlertContext {
  stage: Stage;
  /** Who sent the messages just before the alert. */
  lastFrom?: Role;
  /** That sender's last flight, in order, e.g. ["Certificate (empty)", "ClientKeyExchange", "ChangeCipherSpec", "Finished (encrypted)"]. */
  flight: string[];
  /** "after the client's Certificate (empty), ClientKeyExchange, ChangeCipherSpec, Finished (encrypted)". */
  where: string;
}

/** The ladder entry of an alert, matched by sender and stream offset. */
function alertIndex(c: Connection, a: Alert): number {
  return c.messages.findIndex((m) => m.record === 'alert' && m.from === a.from && m.offset === a.offset);
}

/** Where in the handshake an alert came, from the message ladder (falls back to Alert.after). */
export function alertContext(c: Connection, a: Alert): AlertContext {
  const idx = alertIndex(c, a);
  const before = (idx >= 0 ? c.messages.slice(0, idx) : c.messages).filter((m) => m.record !== 'alert');
  if (idx < 0 && a.after === undefined) return { stage: 'unknown', flight: [], where: 'at an unknown point' };
  if (idx < 0) {
    // The ladder was capped: only the message name is known.
    const stage: Stage = a.after === 'client_hello' ? 'hello' : 'unknown';
    return { stage, flight: [messageName(a.after!)], where: `after ${messageName(a.after!)}` };
  }
  const relevant = before.filter((m) => m.record !== 'application_data' || m.from !== a.from);
  const last = relevant.at(-1);
  if (!last) return { stage: 'unknown', flight: [], where: 'before any handshake message' };
  const flight: LadderEntry[] = [];
  for (let i = relevant.length - 1; i >= 0 && relevant[i]!.from === last.from; i--) flight.unshift(relevant[i]!);
  const types = new Set(flight.map((m) => m.type?.name ?? m.record));
  const seen = new Set(before.map((m) => m.type?.name ?? ''));
  let stage: Stage = 'unknown';
  if (last.from === 'client' && types.has('client_hello') && !seen.has('server_hello')) stage = 'hello';
  else if (last.from === 'client' && types.has('client_hello')) stage = 'hello';
  else if (last.from === 'server' && (types.has('server_hello_done') || types.has('certificate') || types.has('certificate_request') || types.has('server_key_exchange'))) stage = 'server-flight';
  else if (last.from === 'client' && (types.has('client_key_exchange') || types.has('certificate') || types.has('certificate_verify'))) stage = 'client-flight';
  else if (seen.has('server_hello')) stage = 'late';
  const names = flight.map((m) => ladderName(m, c));
  return { stage, lastFrom: last.from, flight: names, where: `after ${last.from === 'client' ? "the client's" : "the server's"} ${names.join(', ')}` };
}

/**
 * The peer's FIN or RST that came before this alert, if one did: then the alert only answers the
 * close (a stack that reads end-of-stream mid-handshake reports it as decode_error or the like).
 */
export function closedBefore(c: Connection, a: Alert): StreamEnd | undefined {
  const idx = alertIndex(c, a);
  if (idx < 0) return undefined;
  return c.closes?.find((e) => e.from !== a.from && e.afterMessages <= idx);
}

/** Fatal alerts (level 2) whose level is known: plaintext, or decrypted with a key log; in order. */
export function fatalAlerts(c: Connection): Alert[] {
  return c.alerts.filter((a) => a.level?.code === 2);
}

/** The first plaintext fatal alert, if any. */
export function firstFatal(c: Connection): Alert | undefined {
  return fatalAlerts(c)[0];
}

export function alertName(a: Alert): string {
  return a.description?.name ?? 'unknown alert';
}

/** Index in the ladder of the first message of a given handshake type from a side (-1 when absent). */
export function ladderIndexOf(c: Connection, from: Role, type: string): number {
  return c.messages.findIndex((m) => m.from === from && m.type?.name === type);
}
