// What every command adds to a decoded connection before showing it: findings and fingerprints.
import type { Connection } from '../tls/model.js';
import { applyRules } from '../rules/index.js';
import { fingerprints } from '../fingerprint/index.js';

/**
 * The time rules judge validity at: the handshake's own time when it has one (a capture from
 * 2019 is judged as of 2019), else now (live proxy traffic).
 */
export function judgedAt(c: Connection): Date {
  return c.startTime ? new Date(c.startTime) : new Date();
}

export function enrich(c: Connection, opts: { ja4Raw?: boolean } = {}): Connection {
  c.findings = applyRules(c, judgedAt(c));
  c.fingerprints = fingerprints(c, { ja4Raw: opts.ja4Raw ?? false });
  return c;
}
