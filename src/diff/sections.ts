// The comparison itself: each input's Connection flattened into the same sections of fields,
// then every field compared across the inputs. The first input is the reference that list
// changes (added / removed / moved) are described against. Pure: no I/O, no colour.
import type { Alert, CertInfo, CodePoint, Connection, Finding, ServerHello } from '../tls/model.js';
import { finalServerHello, isRsaPkcs1, isRsaPssRsae, outcomeLabel } from '../tls/queries.js';
import { compareLists, isEmptyChange, uniqueKeys, type ListChange, type ListItem } from './list.js';

export type ItemStatus = 'same' | 'added' | 'removed' | 'moved' | 'changed' | 'absent';

export interface ItemCell {
  /** 1-based position in this input's list (ordered lists). */
  position?: number;
  /** The item's value (unordered lists). */
  value?: string;
  /** Relative to the reference; the reference's own cells are 'same' or 'absent'. */
  status: ItemStatus;
}

export interface ItemRow {
  key: string;
  cells: ItemCell[];
  equal: boolean;
}

export interface ValueRow {
  kind: 'value';
  /** Stable dotted name for scripts, e.g. "certificateRequest.present". */
  field: string;
  label: string;
  /** One per input; null when the input has no such value. */
  values: (string | null)[];
  equal: boolean;
}

export interface ListRow {
  kind: 'list';
  field: string;
  label: string;
  /** Whether order matters (and "moved" is reported). */
  ordered: boolean;
  /** One per input; null when the list (its message or extension) is absent. */
  lists: (ListItem[] | null)[];
  /** One per input, against the reference; null for the reference itself. */
  changes: (ListChange | null)[];
  /** The union of the items: the reference's in order, then the others' additions. */
  items: ItemRow[];
  equal: boolean;
}

export type Row = ValueRow | ListRow;

export interface Section {
  id: string;
  title: string;
  rows: Row[];
}

/** Fields equal and in all, per section. */
export function sectionCounts(s: Section): { equal: number; total: number } {
  return { equal: s.rows.filter((r) => r.equal).length, total: s.rows.length };
}

export function allEqual(sections: readonly Section[]): boolean {
  return sections.every((s) => s.rows.every((r) => r.equal));
}

// ---- row builders ---------------------------------------------------------------------------------

type Maybe<T> = T | null | undefined;

function valueRow(field: string, label: string, values: Maybe<string>[]): ValueRow | undefined {
  const v = values.map((x) => (x === undefined ? null : x));
  if (v.every((x) => x === null)) return undefined;
  return { kind: 'value', field, label, values: v, equal: v.every((x) => x === v[0]) };
}

function listRow(field: string, label: string, lists: Maybe<ListItem[]>[], ordered = true): ListRow | undefined {
  const l = lists.map((x) => (x === undefined ? null : x));
  if (l.every((x) => x === null)) return undefined;
  const ref = l[0]!;
  const changes = l.map((x, i) => (i === 0 ? null : compareLists(ref, x, ordered)));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const list of l) for (const it of list ?? []) if (!seen.has(it.key)) (seen.add(it.key), keys.push(it.key));
  const items = keys.map((key): ItemRow => {
    const cells = l.map((list, i): ItemCell => {
      const at = list ? list.findIndex((it) => it.key === key) : -1;
      const cell: ItemCell = { status: at < 0 ? 'absent' : 'same' };
      if (at >= 0) {
        if (ordered) cell.position = at + 1;
        else cell.value = list![at]!.value ?? 'present';
      }
      const c = changes[i];
      if (c) {
        if (c.added.some((x) => x.item === key)) cell.status = 'added';
        else if (c.removed.some((x) => x.item === key)) cell.status = 'removed';
        else if (c.moved.some((x) => x.item === key)) cell.status = 'moved';
        else if (c.changed.some((x) => x.item === key)) cell.status = 'changed';
      }
      return cell;
    });
    return { key, cells, equal: cells.every((c) => c.status === 'same' || c.status === 'absent') };
  });
  // An absent list and an empty one are different facts (no CertificateRequest vs an empty list).
  const presence = l.every((x) => (x === null) === (ref === null));
  const equal = presence && changes.every((c) => c === null || isEmptyChange(c));
  return { kind: 'list', field, label, ordered, lists: l, changes, items, equal };
}

function codes(list: Maybe<readonly CodePoint[]>): ListItem[] | undefined {
  if (!list) return undefined;
  return uniqueKeys(list.map((c) => c.name)).map((key) => ({ key }));
}

