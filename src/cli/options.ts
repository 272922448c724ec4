// Options more than one command has, defined once so they read and behave the same everywhere.
import type { ColorChoice } from '../report/style.js';

/**
 * `--color auto|always|never`, and `--no-color` / `--color` alone as ls, grep and git users type
 * them. yargs hands `--no-color` over as false and checks the choices after coercion.
 */
export const colorOption = {
  coerce: (v: unknown): unknown => (v === false ? 'never' : v === true ? 'always' : v),
  choices: ['auto', 'always', 'never'] as const,
  default: 'auto' as ColorChoice,
  describe: 'colour in text output (--no-color = never)',
};
