// The rule catalogue and the one entry point callers use: applyRules(connection, now).
//
// Layout: one rule per file (STYLE.md principle 10), the file named after the rule's stable id, in
// one directory per family — client-auth/, server/, protocol/ — matching the catalogue in issue 5.
// One file per rule keeps each rule's check, words and fix together and lets an id in the output be
// found by file name; the directories keep a family's shared pieces (pss-fix.ts) next to its rules.
// Helpers every family uses are in helpers.ts.
import type { Connection, Finding } from '../tls/model.js';
import type { Rule, RuleContext, Severity } from './types.js';
import { exchangeViews } from '../tls/queries.js';

import { rule as certreqPssOnly } from './client-auth/certreq-pss-only.js';
import { rule as certreqPssPreferred } from './client-auth/certreq-pss-preferred.js';
import { rule as clientSignedPss } from './client-auth/client-signed-pss.js';
import { rule as clientCertMissing } from './client-auth/client-cert-missing.js';
import { rule as clientAbortedAfterCertreq } from './client-auth/client-aborted-after-certreq.js';
import { rule as clientSigalgNotOffered } from './client-auth/client-sigalg-not-offered.js';
import { rule as clientCertTypeNotRequested } from './client-auth/client-cert-type-not-requested.js';
import { rule as clientCertIssuerNotListed } from './client-auth/client-cert-issuer-not-listed.js';
import { rule as clientCertEku } from './client-auth/client-cert-eku.js';
import { rule as clientCertExpired } from './client-auth/client-cert-expired.js';
import { rule as clientCertSignatureRejected } from './client-auth/client-cert-signature-rejected.js';
import { rule as tls13CertreqNoPss } from './client-auth/tls13-certreq-no-pss.js';
import { rule as tls13ClientNoPss } from './client-auth/tls13-client-no-pss.js';
import { rule as renegotiationClientAuth } from './client-auth/renegotiation-client-auth.js';
import { rule as postHandshakeAuth } from './client-auth/post-handshake-auth.js';
import { rule as postHandshakeAuthUnavailable } from './client-auth/post-handshake-auth-unavailable.js';

import { rule as serverSigalgNotOffered } from './server/server-sigalg-not-offered.js';
import { rule as cipherNotOffered } from './server/cipher-not-offered.js';
import { rule as versionNotOffered } from './server/version-not-offered.js';
import { rule as extensionNotOffered } from './server/extension-not-offered.js';
import { rule as certKeyCipherMismatch } from './server/cert-key-cipher-mismatch.js';
import { rule as serverCertExpired } from './server/server-cert-expired.js';
import { rule as serverChainIncomplete } from './server/server-chain-incomplete.js';
import { rule as serverChainOrder } from './server/server-chain-order.js';
import { rule as serverCertSelfSigned } from './server/server-cert-self-signed.js';
import { rule as serverNameMismatch } from './server/server-name-mismatch.js';
import { rule as certWeakKey } from './server/cert-weak-key.js';
import { rule as certSha1Signature } from './server/cert-sha1-signature.js';

import { rule as helloRejected } from './protocol/hello-rejected.js';
import { rule as fatalAlert } from './protocol/fatal-alert.js';
import { rule as legacyVersion } from './protocol/legacy-version.js';
import { rule as sslv2Hello } from './protocol/sslv2-hello.js';
import { rule as weakCipher } from './protocol/weak-cipher.js';
import { rule as staticRsaKx } from './protocol/static-rsa-kx.js';
import { rule as dheWeakGroup } from './protocol/dhe-weak-group.js';
import { rule as noExtendedMasterSecret } from './protocol/no-extended-master-secret.js';
import { rule as noSecureRenegotiation } from './protocol/no-secure-renegotiation.js';
import { rule as compressionEnabled } from './protocol/compression-enabled.js';
import { rule as tls13ClientAuthHidden } from './protocol/tls13-client-auth-hidden.js';
import { rule as tls13HandshakeFailed } from './protocol/tls13-handshake-failed.js';
import { rule as notTls } from './protocol/not-tls.js';
import { rule as renegotiationSeen } from './protocol/renegotiation-seen.js';

export type { Rule, RuleContext, RuleFix, Severity, Family } from './types.js';

