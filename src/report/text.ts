// The default human output: one block per connection — a header line, the message
// ladder, the decoded details an operator needs for client-auth problems, certificates,
// alerts, findings and errors.
import type { CertInfo, CodePoint, Connection, Finding, LadderEntry } from '../tls/model.js';
import { keyDescription } from '../tls/queries.js';
import { safe, type Style } from './style.js';
import { referRepeats, schemeRepeats, shortenLadderSummary, type Repeat } from './repeats.js';
import { keep, KEEP, outputWidth, visibleLength, wrapLine, type WrapOptions } from './wrap.js';

export interface TextOptions {
  style: Style;
  /** Show every list in full (cipher suites, extensions) instead of a shortened form. */
  verbose?: boolean;
  /** Columns to fit: outputWidth() when not given (COLUMNS, else 100); Infinity for no wrapping. */
  width?: number;
}

const INDENT = '    ';
/** Where the values of a block's fields start ("      signature_algs     ecdsa…"). */
const FIELD_COLUMN = INDENT.length + 21;
/** Continuation lines hang under a field's value while this many columns are left there. */
const MIN_VALUE = 24;

/**
 * The lines of one connection, each logical line wrapped as it is added. Continuation lines keep
 * the label column clear: under the value of a "label  value" line, under the first character
 * of a paragraph (finding details), a little further in for everything else.
 */
class Lines {
  readonly out: string[] = [];
  constructor(readonly width: number) {}

  /** A line whose continuation lines start at column `hang` (default: two in from its first character). */
  add(line: string, hang?: number, opts?: Omit<WrapOptions, 'width' | 'hang'>): void {
    // Most lines fit as they are.
    if (line.length <= this.width) {
      this.out.push(line.includes(KEEP) ? line.replaceAll(KEEP, ' ') : line);
      return;
    }
    let first = 0;
    while (line.charCodeAt(first) === 32) first++;
    const wrapped = wrapLine(line, { width: this.width, hang: hang ?? first + 2, commas: opts?.commas === true, directives: opts?.directives === true });
    for (const l of wrapped) this.out.push(l);
  }

  /**
   * `prefix` (a label, already indented) then `value`: continuation lines under the value while
   * MIN_VALUE columns remain there, else at `fallback`.
   */
  labelled(prefix: string, value: string, fallback: number, opts?: Omit<WrapOptions, 'width' | 'hang'>): void {
    const col = visibleLength(prefix);
    this.add(prefix + value, this.width - col >= MIN_VALUE ? col : fallback, opts);
  }

  /** A block field: "      label              value", the value at FIELD_COLUMN (or a space after a longer label). */
  field(label: string, value: string, opts?: Omit<WrapOptions, 'width' | 'hang'>): void {
    const prefix = `${INDENT}  ${label} `.padEnd(FIELD_COLUMN);
    this.labelled(prefix, value, INDENT.length + 4, opts);
  }
}

function names(list: readonly CodePoint[] | undefined): string {
  return list ? list.map((c) => c.name).join(', ') : '';
}

function shortList(list: readonly CodePoint[], verbose: boolean, max = 12): string {
  if (verbose || list.length <= max) return names(list);
  return `${names(list.slice(0, max))}, … (+${list.length - max} more)`;
}

/** The ladder's direction, never broken. */
const ARROWS = { client: keep('C → S'), server: keep('C ← S') } as const;

function ladderLine(m: LadderEntry, c: Connection, style: Style, out: Lines): void {
  const what = m.type ? m.type.name : m.record;
  const enc = m.decrypted ? style.dim(' [decrypted]') : m.encrypted ? style.dim(' [encrypted]') : '';
  const label = m.record === 'alert' ? (m.summary?.startsWith('fatal') ? style.bad(what) : style.warn(what)) : what;
  const summary = m.summary ? shortenLadderSummary(m.summary, c, m.type?.name) : undefined;
  const detail = summary ? style.dim(safe(summary)) : '';
  const where = m.packet !== undefined ? style.dim(`#${m.packet}`) : '';
  const prefix = `${INDENT}${ARROWS[m.from]}  ${label}${enc}`;
  // Summaries list things without spaces (types rsa_sign,dss_sign; a DN): they may break after a comma.
  if (detail) out.labelled(`${prefix}  `, `${detail}${where ? `  ${where}` : ''}`, INDENT.length + 9, { commas: true });
  else out.add(`${prefix}${where ? `  ${where}` : ''}`, INDENT.length + 9);
}

