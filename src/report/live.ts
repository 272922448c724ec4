// The pages of `tlspeek proxy --ui` (the server is ui/server.ts): the live list of connections,
// one page per connection, the diff of a selection. They share html.ts with `tlspeek report`:
// the connection section, the sequence diagram, the CSS, the filters. Every page is plain
// HTML that works without JavaScript; only the live part (new rows as handshakes are decided)
// needs it. Scripts and styles are files of the server (app.js, style.css), so the page's
// Content-Security-Policy allows no inline script or style at all.
import type { Connection } from '../tls/model.js';
import type { DiffInput } from '../diff/json.js';
import type { Section } from '../diff/sections.js';
import { CSS, FILTER_JS, connectionSection, esc, filterControls, filterData, findingLinks, outcome } from './html.js';
import { diffBlocks } from './diff.js';
import type { Cell } from './diff-layout.js';

export const LIVE_CSS = `${CSS}
#list td.sel{text-align:center}#status.live{color:var(--ok)}#status.down{color:var(--bad)}
nav{margin:8px 0}nav a{margin-right:12px}
table.diff td.ok{color:var(--ok)}table.diff td.warn{color:var(--warn)}table.diff td.bad{color:var(--bad);font-weight:600}table.diff td{white-space:pre-wrap}
h3.equal{color:var(--dim);font-weight:400}
`;

// The live part: Server-Sent Events (ui/server.ts, /events) carry each connection's row as the
// server rendered it, when its handshake is decided and again when it closes. A row already
// listed is replaced in place (its checkbox kept); a new one goes in connection-number order,
// newest on top, as the server lists them; past `keep` rows the oldest go. EventSource reconnects by itself and sends Last-Event-ID, so the server sends what
// the page missed; a different `run` means the proxy was restarted, and the page reloads.
// The download and diff buttons submit the selection, or, with nothing selected, every row shown.
const LIVE_PART = `
(function(){
  var table=document.getElementById('list'),body=table.tBodies[0],status=document.getElementById('status');
  var keep=Number(table.getAttribute('data-keep')),run=table.getAttribute('data-run');
  var form=document.getElementById('sel');
  function place(id,html){
    var t=document.createElement('tbody');t.innerHTML=html;var row=t.firstElementChild;if(!row)return;
    var old=body.querySelector('tr[data-id="'+id+'"]');
    if(old){var box=old.querySelector('input[type=checkbox]'),nbox=row.querySelector('input[type=checkbox]');if(box&&nbox)nbox.checked=box.checked;body.replaceChild(row,old);}
    else{var next=null;for(var i=0;i<body.rows.length;i++)if(Number(body.rows[i].getAttribute('data-id'))<id){next=body.rows[i];break;}body.insertBefore(row,next);}
    while(body.rows.length>keep)body.deleteRow(body.rows.length-1);
  }
  function selected(){return Array.prototype.slice.call(body.querySelectorAll('input[name=id]:checked'));}
  function count(){var n=selected().length;document.getElementById('selected').textContent=String(n);document.getElementById('diff').disabled=n<2;}
  body.addEventListener('change',count);
  form.addEventListener('submit',function(ev){
    form.querySelectorAll('input.shown').forEach(function(x){x.remove();});
    if(ev.submitter&&ev.submitter.id==='diff')return;
    if(selected().length===0)body.querySelectorAll('tr:not(.hidden)').forEach(function(tr){
      var x=document.createElement('input');x.type='hidden';x.name='id';x.className='shown';x.value=tr.getAttribute('data-id');form.appendChild(x);
    });
  });
  var since=table.getAttribute('data-seq');
  var es=new EventSource('events?since='+encodeURIComponent(since));
  es.addEventListener('hello',function(e){var h=JSON.parse(e.data);if(h.run!==run)location.reload();});
  es.addEventListener('connection',function(e){var m=JSON.parse(e.data);place(m.id,m.row);window.tlspeekFilter();});
  es.onopen=function(){status.textContent='live';status.className='live';};
  es.onerror=function(){status.textContent='reconnecting…';status.className='down';};
  count();
})();
`;

/** app.js: the filters of the report, then the live part. */
export const LIVE_JS = `${FILTER_JS}${LIVE_PART}`;

function clock(iso: string | undefined): string {
  // 2026-12-02T11:20:51.123Z → 11:20:51.123 (the page is read while it happens; the date is in the connection page).
  return iso ? iso.slice(11, 23) : '';
}

/** One row of the live list (also sent, as rendered here, over /events). */
export function liveRow(c: Connection): string {
  const key = `conn-${c.id}`;
  const o = outcome(c);
  const suite = c.serverHello?.cipherSuite.name ?? '';
  return (
    `<tr ${filterData(c, key)} data-id="${c.id}"><td class="sel"><input type="checkbox" name="id" value="${c.id}" aria-label="select #${c.id}"></td>` +
    `<td><a href="c/${c.id}">#${c.id}</a></td><td class="mono">${esc(clock(c.startTime))}</td><td>${esc(c.client)}</td>` +
    `<td>${esc(c.clientHello?.serverName ?? '')}</td><td>${esc(c.version?.name ?? '')}</td><td>${esc(suite)}</td><td class="${o.cls}">${esc(o.text)}</td>` +
    `<td>${findingLinks(c, key, (anchor) => `c/${c.id}#${anchor}`)}</td></tr>`
  );
}

