// Maps tlspeek's Connection onto the shape of the corpus oracle files that tshark made
// (../shared/corpus/README.md, "Oracle format"), so the two can be compared field by field.
import type { CertInfo, ClientHello, Connection, ServerHello } from '../../src/tls/model.js';

export interface OracleFile {
  file: string;
  connections: OracleConnection[];
}

export interface OracleConnection {
  tcp_stream: number;
  client: string;
  server: string;
  records: number;
  record_counts: Record<string, number>;
  client_hello: Record<string, unknown> | null;
  server_hello: Record<string, unknown> | null;
  additional_client_hellos?: Record<string, unknown>[];
  additional_server_hellos?: Record<string, unknown>[];
  certificate_request: { cert_types: number[]; sigalgs: number[] | null; ca_dn_count: number } | null;
  certificates: { from: string; subject: string; issuer: string; serial: string; sig_alg_oid: string; spki_alg_oid: string }[];
  server_key_exchange_sigalg: number | null;
  certificate_verify_sigalg: number | null;
  alerts: { level: number | null; description: number | null; from: string; frame: number; encrypted?: boolean }[];
  handshake_messages: { from: string; type?: number; sslv2_type?: number; frame: number }[];
  tshark_errors?: string[];
}

const CONTENT_TYPE_NUMBERS: Record<string, string> = {
  change_cipher_spec: '20',
  alert: '21',
  handshake: '22',
  application_data: '23',
  heartbeat: '24',
  sslv2: 'sslv2',
};

const codes = (list: readonly { code: number }[] | undefined): number[] | null => (list ? list.map((c) => c.code) : null);

export function clientHelloAsOracle(h: ClientHello): Record<string, unknown> {
  if (h.sslv2 && h.version.code === 2) {
    return {
      legacy_version: h.version.code,
      sslv2_record: true,
      cipher_suites: codes(h.cipherSpecs),
      compression_methods: null,
      extensions: [],
      supported_versions: null,
      sigalgs: null,
      sigalgs_cert: null,
      groups: null,
      key_share_groups: null,
      sni: null,
      alpn: null,
    };
  }
  const out: Record<string, unknown> = {
    legacy_version: h.version.code,
    cipher_suites: h.sslv2 ? codes(h.cipherSpecs) : codes(h.cipherSuites),
    compression_methods: h.sslv2 ? null : codes(h.compressionMethods),
    extensions: codes(h.extensions),
    supported_versions: codes(h.supportedVersions),
    sigalgs: codes(h.signatureAlgorithms),
    sigalgs_cert: codes(h.signatureAlgorithmsCert),
    groups: codes(h.supportedGroups),
    key_share_groups: h.keyShares ? h.keyShares.map((k) => k.group.code) : null,
    sni: h.serverName ?? null,
    alpn: h.alpn ?? null,
  };
  if (h.sslv2) out.sslv2_record = true;
  return out;
}

export function serverHelloAsOracle(h: ServerHello): Record<string, unknown> {
  if (h.sslv2) {
    return { version: h.version.code, sslv2_record: true, cipher_suite: null, cipher_specs: codes(h.cipherSpecs), extensions: [] };
  }
  return {
    version: h.version.code,
    cipher_suite: h.cipherSuite.code,
    extensions: codes(h.extensions),
    supported_version: h.extensions.some((e) => e.code === 43) ? h.selectedVersion.code : null,
    alpn: h.alpn ?? null,
    hello_retry_request: h.helloRetryRequest,
  };
}

/** RFC 4514 short names → the attribute names tshark prints. */
const TSHARK_ATTRIBUTES: Record<string, string> = {
  CN: 'id-at-commonName',
  O: 'id-at-organizationName',
  OU: 'id-at-organizationalUnitName',
  C: 'id-at-countryName',
  L: 'id-at-localityName',
  ST: 'id-at-stateOrProvinceName',
  STREET: 'id-at-streetAddress',
  emailAddress: 'pkcs-9-at-emailAddress',
  serialNumber: 'id-at-serialNumber',
  SN: 'id-at-surname',
  GN: 'id-at-givenName',
  title: 'id-at-title',
  DC: 'id-domainComponent',
  UID: 'id-userId',
  postalCode: 'id-at-postalCode',
  businessCategory: 'id-at-businessCategory',
  jurisdictionC: 'jurisdictionOfIncorporationCountryName',
  jurisdictionST: 'jurisdictionOfIncorporationStateOrProvinceName',
  jurisdictionL: 'jurisdictionOfIncorporationLocalityName',
  organizationIdentifier: 'id-at-organizationIdentifier',
  initials: 'id-at-initials',
  generationQualifier: 'id-at-generationQualifier',
  dnQualifier: 'id-at-dnQualifier',
  pseudonym: 'id-at-pseudonym',
};