function strings(list: Maybe<readonly string[]>): ListItem[] | undefined {
  if (!list) return undefined;
  return uniqueKeys(list).map((key) => ({ key }));
}

const yesNo = (b: boolean | undefined): string => (b ? 'yes' : 'no');

// ---- field formats --------------------------------------------------------------------------------

function keyText(cert: CertInfo): string {
  const k = cert.publicKey;
  const parts = [k.algorithm];
  if (k.bits) parts.push(`${k.bits} bits`);
  if (k.curve) parts.push(k.curve);
  if (k.pss) parts.push(`(PSS ${k.pss.hash}, salt ${k.pss.saltLength})`);
  return parts.join(' ');
}

/** "server fatal handshake_failure after certificate_request"; encrypted alerts have no level. */
export function alertKey(a: Alert): string {
  const what = a.encrypted || !a.description ? 'encrypted alert' : `${a.level?.name ?? '?'} ${a.description.name}`;
  return `${a.from} ${what}${a.after ? ` after ${a.after}` : ''}`;
}

function chainRows(prefix: string, labelPrefix: string, chains: Maybe<CertInfo[]>[]): Row[] {
  const rows: (Row | undefined)[] = [];
  const n = Math.max(0, ...chains.map((c) => c?.length ?? 0));
  for (let i = 0; i < n; i++) {
    const at = (f: (c: CertInfo) => Maybe<string>) => chains.map((c) => (c && c[i] ? f(c[i]!) : null));
    const p = `${prefix}[${i}]`;
    const l = `${labelPrefix}#${i + 1}`;
    rows.push(
      valueRow(`${p}.subject`, `${l} subject`, at((c) => c.subject)),
      valueRow(`${p}.issuer`, `${l} issuer`, at((c) => c.issuer)),
      valueRow(`${p}.publicKey`, `${l} key`, at(keyText)),
      valueRow(`${p}.signatureAlgorithm`, `${l} signature`, at((c) => c.signatureAlgorithm.name)),
      valueRow(`${p}.validity`, `${l} validity`, at((c) => `${c.notBefore} – ${c.notAfter}`)),
      valueRow(`${p}.san`, `${l} SAN`, at((c) => c.san?.join(', '))),
      valueRow(`${p}.keyUsage`, `${l} key usage`, at((c) => c.keyUsage?.join(', '))),
      valueRow(`${p}.extKeyUsage`, `${l} extended key usage`, at((c) => c.extKeyUsage?.join(', '))),
      // The fingerprint tells a re-issued certificate with the same names from the same one.
      valueRow(`${p}.sha256`, `${l} SHA-256`, at((c) => `${c.sha256.slice(0, 16)}…`)),
      valueRow(`${p}.error`, `${l} decode error`, at((c) => c.error)),
    );
  }
  return rows.filter((r): r is Row => r !== undefined);
}

function chainLength(list: Maybe<CertInfo[]>, noneText: string): string {
  if (!list) return noneText;
  if (list.length === 0) return 'empty Certificate';
  return `${list.length} certificate${list.length === 1 ? '' : 's'}`;
}

/**
 * The first scheme an ordinary RSA key (rsaEncryption) can use in a TLS 1.2 list: rsa_pkcs1_* or
 * rsa_pss_rsae_* (rsa_pss_pss_* needs an RSA-PSS key). RSA-PSS first is the smartcard trap.
 */
function firstForRsaKey(list: Maybe<readonly CodePoint[]>): string | null {
  if (!list) return null;
  const i = list.findIndex((s) => isRsaPkcs1(s.code) || isRsaPssRsae(s.code));
  return i < 0 ? 'none' : `${list[i]!.name} (#${i + 1})`;
}

function keyExchangeGroup(c: Connection): string | undefined {
  const g = finalServerHello(c)?.keyShare?.group ?? c.serverKeyExchange?.group;
  if (g) return g.name;
  if (c.serverKeyExchange?.dhPrimeBits) return `DH ${c.serverKeyExchange.dhPrimeBits} bits`;
  return undefined;
}

function helloRetry(c: Connection): string | undefined {
  if (!c.serverHello) return undefined;
  const hrr = [c.serverHello, ...(c.additionalServerHellos ?? [])].find((h) => h.helloRetryRequest);
  if (!hrr) return 'no';
  return hrr.selectedGroup ? `yes, asks for ${hrr.selectedGroup.name}` : 'yes';
}

