// A long signature scheme list is printed in full once per connection in text output: in its
// block (CertificateRequest, ClientHello). The ladder line shows it shortened, and a finding
// detail that quotes it word for word gets a reference instead. Only the text renderers do this
// (replay, proxy, --trace): the model, and so --json and the HTML report, keep the full text.
import type { CodePoint, Connection } from '../tls/model.js';

/** Up to this many schemes a list is repeated as it is: a reference would be no shorter. */
export const SHORT_LIST = 4;

export interface Repeat {
  /** The list as the rules quote it, names joined by ", ". */
  full: string;
  /** What the text output says instead. */
  ref: string;
}

/** The lists printed in full in the blocks of `c`'s text, long enough to be worth referring to. */
export function schemeRepeats(c: Connection): Repeat[] {
  const out: Repeat[] = [];
  const add = (list: readonly CodePoint[] | undefined, block: string): void => {
    if (!list || list.length <= SHORT_LIST) return;
    const full = list.map((s) => s.name).join(', ');
    if (!out.some((r) => r.full === full)) out.push({ full, ref: `the ${list.length} schemes listed under ${block} above` });
  };
  // The CertificateRequest first: when the client offered the same list, the rules that quote it are about the request.
  add(c.certificateRequest?.signatureAlgorithms, 'CertificateRequest');
  add(c.clientHello?.signatureAlgorithms, 'ClientHello');
  return out;
}

/** `text` with every whole occurrence of each repeated list (not part of a longer list) replaced by its reference. */
export function referRepeats(text: string, repeats: readonly Repeat[]): string {
  let out = text;
  for (const { full, ref } of repeats) {
    let at = out.indexOf(full);
    while (at >= 0) {
      const end = at + full.length;
      const whole = out.slice(Math.max(0, at - 2), at) !== ', ' && out[end] !== ',' && !/\w/.test(out[end] ?? '') && !/\w/.test(out[at - 1] ?? '');
      if (whole) out = out.slice(0, at) + ref + out.slice(end);
      at = out.indexOf(full, whole ? at + ref.length : at + 1);
    }
  }
  return out;
}

/**
 * A scheme list shortened for a one-line summary: the first scheme, the first RSA-PSS scheme an
 * ordinary RSA key can make (rsa_pss_rsae_*) and the first PKCS#1 v1.5 one, in the order the list
 * has them, "…" for what is left out, and the count. Which of those two comes first is what an RSA
 * client key picks, and what certreq-pss-preferred is about (rsa_pss_pss_* needs an RSA-PSS key).
 */
export function abbreviateSchemes(names: readonly string[]): string {
  if (names.length <= SHORT_LIST) return names.join(',');
  const keep = new Set([0]);
  for (const prefix of ['rsa_pss_rsae_', 'rsa_pkcs1_']) {
    const i = names.findIndex((n) => n.startsWith(prefix));
    if (i >= 0) keep.add(i);
  }
  const parts: string[] = [];
  let last = -1;
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (i > last + 1) parts.push('…');
    parts.push(names[i]!);
    last = i;
  }
  if (last < names.length - 1) parts.push('…');
  return `${parts.join(',')} (${names.length})`;
}

/** A ladder summary with the CertificateRequest's long sigalgs list shortened (tls/summary.ts writes `sigalgs a,b,c`). */
export function shortenLadderSummary(summary: string, c: Connection, messageType: string | undefined): string {
  const list = c.certificateRequest?.signatureAlgorithms;
  if (messageType !== 'certificate_request' || !list || list.length <= SHORT_LIST) return summary;
  const names = list.map((s) => s.name);
  const written = `sigalgs ${names.join(',')}`;
  const at = summary.indexOf(written);
  if (at < 0) return summary;
  const end = at + written.length;
  // Only the exact list: a longer one (another CertificateRequest) is left alone.
  if (summary[end] !== undefined && summary[end] !== ';') return summary;
  return `${summary.slice(0, at)}sigalgs ${abbreviateSchemes(names)}${summary.slice(end)}`;
}
