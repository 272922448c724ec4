// `tlspeek report`: one self-contained HTML file — inline CSS and JS, no network, no external
// assets — with a filterable connection list and, per connection, a sequence diagram of the
// handshake (client and server lanes, alerts in red), the decoded messages, the certificate
// chains, the fingerprints and the findings with their fixes. Every peer-controlled string (SNI,
// ALPN, certificate names, summaries) goes through esc().
import { createHash } from 'node:crypto';
import type { CertInfo, Connection, Finding, LadderEntry } from '../tls/model.js';
import { keyDescription } from '../tls/queries.js';
import { safe } from './style.js';
import { outcomeText } from './text.js';

export interface HtmlOptions {
  title?: string;
  /** ISO time the report was made (shown in the header); omitted when absent, for stable output. */
  generated?: string;
}

/** HTML-escapes text for element content and double- or single-quoted attributes. */
export function esc(s: string): string {
  // Control characters become visible escapes (style.ts safe()), line breaks stay.
  return s.split('\n').map(safe).join('\n').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** The worst severity among a connection's findings ('none' without any): what the filters match. */
export function worst(findings: readonly Finding[] | undefined): Finding['severity'] | 'none' {
  let w: Finding['severity'] | 'none' = 'none';
  for (const f of findings ?? []) if (w === 'none' || RANK[f.severity] < RANK[w]) w = f.severity;
  return w;
}

/** The outcome as text and its colour class. */
export function outcome(c: Connection): { text: string; cls: string } {
  const text = outcomeText(c);
  if (c.outcome === 'not-tls') return { text, cls: 'dim' };
  if (c.outcome === 'complete') return { text, cls: 'ok' };
  if (c.outcome === 'failed') return { text, cls: 'bad' };
  return { text, cls: 'warn' };
}

function isFatalAlert(m: LadderEntry): boolean {
  return m.record === 'alert' && (m.summary?.startsWith('fatal') ?? false);
}

/** The sequence diagram: two lanes, one arrow per ladder entry. */
export function sequenceDiagram(c: Connection): string {
  const width = 760;
  const left = 110;
  const right = width - 110;
  const step = 34;
  const top = 50;
  const height = top + Math.max(1, c.messages.length) * step + 20;
  const parts: string[] = [
    `<svg class="seq" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="handshake sequence diagram">`,
    `<text class="lane-label" x="${left}" y="20" text-anchor="middle">client ${esc(c.client)}</text>`,
    `<text class="lane-label" x="${right}" y="20" text-anchor="middle">server ${esc(c.server)}</text>`,
    `<line class="lane" data-lane="client" x1="${left}" y1="30" x2="${left}" y2="${height - 5}"/>`,
    `<line class="lane" data-lane="server" x1="${right}" y1="30" x2="${right}" y2="${height - 5}"/>`,
  ];
  c.messages.forEach((m, i) => {
    const y = top + i * step;
    const fromX = m.from === 'client' ? left : right;
    const toX = m.from === 'client' ? right : left;
    const cls = ['msg', m.record === 'alert' ? 'alert' : '', isFatalAlert(m) ? 'fatal' : '', m.decrypted ? 'decrypted' : m.encrypted ? 'encrypted' : ''].filter(Boolean).join(' ');
    const name = m.type ? m.type.name : m.record;
    const head = m.from === 'client' ? `${toX - 8},${y - 5} ${toX},${y} ${toX - 8},${y + 5}` : `${toX + 8},${y - 5} ${toX},${y} ${toX + 8},${y + 5}`;
    const summary = m.summary ? `<title>${esc(m.summary)}</title>` : '';
    parts.push(
      `<g class="${cls}" data-from="${m.from}">${summary}<line x1="${fromX}" y1="${y}" x2="${toX}" y2="${y}"/><polygon points="${head}"/>` +
        `<text x="${(left + right) / 2}" y="${y - 6}" text-anchor="middle">${m.record === 'alert' && m.summary ? `alert: ${esc(m.summary)}` : `${esc(name)}${m.decrypted ? ' (decrypted)' : m.encrypted ? ' (encrypted)' : ''}`}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function certTable(title: string, certs: CertInfo[]): string {
  if (certs.length === 0) return `<h4>${title}</h4><p class="warn">empty Certificate message: no certificate sent</p>`;
  const rows = certs
    .map((cert, i) => {
      if (cert.error) return `<tr><td>${i}</td><td colspan="5" class="bad">unparsable certificate: ${esc(cert.error)}</td></tr>`;
      const key = keyDescription(cert.publicKey);
      const usage = [...(cert.keyUsage ?? []), ...(cert.extKeyUsage ?? [])].join(', ');
      return (
        `<tr class="cert"><td>${i}</td><td><div class="subject">${esc(cert.subject)}</div><div class="dim">issuer ${esc(cert.issuer)}${cert.selfSigned ? ' (self-signed)' : ''}</div>` +
        `${cert.san?.length ? `<div class="dim">SAN ${esc(cert.san.join(', '))}</div>` : ''}</td>` +
        `<td>${esc(key)}<div class="dim">signed ${esc(cert.signatureAlgorithm.name)}</div></td><td>${esc(cert.notBefore)}<br>${esc(cert.notAfter)}</td>` +
        `<td>${esc(usage)}${cert.basicConstraints?.ca ? '<div>CA</div>' : ''}</td><td class="mono">${esc(cert.sha256.slice(0, 16))}…</td></tr>`
      );
    })
    .join('');
  return `<h4>${title} (${certs.length})</h4><table class="certs"><thead><tr><th>#</th><th>subject / issuer</th><th>key</th><th>validity</th><th>usage</th><th>sha256</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Element ids of a connection's findings: a rule id appears once per connection, so it is prefixed
 * with the connection's key (`conn-3-certreq-pss-only`), and a rule raised twice gets -2, -3….
 * Rule ids are kebab-case, so no finding id can equal a connection key (`conn-12`).
 */
export function findingIds(key: string, findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    return `${key}-${f.id}${n > 1 ? `-${n}` : ''}`;
  });
}

function findingsBlock(findings: Finding[] | undefined, key: string): string {
  if (!findings?.length) return '<p class="dim">no findings</p>';
  const ids = findingIds(key, findings);
  return findings
    .map(
      (f, i) =>
        `<div class="finding ${f.severity}" id="${esc(ids[i]!)}" data-id="${esc(f.id)}" data-severity="${f.severity}"><div class="ftitle"><span class="sev">${f.severity.toUpperCase()}</span> <code>${esc(f.id)}</code> ${esc(f.title)}</div>` +
        `<pre class="detail">${esc(f.detail)}</pre>${f.fix ? `<div class="fix"><b>fix</b><pre>${esc(f.fix)}</pre></div>` : ''}` +
        `${f.refs?.length ? `<div class="refs dim">${f.refs.map(esc).join(' · ')}</div>` : ''}</div>`,
    )
    .join('');
}

function details(c: Connection): string {
  const rows: [string, string][] = [];
  const ch = c.clientHello;
  if (ch) {
    rows.push(['ClientHello version', `${ch.version.name}${ch.supportedVersions ? `; supported_versions ${ch.supportedVersions.map((v) => v.name).join(', ')}` : ''}`]);
    if (ch.serverName !== undefined) rows.push(['server_name', ch.serverName]);
    if (ch.alpn) rows.push(['ALPN', ch.alpn.join(', ')]);
    rows.push([`cipher suites (${ch.cipherSuites.length})`, ch.cipherSuites.map((s) => s.name).join(', ')]);
    if (ch.signatureAlgorithms) rows.push(['signature_algorithms', ch.signatureAlgorithms.map((s) => s.name).join(', ')]);
    if (ch.supportedGroups) rows.push(['supported_groups', ch.supportedGroups.map((s) => s.name).join(', ')]);
    rows.push([`extensions (${ch.extensions.length})`, ch.extensions.map((s) => s.name).join(', ')]);
  }
  const sh = c.serverHello;
  if (sh) {
    rows.push([sh.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello', `${sh.selectedVersion.name}, ${sh.cipherSuite.name}`]);
    rows.push(['server extensions', sh.extensions.map((s) => s.name).join(', ')]);
  }
  for (const h of c.additionalServerHellos ?? []) rows.push(['then ServerHello', `${h.selectedVersion.name}, ${h.cipherSuite.name}`]);
  const cr = c.certificateRequest;
  if (cr) {
    rows.push(['CertificateRequest types', cr.certificateTypes.map((t) => t.name).join(', ')]);
    if (cr.signatureAlgorithms) rows.push(['CertificateRequest signature_algorithms', cr.signatureAlgorithms.map((s) => s.name).join(', ')]);
    rows.push([`CertificateRequest CA names (${cr.certificateAuthorities.length})`, cr.certificateAuthorities.join('\n')]);
  }
  if (c.certificateVerify) rows.push(['CertificateVerify', `${c.certificateVerify.signatureAlgorithm?.name ?? 'no algorithm field'}, ${c.certificateVerify.signatureLength}-byte signature`]);
  const fp = c.fingerprints;
  if (fp?.ja4) rows.push(['JA4', fp.ja4]);
  if (fp?.ja3) rows.push(['JA3', `${fp.ja3}  (${fp.ja3Full ?? ''})`]);
  if (fp?.ja3s) rows.push(['JA3S', `${fp.ja3s}  (${fp.ja3sFull ?? ''})`]);
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function messagesTable(c: Connection): string {
  const rows = c.messages
    .map(
      (m) =>
        `<tr class="${m.record === 'alert' ? (isFatalAlert(m) ? 'bad' : 'warn') : ''}"><td>${m.from === 'client' ? 'C → S' : 'C ← S'}</td><td>${esc(m.type ? m.type.name : m.record)}${m.decrypted ? ' <span class="dim">[decrypted]</span>' : m.encrypted ? ' <span class="dim">[encrypted]</span>' : ''}</td>` +
        `<td class="num">${m.length}</td><td class="num">${m.offset}</td><td class="num">${m.packet ?? ''}</td><td>${esc(m.summary ?? '')}</td></tr>`,
    )
    .join('');
  return `<table class="messages"><thead><tr><th>dir</th><th>message</th><th>length</th><th>offset</th><th>packet</th><th>decoded</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Everything about one connection: the report's section for it, and the live page's connection page. */
export function connectionSection(c: Connection, key: string): string {
  const o = outcome(c);
  const sev = worst(c.findings);
  const errors = c.errors.length ? `<h4>Decoder errors</h4><ul class="errors">${c.errors.map((e) => `<li>${esc(e.message)} <span class="dim">${esc([e.from ?? '', e.offset !== undefined ? `@${e.offset}` : '', e.packet !== undefined ? `packet ${e.packet}` : ''].filter(Boolean).join(' '))}</span></li>`).join('')}</ul>` : '';
  return (
    `<section class="conn" id="${key}" ${filterData(c, key, sev)}>` +
    `<h2>#${c.id} ${esc(c.client)} → ${esc(c.server)} <span class="${o.cls}">${esc(o.text)}</span></h2>` +
    `<div class="dim">${esc(c.file ?? '')} ${esc(c.startTime ?? '')}${c.version ? ` · ${esc(c.version.name)}` : ''}${c.clientHello?.serverName ? ` · SNI ${esc(c.clientHello.serverName)}` : ''}</div>` +
    (c.tls ? `<h3>Findings</h3>${findingsBlock(c.findings, key)}<h3>Handshake</h3>${sequenceDiagram(c)}<h3>Messages</h3>${messagesTable(c)}<h3>Decoded</h3>${details(c)}` : `<h3>Findings</h3>${findingsBlock(c.findings, key)}`) +
    (c.certificates ? certTable('Server certificates', c.certificates) : '') +
    (c.clientCertificates ? certTable('Client certificates', c.clientCertificates) : '') +
    errors +
    `</section>`
  );
}

/** The attributes the filters read (FILTER_JS): the same on a list row and on a section. */
export function filterData(c: Connection, key: string, sev = worst(c.findings)): string {
  return `data-key="${key}" data-sni="${esc(c.clientHello?.serverName ?? '')}" data-endpoints="${esc(`${c.client} ${c.server}`)}" data-outcome="${c.outcome}" data-severity="${sev}"`;
}

/**
 * A connection's findings for a list row: each rule id once, worst first, coloured by severity,
 * linked to `href(anchor)` (the anchor names its first finding in the connection's section).
 */
export function findingLinks(c: Connection, key: string, href: (anchor: string) => string): string {
  const anchors = findingIds(key, c.findings ?? []);
  const first = new Map<string, { anchor: string; severity: Finding['severity'] }>();
  (c.findings ?? []).forEach((f, i) => first.has(f.id) || first.set(f.id, { anchor: anchors[i]!, severity: f.severity }));
  return [...first]
    .sort((a, b) => RANK[a[1].severity] - RANK[b[1].severity])
    .map(([id, { anchor, severity }]) => `<a class="${severity === 'error' ? 'bad' : severity === 'warning' ? 'warn' : 'dim'}" href="${esc(href(anchor))}">${esc(id)}</a>`)
    .join(', ');
}

export const CSS = `
:root{--bad:#c62828;--warn:#b26a00;--ok:#2e7d32;--info:#1565c0;--dim:#666;--line:#ddd}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#263238;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}header .dim{color:#b0bec5}
main{padding:12px 20px}.filters{display:flex;gap:12px;align-items:end;margin:8px 0 12px;flex-wrap:wrap}
.actions{display:flex;gap:8px;align-items:center;margin:0 0 10px;flex-wrap:wrap}.actions button{font:inherit;padding:3px 10px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--dim)}.filters input,.filters select{font:inherit;padding:4px 6px}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}.mono,code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
#list{width:100%}#list tr.hidden,section.hidden{display:none}#list a{text-decoration:none}
.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn)}.ok{color:var(--ok)}.dim{color:var(--dim)}
section.conn{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:8px 16px}
section.conn h2{font-size:16px;margin:8px 0 2px}section.conn h3{font-size:14px;margin:14px 0 6px;border-bottom:1px solid var(--line)}
.finding{border-left:4px solid var(--info);padding:4px 10px;margin:6px 0;background:#f7f9fc}.finding.error{border-color:var(--bad);background:#fdf3f3}
.finding.warning{border-color:var(--warn);background:#fff8ec}.finding .sev{font-weight:700}.finding.error .sev{color:var(--bad)}.finding.warning .sev{color:var(--warn)}.finding.info .sev{color:var(--info)}
.finding pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}.fix pre{background:#eef7ee;padding:4px 8px}
svg.seq{background:#fff;max-width:100%;height:auto}svg.seq .lane{stroke:#90a4ae;stroke-width:2}svg.seq .lane-label{font-size:12px;font-weight:600;fill:#37474f}
svg.seq .msg line{stroke:#37474f;stroke-width:1.5}svg.seq .msg polygon{fill:#37474f}svg.seq .msg text{font-size:12px;fill:#222}
svg.seq .msg.encrypted line{stroke:#9e9e9e;stroke-dasharray:4 3}svg.seq .msg.encrypted text{fill:#777}svg.seq .msg.encrypted polygon{fill:#9e9e9e}
svg.seq .msg.alert line{stroke:var(--bad);stroke-width:2.5}svg.seq .msg.alert polygon{fill:var(--bad)}svg.seq .msg.alert text{fill:var(--bad);font-weight:700}
table.messages td:first-child{white-space:nowrap}table.messages td:last-child{word-break:break-word}table.kv th{width:260px}table.kv td{white-space:pre-wrap;word-break:break-word}
`;

// Filters: SNI substring, endpoint substring, outcome, minimum finding severity, over every
// element with data-key (list rows and sections). The initial values can be given in the URL
// fragment (#sni=…&endpoint=…&outcome=failed&severity=error), so a filtered view can be linked.
// A page that adds rows later (the live page) calls window.tlspeekFilter() again.
export const FILTER_JS = `
(function(){
  var rank={error:0,warning:1,info:2,none:3};
  var sni=document.getElementById('f-sni'),ep=document.getElementById('f-endpoint'),oc=document.getElementById('f-outcome'),sev=document.getElementById('f-severity');
  var p=new URLSearchParams(location.hash.slice(1));
  if(p.get('sni'))sni.value=p.get('sni');if(p.get('endpoint'))ep.value=p.get('endpoint');if(p.get('outcome'))oc.value=p.get('outcome');if(p.get('severity'))sev.value=p.get('severity');
  function apply(){
    var s=sni.value.toLowerCase(),e=ep.value.toLowerCase(),o=oc.value,v=sev.value,shown=0;
    document.querySelectorAll('[data-key]').forEach(function(el){
      var ok=(!s||el.getAttribute('data-sni').toLowerCase().indexOf(s)>=0)&&(!e||el.getAttribute('data-endpoints').toLowerCase().indexOf(e)>=0)
        &&(o==='all'||el.getAttribute('data-outcome')===o)
        &&(v==='all'||(v==='none'?el.getAttribute('data-severity')==='none':rank[el.getAttribute('data-severity')]<=rank[v]));
      el.classList.toggle('hidden',!ok);if(ok&&el.tagName==='TR')shown++;
    });
    document.getElementById('shown').textContent=String(shown);
  }
  [sni,ep,oc,sev].forEach(function(x){x.addEventListener('input',apply);x.addEventListener('change',apply);});
  window.tlspeekFilter=apply;
  apply();
})();
`;

/** The filter controls FILTER_JS reads; `shown` is how many rows are listed to begin with. */
export function filterControls(shown: number): string {
  const outcomes = ['complete', 'failed', 'aborted', 'incomplete', 'unknown', 'not-tls'];
  return `<div class="filters">
<label>SNI<input id="f-sni" type="search" placeholder="example.com"></label>
<label>client / endpoint<input id="f-endpoint" type="search" placeholder="10.0.0.5 or :443"></label>
<label>outcome<select id="f-outcome"><option value="all">any outcome</option>${outcomes.map((o) => `<option value="${o}">${o}</option>`).join('')}</select></label>
<label>findings<select id="f-severity"><option value="all">all connections</option><option value="error">errors</option><option value="warning">warnings or worse</option><option value="info">any finding</option><option value="none">no findings</option></select></label>
<span class="dim"><span id="shown">${shown}</span> shown</span>
</div>`;
}

/** A CSP source for an inline <script> or <style>: its SHA-256, so nothing else inline runs. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export function renderHtml(conns: Connection[], opts: HtmlOptions = {}): string {
  const title = opts.title ?? 'tlspeek report';
  const keyed = conns.map((c, i) => ({ c, key: `conn-${i + 1}` }));
  const count = (s: string) => conns.filter((c) => worst(c.findings) === s).length;
  const rows = keyed
    .map(({ c, key }) => {
      const o = outcome(c);
      return (
        `<tr ${filterData(c, key)}>` +
        `<td><a href="#${key}">#${c.id}</a></td><td>${esc(c.file ? c.file.slice(c.file.lastIndexOf('/') + 1) : '')}</td><td>${esc(c.client)}</td><td>${esc(c.server)}</td>` +
        `<td>${esc(c.clientHello?.serverName ?? '')}</td><td>${esc(c.version?.name ?? '')}</td><td class="${o.cls}">${esc(o.text)}</td>` +
        `<td>${findingLinks(c, key, (anchor) => `#${anchor}`)}</td></tr>`
      );
    })
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspHash(CSS)}; script-src ${cspHash(FILTER_JS)}; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><div class="dim">${conns.length} connection${conns.length === 1 ? '' : 's'} · ${count('error')} with errors · ${count('warning')} with warnings${opts.generated ? ` · generated ${esc(opts.generated)}` : ''}</div></header>
<main>
${filterControls(conns.length)}
<table id="list"><thead><tr><th>#</th><th>file</th><th>client</th><th>server</th><th>SNI</th><th>version</th><th>outcome</th><th>findings</th></tr></thead><tbody>${rows}</tbody></table>
${keyed.map(({ c, key }) => connectionSection(c, key)).join('\n')}
</main>
<script>${FILTER_JS}</script>
</body></html>
`;
}
