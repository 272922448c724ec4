// `tlspeek rules` lists the diagnosis catalogue; `tlspeek rules ID` explains one rule: what it
// checks and why it matters, its severity, the fix per server, and the RFC sections behind it.
import type { Argv, CommandModule } from 'yargs';
import { findRule, RULES } from '../../rules/index.js';
import type { ColorChoice } from '../../report/style.js';
import { renderCatalogue, renderRule, ruleJson } from '../../report/catalogue.js';
import { outputWidth } from '../../report/wrap.js';
import { styleFor, type Io } from '../../app/io.js';
import { write } from '../../util/streams.js';
import { colorOption } from '../options.js';

interface RulesArgs {
  id?: string;
  json: boolean;
  color: ColorChoice;
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
