// Fitting text output to the terminal: how wide it is, how wide a string looks (ANSI colour codes
// take no columns), and one greedy line wrapper with hanging indents that every text renderer
// uses (replay and proxy connections, --trace, `tlspeek rules`).
//
// Lines break at spaces, and where a renderer asks for it after a comma inside a list written
// without spaces (`rsa_sign,dss_sign`, a DN). A single token longer than the width is never cut:
// it overflows on a line of its own (a hex fingerprint, a JA4_r string). Server directives in fix
// text are kept whole as well, words and all: `SSLOpenSSLConfCmd ClientSignatureAlgorithms a:b:c…`
// broken over two lines is two lines in httpd.conf, and the second is a syntax error. Copy-paste
// beats the right margin there.

/** A space the wrapper never breaks at; printed as an ordinary space. Peer strings never hold it: safe() escapes C0 controls. */
export const KEEP = '\u001f';

/** `s` with its spaces made unbreakable ("TLS 1.2", "C → S"). */
export function keep(s: string): string {
  return s.replaceAll(' ', KEEP);
}

/** When nothing says how wide the output is (a pipe, a file). */
export const DEFAULT_WIDTH = 100;

/**
 * Columns to fit: COLUMNS when set (as ls and diff honour it), else the terminal's width when the
 * stream is one, else `fallback`. One answer for every text renderer.
 */