/** The outcome as the header line says it: what is known, and on what it rests when it was inferred. */
export function outcomeText(c: Connection): string {
  if (c.outcome === 'not-tls') return `not TLS: ${c.notTls ?? 'unknown'}`;
  const inferred = c.outcomeBasis === 'inferred';
  switch (c.outcome) {
    case 'complete':
      return inferred ? `handshake complete (inferred: ${c.outcomeDetail})` : 'handshake complete';
    case 'failed':
      return `failed${inferred ? ' (inferred)' : ''}: ${c.outcomeDetail}`;
    case 'aborted':
      return `aborted: ${c.outcomeDetail}`;
    case 'incomplete':
      return `handshake incomplete: ${c.outcomeDetail}`;
    case 'unknown':
      return `outcome unknown: ${c.outcomeDetail}`;
  }
}

function outcome(c: Connection, style: Style): string {
  // Its first words ("handshake complete", "failed (inferred):") stay on one line.
  const text = safe(outcomeText(c)).replace(/^[^:]*:?/, (head) => (head.split(' ').length <= 4 ? keep(head) : head));
  if (c.outcome === 'not-tls') return style.dim(text);
  if (c.outcome === 'complete') return style.ok(text);
  if (c.outcome === 'failed') return style.bad(text);
  return style.warn(text);
}

function certLines(label: string, certs: CertInfo[], style: Style, out: Lines): void {
  out.add(`${INDENT}${style.head(label)} (${certs.length})`);
  if (certs.length === 0) out.add(`${INDENT}  ${style.warn('empty Certificate message: no certificate sent')}`);
  const field = (name: string, value: string, opts: Omit<WrapOptions, 'width' | 'hang'> = {}): void =>
    out.labelled(`${INDENT}      ${name.padEnd(9)}`, value, INDENT.length + 8, opts);
  certs.forEach((c, i) => {
    if (c.error) {
      out.add(`${INDENT}  [${i}] ${style.bad(`unparsable certificate: ${safe(c.error)}`)}  sha256 ${c.sha256}`, INDENT.length + 6);
      return;
    }
    const key = keyDescription(c.publicKey);
    // Names may break after the commas between their RDNs.
    out.add(`${INDENT}  [${i}] ${safe(c.subject)}`, INDENT.length + 6, { commas: true });
    field('issuer', `${safe(c.issuer)}${c.selfSigned ? style.dim(' (self-signed)') : ''}`, { commas: true });
    field('key', `${key}; signed ${c.signatureAlgorithm.name}`);
    field('valid', `${c.notBefore} → ${c.notAfter}`);
    if (c.san?.length) field('SAN', safe(c.san.join(', ')));
    const usage = [...(c.keyUsage ?? []), ...(c.extKeyUsage ?? [])];
    if (usage.length) field('usage', usage.join(', '));
    if (c.basicConstraints?.ca) field('CA', `yes${c.basicConstraints.pathLength !== undefined ? `, pathlen ${c.basicConstraints.pathLength}` : ''}`);
    field('serial', `${c.serial}  sha256 ${c.sha256}`);
  });
}

/** "1. …", "- …": a detail line that is a list item hangs under its text, not its marker. */
const LIST_ITEM = /^(?:\d+[.)]|[-*\u2022]) /;

function findingLines(findings: Finding[], style: Style, out: Lines, repeats: readonly Repeat[]): void {
  for (const f of findings) {
    const tag = f.severity === 'error' ? style.bad('ERROR') : f.severity === 'warning' ? style.warn('WARNING') : style.info('INFO');
    // Findings quote peer-controlled strings (SNI, ALPN, certificate names): escaped like every other.
    out.add(`${INDENT}${tag} ${f.id}: ${safe(f.title)}`, INDENT.length + 2);
    // A scheme list printed in full in its block is referred to, not repeated (text only: the JSON keeps the detail as the rule wrote it).
    for (const line of referRepeats(f.detail, repeats).split('\n')) {
      const item = LIST_ITEM.exec(line);
      out.add(`${INDENT}  ${safe(line)}`, INDENT.length + 2 + (item ? item[0].length : 0));
    }
    if (f.fix) {
      out.add(`${INDENT}  ${style.head('fix:')}`);
      // One line per server, its continuation lines two in. A directive with its `:`-separated
      // list stays on one line even past the width: wrapped, it would not paste into a config.
      for (const line of f.fix.split('\n')) out.add(`${INDENT}    ${safe(line)}`, INDENT.length + 6, { directives: true });
    }
  }
}

