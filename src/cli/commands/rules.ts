// `tlspeek rules` lists the diagnosis catalogue; `tlspeek rules ID` explains one rule: what it
// checks and why it matters, its severity, the fix per server, and the RFC sections behind it.
import type { Argv, CommandModule } from 'yargs';
import { findRule, RULES, type Rule } from '../../rules/index.js';
import { renderFix } from '../../rules/helpers.js';
import type { ColorChoice, Style } from '../../report/style.js';
import { renderTable } from '../../report/table.js';
import { outputWidth, visibleLength as visible, wrapLine, wrapText as wrap } from '../../report/wrap.js';
import { styleFor, type Io } from '../../app/io.js';
import { write } from '../../util/streams.js';
import { colorOption } from '../options.js';

interface RulesArgs {
  id?: string;
  json: boolean;
  color: ColorChoice;
}

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

function ruleJson(r: Rule): object {
  return { id: r.id, family: r.family, severity: r.severity, severities: r.severities ?? [r.severity], title: r.title, explain: r.explain, fix: r.fix ?? {}, refs: r.refs };
}

/** Rule ids close to a mistyped one (shared prefix or substring). */
function suggestions(id: string): string[] {
  const q = id.toLowerCase();
  return RULES.map((r) => r.id).filter((r) => r.includes(q) || q.includes(r) || r.split('-')[0] === q.split('-')[0]).slice(0, 5);
}

export function rulesCommand(io: Io, setExit: (code: number) => void): CommandModule<object, RulesArgs> {
  return {
    command: 'rules [id]',
    describe: 'List the diagnosis rules, or explain one',
    builder: (y) =>
      (y as Argv<object>)
        .positional('id', { type: 'string', describe: 'a rule id, e.g. certreq-pss-preferred' })
        .option('json', { type: 'boolean', default: false, describe: 'the catalogue (or the rule) as JSON' })
        .option('color', colorOption)
        .example('$0 rules', 'every rule: id, severity, family, title')
        .example('$0 rules certreq-pss-preferred', 'why RSA-PSS first in a CertificateRequest breaks smartcards, and the fix') as unknown as Argv<RulesArgs>,
    handler: async (argv) => {
      const style = styleFor(io, argv.json ? 'never' : argv.color);
      const columns = outputWidth(io.out);
      if (argv.id === undefined) {
        await write(io.out, argv.json ? `${JSON.stringify(RULES.map(ruleJson), null, 2)}\n` : renderCatalogue(style, columns));
        return;
      }
      const rule = findRule(argv.id);
      if (!rule) {
        const near = suggestions(argv.id);
        io.err.write(`tlspeek: no rule "${argv.id}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (\`tlspeek rules\` lists them all)\n`);
        setExit(2);
        return;
      }
      await write(io.out, argv.json ? `${JSON.stringify(ruleJson(rule), null, 2)}\n` : renderRule(rule, style, Math.min(100, columns)));
    },
  };
}