/** Splits an RFC 4514 string at unescaped separators and unescapes the values. */
function splitRfc4514(dn: string): { sep: string; type: string; value: string }[] {
  const out: { sep: string; type: string; value: string }[] = [];
  let i = 0;
  let sep = '';
  while (i < dn.length) {
    const eq = dn.indexOf('=', i);
    const type = dn.slice(i, eq);
    let value = '';
    let j = eq + 1;
    for (; j < dn.length; j++) {
      const ch = dn[j]!;
      if (ch === '\\') {
        const next = dn.slice(j + 1, j + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          // Hex pairs are UTF-8 bytes; collect the run and decode it.
          const bytes: number[] = [];
          while (dn[j] === '\\' && /^[0-9a-fA-F]{2}$/.test(dn.slice(j + 1, j + 3))) {
            bytes.push(parseInt(dn.slice(j + 1, j + 3), 16));
            j += 3;
          }
          value += Buffer.from(bytes).toString('utf8');
          j--;
        } else {
          value += dn[j + 1];
          j++;
        }
      } else if (ch === ',' || ch === '+') {
        break;
      } else {
        value += ch;
      }
    }
    out.push({ sep, type, value });
    sep = dn[j] ?? '';
    i = j + 1;
  }
  return out;
}

export function dnAsTshark(dn: string): string {
  if (dn === '') return '';
  return splitRfc4514(dn)
    .map((p) => `${p.sep}${TSHARK_ATTRIBUTES[p.type] ?? p.type}=${p.value}`)
    .join('');
}

function certAsOracle(c: CertInfo, from: string) {
  return {
    from,
    subject: dnAsTshark(c.subject),
    issuer: dnAsTshark(c.issuer),
    serial: c.serial,
    sig_alg_oid: c.signatureAlgorithm.oid,
    spki_alg_oid: c.publicKey.oid,
  };
}

export function connectionAsOracle(c: Connection): Omit<OracleConnection, 'tcp_stream' | 'tshark_errors'> {
  const recordCounts: Record<string, number> = {};
  for (const side of [c.stats.client, c.stats.server]) {
    for (const [name, n] of Object.entries(side.records)) {
      const key = CONTENT_TYPE_NUMBERS[name] ?? name;
      recordCounts[key] = (recordCounts[key] ?? 0) + n;
    }
  }
  const out: Omit<OracleConnection, 'tcp_stream' | 'tshark_errors'> = {
    client: c.client,
    server: c.server,
    records: (recordCounts.sslv2 ?? 0) + (recordCounts['22'] ?? 0),
    record_counts: recordCounts,
    client_hello: c.clientHello ? clientHelloAsOracle(c.clientHello) : null,
    server_hello: c.serverHello ? serverHelloAsOracle(c.serverHello) : null,
    certificate_request: c.certificateRequest
      ? {
          cert_types: c.certificateRequest.certificateTypes.map((t) => t.code),
          sigalgs: codes(c.certificateRequest.signatureAlgorithms),
          ca_dn_count: c.certificateRequest.certificateAuthorities.length,
        }
      : null,
    certificates: [],
    server_key_exchange_sigalg: c.serverKeyExchange?.signatureAlgorithm?.code ?? null,
    certificate_verify_sigalg: c.certificateVerify?.signatureAlgorithm?.code ?? null,
    alerts: c.alerts.map((a) =>
      a.encrypted
        ? { level: null, description: null, encrypted: true, from: a.from, frame: a.packet ?? -1 }
        : { level: a.level!.code, description: a.description!.code, from: a.from, frame: a.packet ?? -1 },
    ),
    handshake_messages: c.messages
      .filter((m) => (m.record === 'handshake' || m.record === 'sslv2') && !m.encrypted && m.type)
      .map((m) =>
        m.record === 'sslv2' ? { from: m.from, sslv2_type: m.type!.code, frame: m.packet ?? -1 } : { from: m.from, type: m.type!.code, frame: m.packet ?? -1 },
      ),
  };
  if (c.additionalClientHellos) out.additional_client_hellos = c.additionalClientHellos.map(clientHelloAsOracle);
  if (c.additionalServerHellos) out.additional_server_hellos = c.additionalServerHellos.map(serverHelloAsOracle);
  // The oracle lists every certificate in message order; a server chain precedes a client chain
  // except when the client's Certificate is the only one seen.
  const server = (c.certificates ?? []).map((x) => certAsOracle(x, 'server'));
  const client = (c.clientCertificates ?? []).map((x) => certAsOracle(x, 'client'));
  out.certificates = [...server, ...client];
  return out;
}
