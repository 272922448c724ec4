// The default human output: one block per connection — a header line, the message
// ladder, the decoded details an operator needs for client-auth problems, certificates,
// alerts, findings and errors.
import type { CertInfo, CodePoint, Connection, Finding, LadderEntry } from '../tls/model.js';
import { keyDescription } from '../tls/queries.js';
import { safe, type Style } from './style.js';

export interface TextOptions {
  style: Style;
  /** Show every list in full (cipher suites, extensions) instead of a shortened form. */
  verbose?: boolean;
}

const INDENT = '    ';

function names(list: readonly CodePoint[] | undefined): string {
  return list ? list.map((c) => c.name).join(', ') : '';
}

function shortList(list: readonly CodePoint[], verbose: boolean, max = 12): string {
  if (verbose || list.length <= max) return names(list);
  return `${names(list.slice(0, max))}, … (+${list.length - max} more)`;
}

function arrow(from: 'client' | 'server'): string {
  return from === 'client' ? 'C → S' : 'C ← S';
}

function ladderLine(m: LadderEntry, style: Style): string {
  const what = m.type ? m.type.name : m.record;
  const enc = m.encrypted ? style.dim(' [encrypted]') : '';
  const label = m.record === 'alert' ? (m.summary?.startsWith('fatal') ? style.bad(what) : style.warn(what)) : what;
  const detail = m.summary ? `  ${style.dim(safe(m.summary))}` : '';
  const where = m.packet !== undefined ? style.dim(`  #${m.packet}`) : '';
  return `${INDENT}${arrow(m.from)}  ${label}${enc}${detail}${where}`;
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
  const text = safe(outcomeText(c));
  if (c.outcome === 'not-tls') return style.dim(text);
  if (c.outcome === 'complete') return style.ok(text);
  if (c.outcome === 'failed') return style.bad(text);
  return style.warn(text);
}

function certLines(label: string, certs: CertInfo[], style: Style): string[] {
  const out = [`${INDENT}${style.head(label)} (${certs.length})`];
  if (certs.length === 0) out.push(`${INDENT}  ${style.warn('empty Certificate message: no certificate sent')}`);
  certs.forEach((c, i) => {
    if (c.error) {
      out.push(`${INDENT}  [${i}] ${style.bad(`unparsable certificate: ${safe(c.error)}`)}  sha256 ${c.sha256}`);
      return;
    }
    const key = keyDescription(c.publicKey);
    out.push(`${INDENT}  [${i}] ${safe(c.subject)}`);
    out.push(`${INDENT}      issuer   ${safe(c.issuer)}${c.selfSigned ? style.dim(' (self-signed)') : ''}`);
    out.push(`${INDENT}      key      ${key}; signed ${c.signatureAlgorithm.name}`);
    out.push(`${INDENT}      valid    ${c.notBefore} → ${c.notAfter}`);
    if (c.san?.length) out.push(`${INDENT}      SAN      ${safe(c.san.join(', '))}`);
    const usage = [...(c.keyUsage ?? []), ...(c.extKeyUsage ?? [])];
    if (usage.length) out.push(`${INDENT}      usage    ${usage.join(', ')}`);
    if (c.basicConstraints?.ca) out.push(`${INDENT}      CA       yes${c.basicConstraints.pathLength !== undefined ? `, pathlen ${c.basicConstraints.pathLength}` : ''}`);
    out.push(`${INDENT}      serial   ${c.serial}  sha256 ${c.sha256}`);
  });
  return out;
}

function findingLines(findings: Finding[], style: Style): string[] {
  const out: string[] = [];
  for (const f of findings) {
    const tag = f.severity === 'error' ? style.bad('ERROR') : f.severity === 'warning' ? style.warn('WARNING') : style.info('INFO');
    // Findings quote peer-controlled strings (SNI, ALPN, certificate names): escaped like every other.
    out.push(`${INDENT}${tag} ${f.id}: ${safe(f.title)}`);
    for (const line of f.detail.split('\n')) out.push(`${INDENT}  ${safe(line)}`);
    if (f.fix) {
      out.push(`${INDENT}  ${style.head('fix:')}`);
      for (const line of f.fix.split('\n')) out.push(`${INDENT}    ${safe(line)}`);
    }
  }
  return out;
}

