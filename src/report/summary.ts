// What a run saw, counted as its connections are reported: the summary a Reporter's end() is
// given. Counts only; the words and tables are the reporters' (reporters/text.ts).
import type { Connection, Finding } from '../tls/model.js';
import { severityRank } from '../rules/index.js';
import { countOutcome, type OutcomeCounts } from './outcomes.js';

/**
 * One finding per rule id, in order of each id's first finding, the last of its findings
 * standing for it (what `new Map(list.map((f) => [f.id, f])).values()` gives, without the Map:
 * this runs on every connection and the list is short).
 */
export function distinctFindings(list: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  outer: for (let i = 0; i < list.length; i++) {
    const id = list[i]!.id;
    for (let j = 0; j < i; j++) if (list[j]!.id === id) continue outer;
    let last = list[i]!;
    for (let j = i + 1; j < list.length; j++) if (list[j]!.id === id) last = list[j]!;
    out.push(last);
  }
  return out;
}

/** A replay (or report) run: the closing line, the findings table, and `--fail-on`. */
export class ReplaySummary {
  readonly kind = 'replay';
  connections = 0;
  tls = 0;
  notTls = 0;
  /** TLS connections by outcome, and how many of each were inferred. */
  readonly outcomes: OutcomeCounts = new Map();
  /** Per rule id: its worst severity, and how many connections raised it. */
  readonly findings = new Map<string, { severity: Finding['severity']; connections: number }>();
  /** The worst severity of any finding. */
  worst: Finding['severity'] | undefined;
  /** Flow numbers never reported: no payload (a SYN and a RST), or left out by the filter. */
  readonly hidden = { empty: 0, filtered: 0 };
  /** Inputs given, and how many of them could not be read at all. */
  inputs = 0;
  unreadable = 0;

  /** A reported connection, judged (its findings set). */
  add(c: Connection): void {
    for (const f of distinctFindings(c.findings ?? [])) {
      const seen = this.findings.get(f.id) ?? { severity: f.severity, connections: 0 };
      seen.connections++;
      if (severityRank(f.severity) < severityRank(seen.severity)) seen.severity = f.severity;
      this.findings.set(f.id, seen);
      if (!this.worst || severityRank(f.severity) < severityRank(this.worst)) this.worst = f.severity;
    }
    this.connections++;
    if (!c.tls) this.notTls++;
    else countOutcome(this.outcomes, c);
    if (c.tls) this.tls++;
  }
}

function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

/**
 * A proxy run, counted as connections close. Each connection is counted once, as it stood at
 * its close (outcome, alerts, bytes: what followed the report too), with the findings it was
 * reported with: the rules judge a connection once, when it is reported, and the state at close
 * carries that judgement (app/proxy.ts).
 */
export class ProxySummary {
  readonly kind = 'proxy';
  connections = 0;
  /** Turned away by --max-connections. */
  refused = 0;
  /** The backend could not be reached. */
  backendFailed = 0;
  /** Closed without a byte from the client. */
  empty = 0;
  notTls = 0;
  /** TLS connections by outcome (complete, failed, aborted, incomplete, unknown), and how many of each were inferred. */
  readonly outcomes: OutcomeCounts = new Map();
  bytesUp = 0;
  bytesDown = 0;
  readonly versions = new Map<string, number>();
  readonly suites = new Map<string, number>();
  readonly alerts = new Map<string, number>();
  readonly findings: Record<Finding['severity'], number> = { error: 0, warning: 0, info: 0 };

  /** A connection closed; c is its final state with its findings (undefined when the backend was never reached). */
  add(c: Connection | undefined, bytes: [number, number]): void {
    this.connections++;
    this.bytesUp += bytes[0];
    this.bytesDown += bytes[1];
    if (!c) {
      this.backendFailed++;
      return;
    }
    if (bytes[0] === 0 && bytes[1] === 0) {
      this.empty++;
      return;
    }
    for (const f of c.findings ?? []) this.findings[f.severity]++;
    if (!c.tls) {
      this.notTls++;
      return;
    }
    countOutcome(this.outcomes, c);
    if (c.version) bump(this.versions, c.version.name);
    if (c.serverHello) bump(this.suites, c.serverHello.cipherSuite.name);
    for (const a of c.alerts) {
      const what = a.encrypted ? 'encrypted alert' : `${a.level?.name ?? '?'} ${a.description?.name ?? '?'}`;
      bump(this.alerts, `${a.from}: ${what}`);
    }
  }

  refuse(): void {
    this.refused++;
  }
}

/** What a Reporter's end() is given. */
export type Summary = ReplaySummary | ProxySummary;
