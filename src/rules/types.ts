// The shape of a diagnosis rule. A rule is plain data (id, severity, words, references) plus one
// pure function over a decoded Connection; the catalogue (`tlspeek rules`) and the findings under
// each connection are both made from these fields, so what the catalogue promises is what runs.
import type { Connection, Finding } from '../tls/model.js';

export type Severity = Finding['severity'];

/** Which part of the catalogue a rule belongs to (also its directory under src/rules/). */
export type Family = 'client-auth' | 'server' | 'protocol';

/**
 * The fix, per server software where one exists. Each value is the exact directive or option,
 * with enough context to paste it (which block, which minimum version).
 */
export interface RuleFix {
  /** Apache httpd with mod_ssl. */
  apache?: string;
  nginx?: string;
  /** The openssl command line (s_server / s_client), also a stand-in for other OpenSSL-based software. */
  openssl?: string;
  /** What to change on the client side, when the server is not the one to fix. */
  client?: string;
  /** Anything that applies to all of the above (e.g. reissue the certificate). */
  general?: string;
}

export interface RuleContext {
  /** Time of the handshake: the capture's packet time in replay, the current time in the proxy. */
  now: Date;
}

export interface Rule {
  /** Stable id, shown in output and used by `tlspeek rules ID`; never changes. */
  id: string;
  family: Family;
  /**
   * The severity findings of this rule carry. A few rules grade a finding by what happened next
   * (`client-cert-missing` is an error when the server then sent a fatal alert); they say so in
   * `explain` and list every severity they can give in `severities`.
   */
  severity: Severity;
  severities?: readonly Severity[];
  title: string;
  /** Why it matters and what exactly is checked, in plain words (several sentences). */
  explain: string;
  fix?: RuleFix;
  /** RFC sections (and other primary sources), e.g. "RFC 5246 §7.4.4". */
  refs: readonly string[];
  /** Pure: the findings this rule raises on one connection (usually zero or one). */
  check(c: Connection, ctx: RuleContext): readonly Finding[];
}
