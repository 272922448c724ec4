// `tlspeek rules` as text: the catalogue (a table per family, or one entry per rule when the
// terminal is too narrow for one) and one rule explained (what it means, the fix per server, the
// references); and the --json form of a rule.
import { RULES, type Rule } from '../rules/index.js';
import { renderFix } from '../rules/helpers.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { visibleLength as visible, wrapLine, wrapText as wrap } from './wrap.js';

const FAMILY_TITLES: Record<Rule['family'], string> = {
  'client-auth': 'client authentication',
  server: 'server side',
  protocol: 'protocol and policy',
};

function severityText(rule: Rule, style: Style): string {
  const all = rule.severities ?? [rule.severity];
  return all.map((s) => (s === 'error' ? style.bad(s) : s === 'warning' ? style.warn(s) : style.info(s))).join('/');
}

/** Narrowest title column worth a table; below it each rule gets its own lines instead. */
const MIN_TITLE = 20;

export function renderCatalogue(style: Style, width: number | undefined): string {
  // Ids are never shortened, whatever the width: the id is what users type next. The id and
  // severity columns keep their full width and only the titles wrap; when even that does not
  // fit, each rule is one line "id  severity" with its title indented under it.
  const parts: string[] = [];
  const idWidth = Math.max(2, ...RULES.map((r) => r.id.length));
  const sevWidth = Math.max(8, ...RULES.map((r) => visible(severityText(r, style))));
  // Borders and padding of a three-column table: │ id │ severity │ title │
  const titleWidth = width === undefined ? undefined : width - idWidth - sevWidth - 10;
  for (const family of Object.keys(FAMILY_TITLES) as Rule['family'][]) {
    const rules = RULES.filter((r) => r.family === family);
    if (rules.length === 0) continue;
    parts.push(style.head(FAMILY_TITLES[family]));
    if (titleWidth === undefined || titleWidth >= MIN_TITLE) {
      const rows = rules.map((r) => [r.id, severityText(r, style), titleWidth === undefined ? r.title : wrap(r.title, titleWidth, '')]);
      parts.push(renderTable(['id', 'severity', 'title'], rows, { style }));
    } else {
      for (const r of rules) {
        const sev = severityText(r, style);
        const head = 4 + r.id.length + visible(sev) <= width! ? `  ${r.id}  ${sev}` : `  ${r.id}\n      ${sev}`;
        parts.push(`${head}\n${wrap(r.title, width!, '      ')}`);
      }
    }
  }
  const footer = `${RULES.length} rules. \`tlspeek rules ID\` explains one.`;
  return `${parts.join('\n')}\n${width === undefined ? footer : wrap(footer, width, '')}\n`;
}

export function renderRule(rule: Rule, style: Style, width: number): string {
  const lines = [
    ...wrapLine(`${style.head(rule.id)}  ${severityText(rule, style)}  (${FAMILY_TITLES[rule.family]})`, { width, hang: 2 }),
    wrap(rule.title, width),
    '',
    style.head('What it means'),
    wrap(rule.explain, width, '  '),
  ];
  if (rule.fix) {
    lines.push('', style.head('Fix'));
    // Continuation lines four in; a directive with its `:`-list is never broken (it would not paste into a config).
    for (const l of renderFix(rule.fix).split('\n')) lines.push(...wrapLine(`  ${l}`, { width, hang: 6, directives: true }));
  }
  if (rule.refs.length) lines.push('', style.head('References'), ...rule.refs.flatMap((r) => wrapLine(`  ${r}`, { width, hang: 4 })));
  return `${lines.join('\n')}\n`;
}

/** A rule as `tlspeek rules --json` gives it. */
export function ruleJson(r: Rule): object {
  return { id: r.id, family: r.family, severity: r.severity, severities: r.severities ?? [r.severity], title: r.title, explain: r.explain, fix: r.fix ?? {}, refs: r.refs };
}