export function renderConnection(c: Connection, opts: TextOptions): string {
  const { style } = opts;
  const verbose = opts.verbose ?? false;
  const out = new Lines(opts.width ?? outputWidth());
  const repeats = c.tls ? schemeRepeats(c) : [];
  const version = c.version ? `  ${keep(c.version.name)}` : '';
  const suite = c.serverHello && !c.serverHello.helloRetryRequest ? `  ${c.serverHello.cipherSuite.name}` : '';
  out.add(style.head(`#${c.id}  ${c.client} → ${c.server}`) + version + suite + `  ${outcome(c, style)}`, INDENT.length);
  if (c.startTime) out.add(`${INDENT}${style.dim(`${c.startTime} … ${c.endTime ?? ''}${c.file ? `  ${c.file}` : ''}`)}`);
  if (!c.tls) {
    // Not TLS where TLS was expected (the not-tls rule) is worth its line here too.
    if (c.findings?.length) findingLines(c.findings, style, out, repeats);
    return out.out.join('\n');
  }

  const pre = c.stats.client.preambleBytes + c.stats.server.preambleBytes;
  if (pre > 0) out.add(`${INDENT}${style.dim(`${pre} bytes of plaintext before TLS (STARTTLS, CONNECT or SOCKS)`)}`);
  for (const m of c.messages) ladderLine(m, c, style, out);
  if (c.messagesDropped) out.add(`${INDENT}${style.dim(`… ${c.messagesDropped} more messages`)}`);

  const ch = c.clientHello;
  if (ch) {
    out.add(`${INDENT}${style.head('ClientHello')}`);
    out.field('version', `${ch.version.name}${ch.supportedVersions ? `; supported_versions ${names(ch.supportedVersions)}` : ''}`);
    if (ch.serverName !== undefined) out.field('server_name', safe(ch.serverName));
    if (ch.alpn) out.field('ALPN', safe(ch.alpn.join(', ')));
    out.field(`cipher suites (${ch.cipherSuites.length})`, shortList(ch.cipherSuites, verbose));
    if (ch.signatureAlgorithms) out.field('signature_algs', names(ch.signatureAlgorithms));
    if (ch.signatureAlgorithmsCert) out.field('sig_algs_cert', names(ch.signatureAlgorithmsCert));
    if (ch.supportedGroups) out.field('groups', names(ch.supportedGroups));
    if (ch.keyShares) out.field('key_share', ch.keyShares.map((k) => `${k.group.name} (${k.keyLength} bytes)`).join(', '));
    out.field(`extensions (${ch.extensions.length})`, shortList(ch.extensions, verbose, 20));
  }
  const sh = c.serverHello;
  if (sh) {
    out.add(`${INDENT}${style.head(sh.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello')}`);
    out.field('version', `${sh.selectedVersion.name}${sh.selectedVersion !== sh.version ? ` (legacy_version ${sh.version.name})` : ''}`);
    out.field('cipher suite', sh.cipherSuite.name);
    if (sh.alpn) out.field('ALPN', safe(sh.alpn.join(', ')));
    if (sh.keyShare) out.field('key_share', sh.keyShare.group.name);
    if (sh.selectedGroup) out.field('selected group', sh.selectedGroup.name);
    out.field(`extensions (${sh.extensions.length})`, names(sh.extensions));
  }
  // "Head  value" lines: continuation lines under the value.
  const headed = (head: string, value: string): void => out.labelled(`${INDENT}${style.head(head)}  `, value, INDENT.length + 4);
  if (c.additionalServerHellos?.length) {
    for (const h of c.additionalServerHellos) headed('then ServerHello', `${h.selectedVersion.name}, ${h.cipherSuite.name}`);
  }
  const fp = c.fingerprints;
  if (fp && (fp.ja3 || fp.ja3Full || fp.ja3s || fp.ja4)) {
    // A fingerprint is one token, its name kept with it; the raw forms are never broken (they are pasted into searches).
    const parts = [fp.ja4 ? `JA4${KEEP}${fp.ja4}` : '', fp.ja3 ? `JA3${KEEP}${fp.ja3}` : '', fp.ja3s ? `JA3S${KEEP}${fp.ja3s}` : ''].filter(Boolean);
    headed('Fingerprints', parts.join('  '));
    if (fp.ja4Raw) out.labelled(`${INDENT}  JA4_r  `, fp.ja4Raw, INDENT.length + 4);
    if (verbose && fp.ja3Full) out.labelled(`${INDENT}  JA3    `, fp.ja3Full, INDENT.length + 4);
    if (verbose && fp.ja3sFull) out.labelled(`${INDENT}  JA3S   `, fp.ja3sFull, INDENT.length + 4);
    for (const n of fp.notes ?? []) out.add(`${INDENT}  ${style.dim(n)}`);
  }
  const ske = c.serverKeyExchange;
  if (ske) {
    const parts = [ske.kind.toUpperCase()];
    if (ske.group) parts.push(`group ${ske.group.name}`);
    if (ske.publicKeyLength !== undefined) parts.push(`public key ${ske.publicKeyLength} bytes`);
    if (ske.dhPrimeBits !== undefined) parts.push(`prime ${ske.dhPrimeBits} bits, g=${ske.dhGenerator}`);
    if (ske.signatureAlgorithm) parts.push(`signed ${ske.signatureAlgorithm.name}`);
    headed('ServerKeyExchange', parts.join(', '));
  }
  const cr = c.certificateRequest;
  if (cr) {
    out.add(`${INDENT}${style.head('CertificateRequest')}`);
    out.field('certificate_types', names(cr.certificateTypes));
    // The one place the full list is printed; the ladder and the findings refer to it (repeats.ts).
    if (cr.signatureAlgorithms) out.field('signature_algs', names(cr.signatureAlgorithms));
    out.add(`${INDENT}  CA names (${cr.certificateAuthorities.length})`);
    for (const dn of cr.certificateAuthorities) out.add(`${INDENT}    ${safe(dn)}`, undefined, { commas: true });
  }
  if (c.certificateVerify) {
    headed('CertificateVerify', `${c.certificateVerify.signatureAlgorithm?.name ?? 'no algorithm field (before TLS 1.2)'}, ${c.certificateVerify.signatureLength}-byte signature`);
  }
  if (c.certificates) certLines('Server certificates', c.certificates, style, out);
  if (c.clientCertificates) certLines('Client certificates', c.clientCertificates, style, out);
  if (c.alerts.length) {
    out.add(`${INDENT}${style.head('Alerts')}`);
    for (const a of c.alerts) {
      const text = a.level === null ? 'encrypted alert' : `${a.level.name} ${a.description?.name}${a.decrypted ? ' (decrypted)' : ''}`;
      const colored = a.level?.code === 2 ? style.bad(text) : style.warn(text);
      out.add(`${INDENT}  ${a.from}: ${colored}${a.after ? ` after ${a.after}` : ''}`);
    }
  }
  if (c.stats.client.encrypted || c.stats.server.encrypted) {
    const enc = (s: typeof c.stats.client) => `${s.encryptedRecords} records, ${s.encryptedBytes} bytes`;
    out.add(`${INDENT}${style.dim(`encrypted: client ${enc(c.stats.client)}; server ${enc(c.stats.server)} (${c.decrypted ? 'handshake and alerts decrypted with the key log, application data not' : 'not decoded'})`)}`);
  }
  if (c.findings?.length) findingLines(c.findings, style, out, repeats);
  if (c.errors.length) {
    out.add(`${INDENT}${style.head('Errors')}`);
    for (const e of c.errors) {
      const where = [e.from, e.offset !== undefined ? `@${e.offset}` : '', e.packet !== undefined ? `packet ${e.packet}` : ''].filter(Boolean).join(' ');
      out.add(`${INDENT}  ${style.bad(safe(e.message))}${where ? style.dim(`  (${where})`) : ''}`);
    }
  }
  if (c.gaps) out.add(`${INDENT}${style.warn(`capture incomplete: ${c.gaps.client} client and ${c.gaps.server} server bytes missing`)}`);
  if (c.midstream) {
    const missed = c.clientHello || c.serverHello ? '' : '; the hellos went by before it began';
    out.add(`${INDENT}${style.warn(`capture joined the connection mid-stream (no SYN)${missed}`)}`);
  }
  return out.out.join('\n');
}