/** `root`: the way back to the list from the page's own path (`../` from c/7). */
function page(title: string, body: string, scripts: boolean, root = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="${root}style.css"></head>
<body>${body}${scripts ? `<script src="${root}app.js"></script>` : ''}</body></html>
`;
}

export interface LivePageInfo {
  /** "tlspeek proxy 127.0.0.1:8443 → 127.0.0.1:443" */
  title: string;
  /** --ui-keep */
  keep: number;
  /** Connections no longer kept. */
  dropped: number;
  /** The last event the rows below include: the page asks for what came after. */
  seq: number;
  /** This proxy run (a restart changes it). */
  run: string;
}

/** The live list: rows made by liveRow (the store keeps each one as rendered), newest first. */
export function livePage(rows: readonly string[], info: LivePageInfo): string {
  const body =
    `<header><h1>${esc(info.title)}</h1><div class="dim">live: <span id="status">without JavaScript, reload for new connections</span> · ` +
    `keeping the last ${info.keep.toLocaleString('en-US')} connections${info.dropped ? ` (${info.dropped.toLocaleString('en-US')} older ones no longer kept)` : ''}</div></header>\n<main>\n` +
    `<form id="sel" method="get" action="diff">\n${filterControls(rows.length)}\n` +
    `<div class="actions"><button type="submit" id="diff" formaction="diff">diff selected</button>` +
    `<button type="submit" formaction="connections.jsonl">JSON Lines</button><button type="submit" formaction="connections.pcap">pcap</button><button type="submit" formaction="report.html">HTML report</button>` +
    `<span class="dim"><span id="selected">0</span> selected; downloads take the selection, or every connection shown</span></div>\n` +
    `<table id="list" data-keep="${info.keep}" data-seq="${info.seq}" data-run="${esc(info.run)}"><thead><tr><th></th><th>#</th><th>time</th><th>client</th><th>SNI</th><th>version</th><th>cipher suite</th><th>outcome</th><th>findings</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>\n</form>\n</main>`;
  return page(info.title, body, true);
}

/** What `report` shows for one connection, on a page of its own. */
export function connectionPage(c: Connection, title: string): string {
  const body =
    `<header><h1>${esc(title)}</h1></header>\n<main><nav><a href="../">← all connections</a>` +
    `<a href="../connections.pcap?id=${c.id}">pcap</a><a href="../connections.jsonl?id=${c.id}">JSON</a><a href="../report.html?id=${c.id}">HTML report</a></nav>\n` +
    `${connectionSection(c, `conn-${c.id}`)}\n</main>`;
  return page(`#${c.id} ${c.client} · ${title}`, body, false, '../');
}

function cellHtml(c: Cell, tag: 'td' | 'th'): string {
  return `<${tag}${c.tone ? ` class="${c.tone}"` : ''}>${esc(c.text)}</${tag}>`;
}

/** The sections of `tlspeek diff` as HTML tables: the fields that differ, or with `all` every field (`--all`). */
export function diffPage(inputs: readonly DiffInput[], sections: readonly Section[], title: string, all: boolean): string {
  const blocks = diffBlocks(inputs, sections, all)
    .map((b) => {
      const head = `<thead><tr>${b.head.map((c) => cellHtml(c, 'th')).join('')}</tr></thead>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, i === 0 ? 'th' : 'td')).join('')}</tr>`).join('');
      return `${b.line !== undefined ? `<h3${b.equal ? ' class="equal"' : ''}>${esc(b.line)}</h3>` : ''}${b.rows.length ? `<table class="diff">${head}<tbody>${rows}</tbody></table>` : ''}`;
    })
    .join('\n');
  const ids = inputs.map((i) => `id=${i.connection.id}`).join('&amp;');
  const body =
    `<header><h1>${esc(title)}</h1><div class="dim">diff of ${inputs.map((i) => esc(i.label)).join(', ')}: the first is the reference</div></header>\n` +
    `<main><nav><a href="./">← all connections</a>${inputs.map((i) => `<a href="c/${i.connection.id}">#${i.connection.id}</a>`).join('')}` +
    `${all ? `<a href="diff?${ids}">only the fields that differ</a>` : `<a href="diff?${ids}&amp;all=1">every field</a>`}</nav>\n${blocks}\n</main>`;
  return page(`diff · ${title}`, body, false);
}

/** A short page for a request that cannot be answered (unknown or dropped connection, bad selection). */
export function problemPage(message: string, title: string, root = ''): string {
  return page(title, `<header><h1>${esc(title)}</h1></header><main><nav><a href="${root || './'}">← all connections</a></nav><p class="bad">${esc(message)}</p></main>`, false, root);
}
