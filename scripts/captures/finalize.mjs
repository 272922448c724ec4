#!/usr/bin/env node
// finalize.mjs COMMANDS.tsv captures/manifest.json captures/README.md
//
// Called by scripts/make-captures.sh after recording. Writes the exact command lines that were
// run (`madeWith`, ports and temp paths replaced by $PORT / $PKI / $WORK) and the tool versions
// (`tools`) into the manifest, keeping every expected value as it is, then renders README.md
// from the manifest. Plain Node ESM, no dependencies.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [cmdFile, manifestFile, readmeFile] = process.argv.slice(2);
if (!cmdFile || !manifestFile || !readmeFile) {
  console.error('usage: finalize.mjs COMMANDS.tsv manifest.json README.md');
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const byName = new Map(manifest.captures.map((c) => [c.file.replace(/\.pcap$/, ''), c]));
const madeWith = new Map();
const tools = {};
for (const line of readFileSync(cmdFile, 'utf8').split('\n')) {
  if (!line) continue;
  const [name, role, ...rest] = line.split('\t');
  const text = rest.join('\t');
  if (name === 'tool') { tools[role] = text; continue; }
  if (!byName.has(name)) throw new Error(`commands for ${name}, which is not in ${basename(manifestFile)}`);
  if (!madeWith.has(name)) madeWith.set(name, {});
  madeWith.get(name)[role] = text;
}
// derived files share the recipe of the capture they come from
const derived = { 'tls12.pcapng': 'tls12', 'tls12-ns': 'tls12', 'tls12-sll': 'tls12', 'tls12-sll2': 'tls12', 'tls12-reordered': 'tls12' };
for (const [name, c] of byName) {
  const own = madeWith.get(name);
  if (!own) continue; // not remade this run: keep what was recorded before
  const src = derived[name] ? madeWith.get(derived[name]) : undefined;
  c.madeWith = { ...(src ?? {}), ...own };
}
manifest.tools = { ...manifest.tools, ...tools };
manifest.pki = {
  script: 'scripts/make-pki.sh',
  validity: 'every certificate 2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z, except client-expired (2020-01-01 .. 2021-01-01) and client-not-yet-valid (2099-01-01 .. 2100-01-01)',
  roots: ['O=tlspeek test PKI, CN=tlspeek Root CA', 'O=unrelated test PKI, CN=tlspeek Other CA'],
  intermediate: 'O=tlspeek test PKI, CN=tlspeek Intermediate CA (issued by the root; issues every server and client certificate except client-other-ca)',
  serverSubject: 'O=tlspeek test PKI, CN=localhost; SAN DNS:localhost, IP:127.0.0.1, IP:::1',
  note: 'keys are generated afresh on every run: fingerprints and public keys differ between regenerations, names, serials and dates do not',
};
// put keys in a stable, readable order
const ORDER = ['file', 'shows', 'madeWith', 'format', 'linktype', 'ipVersion', 'connections', 'tsharkOptions', 'sni', 'version', 'versionCode',
  'cipherSuite', 'cipherSuiteCode', 'helloRetryRequest', 'helloRetryGroup', 'serverKey', 'serverChain', 'serverKeyExchangeSigalg',
  'keyExchangeGroup', 'dhPrimeBits', 'certificateRequest', 'certificateRequestSigalgsConfigured', 'certificateRequestSigalgs',
  'certificateRequestCAs', 'clientCertificate', 'clientCertSubject', 'clientCertChain', 'certificateVerifySigalg', 'alerts',
  'handshakeComplete', 'applicationData', 'maxRecordPayload'];
manifest.captures = manifest.captures.map((c) => {
  const o = {};
  for (const k of ORDER) if (k in c) o[k] = c[k];
  for (const k of Object.keys(c)) if (!(k in o)) o[k] = c[k];
  return o;
});
const out = { description: manifest.description, tools: manifest.tools, pki: manifest.pki, captures: manifest.captures };
out.description ??= 'Expected values for every capture in captures/, known from how each was made (scripts/make-captures.sh). Numbers are decimal TLS code points. alerts[].encrypted: the alert was sent encrypted (only its direction is visible; level/description are what the sender is known to send). test/captures/manifest.test.ts checks these values with tshark.';
writeFileSync(manifestFile, JSON.stringify(out, null, 2) + '\n');

// ---------------------------------------------------------------- README
const SIGALGS = {
  0x0201: 'rsa_pkcs1_sha1', 0x0203: 'ecdsa_sha1', 0x0301: 'rsa_pkcs1_sha224 (0x0301)', 0x0302: 'dsa_sha224 (0x0302)', 0x0303: 'ecdsa_sha224 (0x0303)',
  0x0401: 'rsa_pkcs1_sha256', 0x0402: 'dsa_sha256 (0x0402)', 0x0403: 'ecdsa_secp256r1_sha256', 0x0501: 'rsa_pkcs1_sha384', 0x0502: 'dsa_sha384 (0x0502)',
  0x0503: 'ecdsa_secp384r1_sha384', 0x0601: 'rsa_pkcs1_sha512', 0x0602: 'dsa_sha512 (0x0602)', 0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256', 0x0805: 'rsa_pss_rsae_sha384', 0x0806: 'rsa_pss_rsae_sha512', 0x0807: 'ed25519', 0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256', 0x080a: 'rsa_pss_pss_sha384', 0x080b: 'rsa_pss_pss_sha512',
};
const GROUPS = { 23: 'secp256r1', 24: 'secp384r1', 25: 'secp521r1', 29: 'x25519', 30: 'x448' };
const hex = (n, w = 4) => `0x${n.toString(16).padStart(w, '0')}`;
const sig = (n) => (n === null || n === undefined ? '—' : `${SIGALGS[n] ?? 'unknown'} (${hex(n)})`);
const sigList = (l) => l.map((n) => `${(SIGALGS[n] ?? 'unknown').replace(/ \(0x.*\)$/, '')} ${hex(n)}`).join(', ');
const alertText = (a) => `${a.from}: ${a.encrypted ? `encrypted alert (${a.level} ${a.description}, known from the sender, not visible)` : `${a.level} ${a.description} (${a.code})`}`;

const md = [];
md.push('# captures/ — real TLS handshakes recorded on loopback', '');
md.push('<!-- Generated by scripts/captures/finalize.mjs from captures/manifest.json: edit the manifest (expected values, `shows`) or the recipes in scripts/make-captures.sh, not this file. -->', '');
md.push('Every file here was recorded by `scripts/make-captures.sh` with tcpdump on the loopback interface (`tcpdump -i lo -s 0 -U --immediate-mode -w NAME.pcap \'tcp port $PORT\'`), against real servers (Apache httpd + mod_ssl, `openssl s_server`) and real clients (`openssl s_client`, curl). One TCP connection per file, no bulk data.');
md.push('', 'The expected values for each capture (the values known from how it was made) are in [`manifest.json`](manifest.json); `test/captures/manifest.test.ts` checks them with tshark, and the decoder tests assert tlspeek\'s own decode against the same manifest.', '');
md.push('## Regenerating', '');
md.push('```sh', 'sudo bash scripts/make-captures.sh            # all captures (about 4 minutes)', 'sudo bash scripts/make-captures.sh tls12 dhe  # only these (tls12 also remakes its conversions)', '```', '');
md.push('Needs root (tcpdump on `lo`; Apache runs its workers as `nobody`), openssl, apache2, curl, tcpdump, tshark/editcap/capinfos and node. Each run makes a fresh PKI (`scripts/make-pki.sh`), so certificates and keys change; names, serials, validity dates and the expected values do not. `KEEP_WORK=1` keeps the temp dir (PKI, Apache configs, server/client logs); `SKIP_TEST=1` skips the final test run.', '');
md.push('## Test PKI', '');
md.push(`- Validity: ${manifest.pki.validity}. The captures were recorded on ${manifest.tools.date ?? '(date)'}; judge validity at the capture time.`);
md.push(`- Roots: ${manifest.pki.roots.join('; ')}.`);
md.push(`- Intermediate: ${manifest.pki.intermediate}.`);
md.push(`- Servers: ${manifest.pki.serverSubject}. Keys: RSA 2048 (server-rsa), ECDSA P-256, Ed25519, RSA-PSS 2048.`);
md.push('- Clients: client-rsa (RSA 2048, EKU clientAuth), client-ec (P-256), client-expired, client-not-yet-valid, client-sha1-1024 (RSA 1024, sha1WithRSAEncryption), client-no-clientauth (EKU serverAuth only), client-other-ca (issued by the unrelated Other CA).');
md.push(`- ${manifest.pki.note}.`, '');
md.push('## Tool versions', '');
for (const [k, v] of Object.entries(manifest.tools)) md.push(`- ${k}: \`${v}\``);
md.push('');
md.push('## Things worth knowing', '');
md.push('- **OpenSSL 3.0\'s default CertificateRequest list does not start with RSA-PSS.** It is ECDSA (P-256, P-384, P-521), Ed25519, Ed448, then *all* RSA-PSS schemes (rsa_pss_pss_sha256/384/512, rsa_pss_rsae_sha256/384/512), and only then rsa_pkcs1_sha256/384/512, followed by the SHA-224 and DSA leftovers. No SHA-1 entries (security level). Among the RSA schemes, PSS comes first — which is what a client that walks the list in server order and picks the first RSA entry trips over.');
md.push('- **A PKCS#1-only client succeeds against the default list** (apache-mtls-pss-default): the list still contains rsa_pkcs1_sha256, and OpenSSL as a client picks a scheme it supports.');
md.push('- **A PSS-only CertificateRequest does not produce a "signature algorithm" alert** (sserver-pss-only): the PKCS#1-only client sends an *empty* Certificate message and no CertificateVerify, and the server aborts with `handshake_failure` (40) — indistinguishable on the wire from "client has no certificate" (mtls-no-client-cert), except that the CertificateRequest shows no scheme the client could use.');
md.push('- **The fix reorders, it does not remove** (apache-mtls-pss-fixed): the 14 configured schemes go on the wire in the configured order, rsa_pkcs1_* before rsa_pss_*. A list without RSA-PSS (tlspeek\'s advice until 2026-12) also silences the TLS 1.2 finding, but refuses every TLS 1.3 client with an RSA certificate (`tlsv13 alert certificate required`): TLS 1.3 allows only RSA-PSS for an RSA CertificateVerify (test/e2e/pss-fix.test.ts shows both). SHA-1 entries would be dropped by OpenSSL 3 at its default security level anyway.');
md.push('- s_server with `-CAfile` builds and sends its chain from that store (leaf, intermediate, root) and advertises the store\'s CAs in certificate_authorities; s_client with `-CAfile` does the same for its client certificate. Without `-CAfile`, s_server sends the leaf only.');
md.push('- Loopback captures carry unfinished TCP checksums (checksum offload): do not validate TCP checksums. The segments rewritten by reorder-capture.mjs have correct checksums.');
md.push('- TLS 1.0 CBC: OpenSSL splits application data 1/n-1 (two records per write).', '');
md.push('## Captures', '');
md.push('| file | TLS | cipher suite | CertificateRequest sigalgs | CertificateVerify | alerts (plaintext) |');
md.push('| --- | --- | --- | --- | --- | --- |');
for (const c of manifest.captures) {
  const cr = c.certificateRequest === 'plaintext' ? `${c.certificateRequestSigalgs.length} schemes, first ${sig(c.certificateRequestSigalgs[0])}` : c.certificateRequest;
  const al = c.alerts.filter((a) => !a.encrypted).map((a) => `${a.from}: ${a.description} (${a.code})`).join('; ') || '—';
  md.push(`| [${c.file}](#${c.file.replace(/[^a-z0-9-]/gi, '').toLowerCase()}) | ${c.version ?? '—'} | ${c.cipherSuite ? `${c.cipherSuite} (${hex(c.cipherSuiteCode)})` : '—'} | ${cr} | ${sig(c.certificateVerifySigalg)} | ${al} |`);
}
md.push('');
for (const c of manifest.captures) {
  md.push(`### ${c.file}`, '', c.shows, '');
  const mw = c.madeWith ?? {};
  if (Object.keys(mw).length) {
    md.push('```sh');
    if (mw.server) md.push(`# server\n${mw.server}`);
    if (mw.serverConfig) md.push(`# server TLS configuration (Apache vhost; the rest is boilerplate: modules, paths, User nobody)\n${mw.serverConfig.split(' ; ').join('\n')}`);
    if (mw.client) md.push(`# client\n${mw.client}`);
    if (mw.capture) md.push(`# capture\n${mw.capture}`);
    md.push('```', '');
  }
  const rows = [];
  rows.push(['file format / link type', `${c.format} / ${c.linktype}, IPv${c.ipVersion}, ${c.connections} TCP connection(s)`]);
  if (c.tsharkOptions) rows.push(['tshark needs', `\`${c.tsharkOptions.join(' ')}\``]);
  rows.push(['SNI', c.sni ?? '—']);
  rows.push(['version', c.version ? `${c.version} (${hex(c.versionCode)})` : '— (no ServerHello)']);
  rows.push(['cipher suite', c.cipherSuite ? `${c.cipherSuite} (${hex(c.cipherSuiteCode)})` : '—']);
  if (c.helloRetryRequest) rows.push(['HelloRetryRequest', `yes, selected group ${GROUPS[c.helloRetryGroup] ?? c.helloRetryGroup} (${c.helloRetryGroup})`]);
  if (c.keyExchangeGroup !== undefined) rows.push(['key exchange group', `${GROUPS[c.keyExchangeGroup] ?? '?'} (${c.keyExchangeGroup})`]);
  if (c.dhPrimeBits !== undefined) rows.push(['DH prime', `${c.dhPrimeBits} bits`]);
  rows.push(['server key', c.serverKey ? `${c.serverKey.type} ${c.serverKey.curve ?? c.serverKey.bits}` : '—']);
  rows.push(['server chain (subject CNs)', c.serverChain ? c.serverChain.join(' → ') : c.versionCode === 0x0304 ? 'encrypted (TLS 1.3)' : '—']);
  rows.push(['ServerKeyExchange signature', sig(c.serverKeyExchangeSigalg)]);
  rows.push(['CertificateRequest', c.certificateRequest]);
  if (c.certificateRequestSigalgsConfigured) rows.push(['CertificateRequest sigalgs as configured', `\`${c.certificateRequestSigalgsConfigured}\``]);
  if (c.certificateRequestSigalgs) {
    rows.push(['CertificateRequest sigalgs on the wire', sigList(c.certificateRequestSigalgs)]);
    rows.push(['… as tshark shows them (`tls.handshake.sig_hash_alg`)', c.certificateRequestSigalgs.map((n) => hex(n)).join(',')]);
  }
  if (c.certificateRequestCAs) rows.push(['certificate_authorities (CNs)', c.certificateRequestCAs.join('; ') || '(empty)']);
  rows.push(['client Certificate', c.clientCertificate + (c.clientCertChain ? `: ${c.clientCertChain.join(' → ')}` : '')]);
  if (c.clientCertSubject) rows.push(['client certificate subject', c.clientCertSubject]);
  rows.push(['CertificateVerify', sig(c.certificateVerifySigalg)]);
  rows.push(['alerts', c.alerts.length ? c.alerts.map(alertText).join('<br>') : '— (none visible)']);
  rows.push(['handshake complete / app data', `${c.handshakeComplete ? 'yes' : 'no'} / ${c.applicationData ? 'yes' : 'no'}`]);
  if (c.maxRecordPayload) rows.push(['max record payload', `${c.maxRecordPayload} bytes`]);
  md.push('| | |', '| --- | --- |');
  for (const [k, v] of rows) md.push(`| ${k} | ${String(v).replace(/\|/g, '\\|')} |`);
  md.push('');
}
writeFileSync(readmeFile, md.join('\n'));
console.error(`finalize: updated ${basename(manifestFile)} (${madeWith.size} recipes) and ${basename(readmeFile)}`);