export function outputWidth(stream?: { isTTY?: boolean; columns?: number }, fallback = DEFAULT_WIDTH): number {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  const cols = stream?.columns;
  if (stream?.isTTY && typeof cols === 'number' && cols > 0) return cols;
  return fallback;
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

export function stripAnsi(s: string): string {
  return s.replace(SGR, '');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Columns a string takes: code points, without ANSI colour codes (our output is not wide-character heavy). */
export function visibleLength(s: string): number {
  const t = s.includes('\u001b') ? stripAnsi(s) : s;
  if (!SURROGATE.test(t)) return t.length;
  let n = 0;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for (const _ of t) n++;
  return n;
}

export interface WrapOptions {
  /** Columns to fit; Infinity for none. */
  width: number;
  /** Column where continuation lines start (the hanging indent). */
  hang: number;
  /** Also break after a comma that has no space after it (`a,b,c` lists, DNs); never after an escaped `\,`. */
  commas?: boolean;
  /** Fix text: keep a directive whole, from the start of its clause to its `:`-separated list (see the file comment). */
  directives?: boolean;
}

/** `a:b:c`, three or more non-empty parts, after quotes, brackets and a closing `;` are set aside: a list for OpenSSL. */
export function isColonList(token: string): boolean {
  const first = token.indexOf(':');
  if (first < 0 || token.indexOf(':', first + 1) < 0) return false;
  const core = stripAnsi(token).replace(/^[('"]+|[)'";,.]+$/g, '');
  const parts = core.split(':');
  return parts.length >= 3 && parts.every((p) => p.length > 0 && !p.includes('/'));
}

/** Words a directive may take before its list: `openssl s_server … -client_sigalgs LIST` is the longest. */
const DIRECTIVE_WORDS = 4;
/** A gap this wide separates a directive from its comment ("LIST   (in the VirtualHost …)"). */
const CLAUSE_GAP = 3;

/** After each comma that is not the word's last character and not escaped (RFC 4514 "\\,"). */
const AFTER_COMMA = /(?<=(?<!\\),)(?=.)/u;

/**
 * The words of `body` (no leading spaces) into `seps` (the spaces before each, as written) and
 * `texts`; spaces at the end are dropped.
 */
function split(body: string, seps: string[], texts: string[]): void {
  let i = 0;
  while (i < body.length) {
    let j = i;
    while (body.charCodeAt(j) === 32) j++;
    if (j >= body.length) break;
    let k = body.indexOf(' ', j);
    if (k < 0) k = body.length;
    seps.push(body.slice(i, j));
    texts.push(body.slice(j, k));
    i = k;
  }
}

/** Joins each `:`-list with the directive words before it in its clause into one word. */
function glueDirectives(seps: string[], texts: string[]): void {
  for (let k = 0; k < texts.length; k++) {
    if (!isColonList(texts[k]!)) continue;
    let j = k;
    while (j > 0 && k - j < DIRECTIVE_WORDS && seps[j]!.length < CLAUSE_GAP && !stripAnsi(texts[j - 1]!).endsWith(':')) j--;
    if (j === k) continue;
    let glued = texts[j]!;
    for (let i = j + 1; i <= k; i++) glued += seps[i]! + texts[i]!;
    texts.splice(j, k - j + 1, glued);
    seps.splice(j + 1, k - j);
    k = j;
  }
}

/** SGR parameters that end a group of others: 22 ends bold and dim, 39 a foreground colour, 0 everything. */
function closes(close: number, open: number): boolean {
  if (close === 0) return true;
  if (close === 22) return open === 1 || open === 2;
  if (close === 39) return (open >= 30 && open <= 38) || (open >= 90 && open <= 97);
  if (close === 49) return (open >= 40 && open <= 48) || (open >= 100 && open <= 107);
  return close >= 23 && close <= 29 && open === close - 20;
}

/** The colour codes still open after `text`, given those open before it. */
function openAfter(active: string[], text: string): string[] {
  if (!text.includes('\u001b')) return active;
  let now = active;
  for (const m of text.matchAll(SGR)) {
    const code = Number(m[0].slice(2, -1).split(';')[0] || 0);
    const isClose = code === 0 || code === 22 || code === 39 || code === 49 || (code >= 23 && code <= 29);
    now = isClose ? now.filter((o) => !closes(code, Number(o.slice(2, -1).split(';')[0]))) : [...now, m[0]];
  }
  return now;
}

/**
 * One logical line (its own indent included) as lines of at most `width` columns, greedy, with
 * continuation lines indented to `hang`. Spacing is kept where the line does not break. A word
 * that does not fit goes to the next line whole; only a word longer than a line is broken after
 * its commas (with `commas`), and a piece longer than that overflows. Colour open at a break is
 * closed at the end of the line and opened again after the next indent, so each line stands
 * alone (a pager, a grep).
 */
export function wrapLine(line: string, opts: WrapOptions): string[] {
  const plain = line.includes(KEEP) ? line.replaceAll(KEEP, ' ') : line;
  // Most lines fit: UTF-16 length is never less than the columns a line takes.
  if (plain.length <= opts.width || !line.includes(' ') || visibleLength(plain) <= opts.width) return [plain];
  const { width } = opts;
  let start = 0;
  while (line.charCodeAt(start) === 32) start++;
  const seps: string[] = [];
  const texts: string[] = [];
  split(line.slice(start), seps, texts);
  if (opts.directives) glueDirectives(seps, texts);
  const hang = ' '.repeat(Math.max(0, opts.hang));
  // Without colour codes and characters outside the BMP a word's columns are its length.
  const simple = !line.includes('\u001b') && !SURROGATE.test(line);
  const out: string[] = [];
  let cur = line.slice(0, start);
  let cols = start;
  let fresh = true;
  let active: string[] = [];
  for (let w = 0; w < texts.length; w++) {
    const text = texts[w]!;
    const sep = fresh ? '' : seps[w]!;
    const n = simple ? text.length : visibleLength(text);
    const fits = cols + sep.length + n <= width;
    const splittable = opts.commas === true && text.includes(',');
    if (fits || (fresh && !splittable)) {
      cur += sep + text;
      cols += sep.length + n;
    } else if (!fresh && (hang.length + n <= width || !splittable)) {
      // To the next line whole (where it may still be too long: one token, not cut).
      out.push(active.length ? `${cur}\u001b[0m` : cur);
      cur = hang + active.join('') + text;
      cols = hang.length + n;
    } else {
      // Longer than a line: broken after its commas, filling this line first.
      const pieces = text.split(AFTER_COMMA);
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i]!;
        const gap = fresh ? '' : i === 0 ? sep : '';
        const pn = simple ? p.length : visibleLength(p);
        if (!fresh && cols + gap.length + pn > width) {
          out.push(active.length ? `${cur}\u001b[0m` : cur);
          cur = hang + active.join('') + p;
          cols = hang.length + pn;
        } else {
          cur += gap + p;
          cols += gap.length + pn;
        }
        fresh = false;
        active = openAfter(active, p);
      }
      continue;
    }
    fresh = false;
    active = openAfter(active, text);
  }
  out.push(cur);
  return plain === line ? out : out.map((l) => l.replaceAll(KEEP, ' '));
}

/** Paragraphs (split at "\n") wrapped to `width`, every line starting at `indent`; for prose. */
export function wrapText(text: string, width: number, indent = ''): string {
  return text
    .split('\n')
    .flatMap((para) => wrapLine(indent + para, { width, hang: indent.length }))
    .join('\n');
}