// ---- sections -------------------------------------------------------------------------------------

/** Builds every section for the inputs (first = reference); `findings[i]` belongs to `conns[i]`. */
export function buildSections(conns: readonly Connection[], findings: readonly (Finding[] | null)[]): Section[] {
  const ch = conns.map((c) => c.clientHello);
  const sh = conns.map(finalServerHello);
  const ske = conns.map((c) => c.serverKeyExchange);
  const cr = conns.map((c) => c.certificateRequest);
  const cv = conns.map((c) => c.certificateVerify);
  const section = (id: string, title: string, rows: (Row | undefined)[]): Section => ({
    id,
    title,
    rows: rows.filter((r): r is Row => r !== undefined),
  });
  return [
    section('versions', 'Versions', [
      valueRow('clientHello.version', 'ClientHello legacy_version', ch.map((h) => h?.version.name)),
      listRow('clientHello.supportedVersions', 'ClientHello supported_versions', ch.map((h) => codes(h?.supportedVersions))),
      valueRow('clientHello.sslv2', 'SSLv2-format ClientHello', ch.map((h) => (h?.sslv2 ? 'yes' : null))),
      valueRow('serverHello.version', 'ServerHello legacy_version', sh.map((h) => h?.version.name)),
    ]),
    section('cipher-suites', 'Cipher suites', [
      listRow('clientHello.cipherSuites', 'ClientHello cipher_suites', ch.map((h) => codes(h?.cipherSuites))),
      listRow('clientHello.cipherSpecs', 'ClientHello SSLv2 cipher specs', ch.map((h) => codes(h?.cipherSpecs))),
      listRow('clientHello.compressionMethods', 'ClientHello compression_methods', ch.map((h) => codes(h?.compressionMethods))),
    ]),
    section('extensions', 'Extensions', [
      listRow('clientHello.extensions', 'ClientHello extensions', ch.map((h) => codes(h?.extensions))),
      listRow('serverHello.extensions', 'ServerHello extensions', sh.map((h) => codes(h?.extensions))),
      valueRow('clientHello.serverName', 'server_name (SNI)', ch.map((h) => h?.serverName)),
      listRow('clientHello.alpn', 'ALPN offered', ch.map((h) => strings(h?.alpn))),
      valueRow('clientHello.statusRequest', 'status_request', ch.map((h) => (h?.statusRequest ? `type ${h.statusRequest.type}` : null))),
      listRow('clientHello.pskKeyExchangeModes', 'psk_key_exchange_modes', ch.map((h) => codes(h?.pskKeyExchangeModes))),
      valueRow('clientHello.recordSizeLimit', 'record_size_limit', ch.map((h) => h?.recordSizeLimit?.toString())),
      listRow('clientHello.compressCertificate', 'compress_certificate', ch.map((h) => codes(h?.compressCertificate))),
      listRow('clientHello.certificateAuthorities', 'certificate_authorities', ch.map((h) => strings(h?.certificateAuthorities))),
      valueRow('clientHello.sessionTicket', 'session_ticket offered', ch.map((h) => (h?.sessionTicket ? (h.sessionTicket.length ? `${h.sessionTicket.length} bytes` : 'empty') : null))),
      valueRow('clientHello.errors', 'extensions not decoded', ch.map((h) => h?.extensions.filter((e) => e.error).map((e) => e.name).join(', ') || null)),
    ]),
    section('groups', 'Supported groups', [
      listRow('clientHello.supportedGroups', 'supported_groups', ch.map((h) => codes(h?.supportedGroups))),
      listRow('clientHello.keyShares', 'key_share groups', ch.map((h) => (h?.keyShares ? codes(h.keyShares.map((k) => k.group)) : null))),
      listRow('clientHello.ecPointFormats', 'ec_point_formats', ch.map((h) => codes(h?.ecPointFormats))),
    ]),
    section('signature-algorithms', 'ClientHello signature_algorithms', [
      listRow('clientHello.signatureAlgorithms', 'signature_algorithms', ch.map((h) => codes(h?.signatureAlgorithms))),
      listRow('clientHello.signatureAlgorithmsCert', 'signature_algorithms_cert', ch.map((h) => codes(h?.signatureAlgorithmsCert))),
    ]),
    section('selected', 'Selected', [
      valueRow('version', 'version', conns.map((c) => c.version?.name)),
      valueRow('serverHello.cipherSuite', 'cipher suite', sh.map((h) => h?.cipherSuite.name)),
      valueRow('group', 'key exchange group', conns.map(keyExchangeGroup)),
      valueRow('serverHello.alpn', 'ALPN', sh.map((h) => h?.alpn?.join(', '))),
      valueRow('serverHello.helloRetryRequest', 'HelloRetryRequest', conns.map(helloRetry)),
      valueRow('serverHello.compressionMethod', 'compression', sh.map((h) => h?.compressionMethod.name)),
      valueRow('serverHello.extendedMasterSecret', 'extended_master_secret', sh.map((h) => (h ? yesNo(h.extendedMasterSecret) : null))),
    ]),
    section('server-key-exchange', 'ServerKeyExchange', [
      valueRow('serverKeyExchange.present', 'ServerKeyExchange', ske.map((s) => (s ? 'present' : 'absent'))),
      valueRow('serverKeyExchange.kind', 'kind', ske.map((s) => s?.kind)),
      valueRow('serverKeyExchange.group', 'group', ske.map((s) => s?.group?.name)),
      valueRow('serverKeyExchange.publicKeyLength', 'public key length', ske.map((s) => s?.publicKeyLength?.toString())),
      valueRow('serverKeyExchange.dhPrimeBits', 'DH prime bits', ske.map((s) => s?.dhPrimeBits?.toString())),
      valueRow('serverKeyExchange.dhGenerator', 'DH generator', ske.map((s) => s?.dhGenerator)),
      valueRow('serverKeyExchange.rsaModulusBits', 'RSA modulus bits', ske.map((s) => s?.rsaModulusBits?.toString())),
      valueRow('serverKeyExchange.signatureAlgorithm', 'signature algorithm', ske.map((s) => s?.signatureAlgorithm?.name)),
      valueRow('serverKeyExchange.signatureLength', 'signature length', ske.map((s) => s?.signatureLength?.toString())),
      valueRow('clientKeyExchange.kind', 'ClientKeyExchange', conns.map((c) => c.clientKeyExchange?.kind)),
    ]),
    section('certificate-request', 'CertificateRequest', [
      valueRow('certificateRequest.present', 'CertificateRequest', cr.map((r) => (r ? 'present' : 'absent'))),
      listRow('certificateRequest.certificateTypes', 'certificate_types', cr.map((r) => codes(r?.certificateTypes))),
      listRow('certificateRequest.signatureAlgorithms', 'signature_algorithms', cr.map((r) => codes(r?.signatureAlgorithms))),
      valueRow('certificateRequest.firstRsaScheme', 'first for an RSA key', cr.map((r) => firstForRsaKey(r?.signatureAlgorithms))),
      listRow('certificateRequest.certificateAuthorities', 'certificate_authorities', cr.map((r) => strings(r?.certificateAuthorities))),
    ]),
    section('server-certificates', 'Server certificates', [
      valueRow('certificates.length', 'server Certificate', conns.map((c) => chainLength(c.certificates, 'not seen'))),
      ...chainRows('certificates', '', conns.map((c) => c.certificates)),
    ]),
    section('client-certificate', 'Client certificate and CertificateVerify', [
      valueRow('clientCertificates.length', 'client Certificate', conns.map((c) => chainLength(c.clientCertificates, 'not sent'))),
      ...chainRows('clientCertificates', 'client ', conns.map((c) => c.clientCertificates)),
      valueRow('certificateVerify.present', 'CertificateVerify', cv.map((v) => (v ? 'present' : 'absent'))),
      valueRow('certificateVerify.signatureAlgorithm', 'CertificateVerify signature', cv.map((v) => v?.signatureAlgorithm?.name)),
      valueRow('certificateVerify.signatureLength', 'CertificateVerify length', cv.map((v) => v?.signatureLength.toString())),
    ]),
    section('alerts', 'Alerts', [
      listRow('alerts', 'alerts', conns.map((c) => strings(c.alerts.map(alertKey)))),
      valueRow('outcome', 'outcome', conns.map((c) => outcomeLabel(c))),
      valueRow('errors', 'decoder errors', conns.map((c) => (c.errors.length ? c.errors.map((e) => e.message).join('; ') : null))),
    ]),
    section('findings', 'Findings', [
      listRow('findings', 'findings', findings.map((f) => (f ? f.map((x) => ({ key: x.id, value: x.severity })) : null)), false),
    ]),
  ];
}
