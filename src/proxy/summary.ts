// What a proxy run saw, counted as connections close, and shown as one table at shutdown.
import type { Connection, Finding, Outcome } from '../tls/model.js';
import { countOutcome, outcomeRows } from '../report/outcomes.js';
import { renderTable } from '../report/table.js';
import type { Style } from '../report/style.js';

function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

export class ProxySummary {
  connections = 0;
  /** Turned away by --max-connections. */
  refused = 0;
  /** The backend could not be reached. */
  backendFailed = 0;
  /** Closed without a byte from the client. */
  empty = 0;
  notTls = 0;
  /** TLS connections by outcome (complete, failed, aborted, incomplete, unknown), and how many of each were inferred. */
  readonly outcomes = new Map<Outcome, { count: number; inferred: number }>();
  bytesUp = 0;
  bytesDown = 0;
  readonly versions = new Map<string, number>();
  readonly suites = new Map<string, number>();
  readonly alerts = new Map<string, number>();
  readonly findings: Record<Finding['severity'], number> = { error: 0, warning: 0, info: 0 };

  /** A connection closed; c is its final decoded state (undefined when the backend was never reached). */
  add(c: Connection | undefined, bytes: [number, number], findings: Finding[] | undefined): void {
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
    for (const f of findings ?? []) this.findings[f.severity]++;
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

  /** Rows of (what, count), grouped; empty groups are left out. */
  rows(): string[][] {
    const rows: string[][] = [['connections', String(this.connections)]];
    for (const [label, n] of outcomeRows(this.outcomes)) rows.push([`  ${label}`, n]);
    if (this.notTls) rows.push(['  not TLS', String(this.notTls)]);
    if (this.empty) rows.push(['  no data', String(this.empty)]);
    if (this.backendFailed) rows.push(['  backend unreachable', String(this.backendFailed)]);
    if (this.refused) rows.push(['refused (--max-connections)', String(this.refused)]);
    rows.push(['bytes client → server', String(this.bytesUp)], ['bytes server → client', String(this.bytesDown)]);
    const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    for (const [k, n] of sorted(this.versions)) rows.push([`version ${k}`, String(n)]);
    for (const [k, n] of sorted(this.suites)) rows.push([`suite ${k}`, String(n)]);
    for (const [k, n] of sorted(this.alerts)) rows.push([`alert ${k}`, String(n)]);
    for (const sev of ['error', 'warning', 'info'] as const) {
      if (this.findings[sev]) rows.push([`findings: ${sev}`, String(this.findings[sev])]);
    }
    return rows;
  }

  render(opts: { style: Style; width?: number }): string {
    return renderTable(['proxy summary', 'count'], this.rows(), { ...opts, align: ['left', 'right'] });
  }
}
