// TLS 1.0–1.2 without the extended master secret (RFC 7627): the triple-handshake attack class.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, negotiatedPre13, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

const EMS = 23;

function check(c: Connection): readonly Finding[] {
  const sh = negotiatedPre13(c);
  if (!sh || sh.helloRetryRequest) return NO_FINDINGS;
  if (sh.extensions.some((e) => e.code === EMS)) return NO_FINDINGS;
  const offered = c.clientHello?.extensions.some((e) => e.code === EMS) ?? false;
  return [
    finding(
      rule,
      `The ${sh.selectedVersion.name} ServerHello has no extended_master_secret extension; ` +
        (offered ? 'the client offered it, so the server does not support it (or has it disabled).' : 'the client did not offer it either.'),
    ),
  ];
}

export const rule: Rule = {
  id: 'no-extended-master-secret',
  family: 'protocol',
  severity: 'warning',
  title: 'No extended master secret (TLS 1.2 and earlier)',
  explain:
    'Without the extended_master_secret extension (RFC 7627), the TLS 1.0–1.2 master secret is not bound to the handshake that made it, ' +
    'which enables the triple-handshake attack on resumption and renegotiation, and makes channel bindings (tls-unique) and exported ' +
    'keys unsafe. FIPS 140-3 requires EMS for TLS 1.2 and current OpenSSL refuses to resume without it. Every maintained TLS library supports ' +
    'it; its absence means an old stack on either side. TLS 1.3 is not affected.',
  fix: {
    general: 'update the TLS library on the side that does not send the extension (OpenSSL ≥ 1.1.0, GnuTLS ≥ 3.4, NSS, SChannel since 2015 all do)',
    apache: 'rebuild/upgrade mod_ssl against OpenSSL ≥ 1.1.1; do not set SSLOpenSSLConfCmd Options -ExtendedMasterSecret',
    openssl: 'remove -no_ems / Options -ExtendedMasterSecret',
  },
  refs: ['RFC 7627', 'RFC 9325 §3.7'],
  check,
};