export function renderConnection(c: Connection, opts: TextOptions): string {
  const { style } = opts;
  const verbose = opts.verbose ?? false;
  const lines: string[] = [];
  const version = c.version ? `  ${c.version.name}` : '';
  const suite = c.serverHello && !c.serverHello.helloRetryRequest ? `  ${c.serverHello.cipherSuite.name}` : '';
  lines.push(style.head(`#${c.id}  ${c.client} → ${c.server}`) + version + suite + `  ${outcome(c, style)}`);
  if (c.startTime) lines.push(`${INDENT}${style.dim(`${c.startTime} … ${c.endTime ?? ''}${c.file ? `  ${c.file}` : ''}`)}`);
  if (!c.tls) {
    // Not TLS where TLS was expected (the not-tls rule) is worth its line here too.
    if (c.findings?.length) lines.push(...findingLines(c.findings, style));
    return lines.join('\n');
  }

  const pre = c.stats.client.preambleBytes + c.stats.server.preambleBytes;
  if (pre > 0) lines.push(`${INDENT}${style.dim(`${pre} bytes of plaintext before TLS (STARTTLS, CONNECT or SOCKS)`)}`);
  for (const m of c.messages) lines.push(ladderLine(m, style));
  if (c.messagesDropped) lines.push(`${INDENT}${style.dim(`… ${c.messagesDropped} more messages`)}`);

  const ch = c.clientHello;
  if (ch) {
    lines.push(`${INDENT}${style.head('ClientHello')}`);
    lines.push(`${INDENT}  version            ${ch.version.name}${ch.supportedVersions ? `; supported_versions ${names(ch.supportedVersions)}` : ''}`);
    if (ch.serverName !== undefined) lines.push(`${INDENT}  server_name        ${safe(ch.serverName)}`);
    if (ch.alpn) lines.push(`${INDENT}  ALPN               ${safe(ch.alpn.join(', '))}`);
    lines.push(`${INDENT}  cipher suites (${ch.cipherSuites.length})`.padEnd(INDENT.length + 21) + shortList(ch.cipherSuites, verbose));
    if (ch.signatureAlgorithms) lines.push(`${INDENT}  signature_algs     ${names(ch.signatureAlgorithms)}`);
    if (ch.signatureAlgorithmsCert) lines.push(`${INDENT}  sig_algs_cert      ${names(ch.signatureAlgorithmsCert)}`);
    if (ch.supportedGroups) lines.push(`${INDENT}  groups             ${names(ch.supportedGroups)}`);
    if (ch.keyShares) lines.push(`${INDENT}  key_share          ${ch.keyShares.map((k) => `${k.group.name} (${k.keyLength} bytes)`).join(', ')}`);
    lines.push(`${INDENT}  extensions (${ch.extensions.length})`.padEnd(INDENT.length + 21) + shortList(ch.extensions, verbose, 20));
  }
  const sh = c.serverHello;
  if (sh) {
    lines.push(`${INDENT}${style.head(sh.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello')}`);
    lines.push(`${INDENT}  version            ${sh.selectedVersion.name}${sh.selectedVersion !== sh.version ? ` (legacy_version ${sh.version.name})` : ''}`);
    lines.push(`${INDENT}  cipher suite       ${sh.cipherSuite.name}`);
    if (sh.alpn) lines.push(`${INDENT}  ALPN               ${safe(sh.alpn.join(', '))}`);
    if (sh.keyShare) lines.push(`${INDENT}  key_share          ${sh.keyShare.group.name}`);
    if (sh.selectedGroup) lines.push(`${INDENT}  selected group     ${sh.selectedGroup.name}`);
    lines.push(`${INDENT}  extensions (${sh.extensions.length})`.padEnd(INDENT.length + 21) + names(sh.extensions));
  }
  if (c.additionalServerHellos?.length) {
    for (const h of c.additionalServerHellos) {
      lines.push(`${INDENT}${style.head('then ServerHello')}  ${h.selectedVersion.name}, ${h.cipherSuite.name}`);
    }
  }
  const fp = c.fingerprints;
  if (fp && (fp.ja3 || fp.ja3Full || fp.ja3s || fp.ja4)) {
    const parts = [fp.ja4 ? `JA4 ${fp.ja4}` : '', fp.ja3 ? `JA3 ${fp.ja3}` : '', fp.ja3s ? `JA3S ${fp.ja3s}` : ''].filter(Boolean);
    lines.push(`${INDENT}${style.head('Fingerprints')}  ${parts.join('  ')}`);
    if (fp.ja4Raw) lines.push(`${INDENT}  JA4_r  ${fp.ja4Raw}`);
    if (verbose && fp.ja3Full) lines.push(`${INDENT}  JA3    ${fp.ja3Full}`);
    if (verbose && fp.ja3sFull) lines.push(`${INDENT}  JA3S   ${fp.ja3sFull}`);
    for (const n of fp.notes ?? []) lines.push(`${INDENT}  ${style.dim(n)}`);
  }
  const ske = c.serverKeyExchange;
  if (ske) {
    const parts = [ske.kind.toUpperCase()];
    if (ske.group) parts.push(`group ${ske.group.name}`);
    if (ske.publicKeyLength !== undefined) parts.push(`public key ${ske.publicKeyLength} bytes`);
    if (ske.dhPrimeBits !== undefined) parts.push(`prime ${ske.dhPrimeBits} bits, g=${ske.dhGenerator}`);
    if (ske.signatureAlgorithm) parts.push(`signed ${ske.signatureAlgorithm.name}`);
    lines.push(`${INDENT}${style.head('ServerKeyExchange')}  ${parts.join(', ')}`);
  }
  const cr = c.certificateRequest;
  if (cr) {
    lines.push(`${INDENT}${style.head('CertificateRequest')}`);
    lines.push(`${INDENT}  certificate_types  ${names(cr.certificateTypes)}`);
    if (cr.signatureAlgorithms) lines.push(`${INDENT}  signature_algs     ${names(cr.signatureAlgorithms)}`);
    lines.push(`${INDENT}  CA names (${cr.certificateAuthorities.length})`);
    for (const dn of cr.certificateAuthorities) lines.push(`${INDENT}    ${safe(dn)}`);
  }
  if (c.certificateVerify) {
    lines.push(`${INDENT}${style.head('CertificateVerify')}  ${c.certificateVerify.signatureAlgorithm?.name ?? 'no algorithm field (before TLS 1.2)'}, ${c.certificateVerify.signatureLength}-byte signature`);
  }
  if (c.certificates) lines.push(...certLines('Server certificates', c.certificates, style));
  if (c.clientCertificates) lines.push(...certLines('Client certificates', c.clientCertificates, style));
  if (c.alerts.length) {
    lines.push(`${INDENT}${style.head('Alerts')}`);
    for (const a of c.alerts) {
      const text = a.encrypted ? 'encrypted alert' : `${a.level?.name} ${a.description?.name}`;
      const colored = a.level?.code === 2 ? style.bad(text) : style.warn(text);
      lines.push(`${INDENT}  ${a.from}: ${colored}${a.after ? ` after ${a.after}` : ''}`);
    }
  }
  if (c.stats.client.encrypted || c.stats.server.encrypted) {
    const enc = (s: typeof c.stats.client) => `${s.encryptedRecords} records, ${s.encryptedBytes} bytes`;
    lines.push(`${INDENT}${style.dim(`encrypted: client ${enc(c.stats.client)}; server ${enc(c.stats.server)} (not decoded)`)}`);
  }
  if (c.findings?.length) lines.push(...findingLines(c.findings, style));
  if (c.errors.length) {
    lines.push(`${INDENT}${style.head('Errors')}`);
    for (const e of c.errors) {
      const where = [e.from, e.offset !== undefined ? `@${e.offset}` : '', e.packet !== undefined ? `packet ${e.packet}` : ''].filter(Boolean).join(' ');
      lines.push(`${INDENT}  ${style.bad(safe(e.message))}${where ? style.dim(`  (${where})`) : ''}`);
    }
  }
  if (c.gaps) lines.push(`${INDENT}${style.warn(`capture incomplete: ${c.gaps.client} client and ${c.gaps.server} server bytes missing`)}`);
  if (c.midstream) {
    const missed = c.clientHello || c.serverHello ? '' : '; the hellos went by before it began';
    lines.push(`${INDENT}${style.warn(`capture joined the connection mid-stream (no SYN)${missed}`)}`);
  }
  return lines.join('\n');
}