/** Every rule, in catalogue order (client authentication, server side, protocol and policy). */
export const RULES: readonly Rule[] = Object.freeze([
  certreqPssOnly,
  certreqPssPreferred,
  tls13CertreqNoPss,
  tls13ClientNoPss,
  clientSignedPss,
  clientCertMissing,
  clientAbortedAfterCertreq,
  clientSigalgNotOffered,
  clientCertTypeNotRequested,
  clientCertIssuerNotListed,
  clientCertEku,
  clientCertExpired,
  clientCertSignatureRejected,
  renegotiationClientAuth,
  postHandshakeAuth,
  postHandshakeAuthUnavailable,
  serverSigalgNotOffered,
  cipherNotOffered,
  versionNotOffered,
  extensionNotOffered,
  certKeyCipherMismatch,
  serverCertExpired,
  serverChainIncomplete,
  serverChainOrder,
  serverCertSelfSigned,
  serverNameMismatch,
  certWeakKey,
  certSha1Signature,
  helloRejected,
  fatalAlert,
  legacyVersion,
  sslv2Hello,
  weakCipher,
  staticRsaKx,
  dheWeakGroup,
  noExtendedMasterSecret,
  noSecureRenegotiation,
  compressionEnabled,
  tls13HandshakeFailed,
  tls13ClientAuthHidden,
  renegotiationSeen,
  notTls,
]);

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id (exact, case-insensitive), or undefined. */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id) ?? BY_ID.get(id.toLowerCase());
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Severity order for sorting and for `--fail-on`: error > warning > info. */
export function severityRank(s: Severity): number {
  return RANK[s];
}

/**
 * Runs every rule over one decoded connection. Pure: the result depends only on the connection and
 * `now` — the capture's packet time (the connection's startTime) in replay, the current time in the
 * proxy. Findings come errors first, then warnings, then info; within a severity in catalogue order.
 * A rule that throws (a bug, or a connection shape it did not expect) does not stop the others: it
 * yields one info finding naming the rule and the error.
 */
export function applyRules(c: Connection, now: Date, rules: readonly Rule[] = RULES): Finding[] {
  const ctx: RuleContext = { now };
  const out: Finding[] = [];
  // Plain loops: this runs 34 rules on every connection, and most return nothing.
  for (let order = 0; order < rules.length; order++) {
    const rule = rules[order]!;
    let found: readonly Finding[];
    try {
      found = rule.check(c, ctx);
    } catch (e) {
      found = [
        {
          id: rule.id,
          severity: 'info',
          title: `rule ${rule.id} failed`,
          detail: `internal error while checking this connection: ${e instanceof Error ? e.message : String(e)}`,
        },
      ];
    }
    for (let i = 0; i < found.length; i++) out.push(found[i]!);
  }
  // A renegotiation's or post-handshake CertificateRequest (decrypted) is judged like the handshake's.
  if (c.renegotiations || c.postHandshakeAuth) {
    for (const { label, view } of exchangeViews(c)) {
      for (const rule of rules) {
        if (rule.family !== 'client-auth') continue;
        let found: readonly Finding[];
        try {
          found = rule.check(view, ctx);
        } catch {
          continue; // reported on the connection itself, where the same rule ran
        }
        for (const f of found) out.push({ ...f, detail: `In the ${label}: ${f.detail}` });
      }
    }
  }
  // Array sort is stable: by severity, and within a severity in catalogue order as pushed.
  if (out.length > 1) out.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return out.length > 1 ? byRelevance(out) : out;
}

/**
 * The cause first: when an error names what went wrong (a client-auth or server rule, e.g.
 * client-cert-missing), it is the primary finding, and a fatal-alert finding about the same
 * failure is its symptom: kept, explained as such, and shown as info, so one failure reads as one
 * error. With no such cause, the first error (often fatal-alert itself, explaining the alert) is
 * primary. Findings are otherwise in severity and catalogue order.
 */
function byRelevance(sorted: Finding[]): Finding[] {
  const cause = sorted.find((f) => f.severity === 'error' && FAMILY.get(f.id) !== 'protocol');
  const primary = cause ?? sorted.find((f) => f.severity === 'error');
  if (!primary) return sorted;
  const out: Finding[] = [{ ...primary, primary: true }];
  const symptoms: Finding[] = [];
  for (const f of sorted) {
    if (f === primary) continue;
    if (cause && f.id === 'fatal-alert' && f.severity === 'error') {
      symptoms.push({ ...f, severity: 'info', detail: `${f.detail}\nThis alert is how ${cause.id} (above) ended the handshake.` });
    } else out.push(f);
  }
  return [...out, ...symptoms];
}

const FAMILY: ReadonlyMap<string, Rule['family']> = new Map(RULES.map((r) => [r.id, r.family]));
