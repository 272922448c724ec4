// Options more than one command has, defined once so they read and behave the same everywhere.
import type { ColorChoice } from '../report/style.js';
import { checkNumber, type NumberRange } from './errors.js';

/**
 * `--color auto|always|never`, and `--no-color` / `--color` alone as ls, grep and git users type
 * them. yargs hands `--no-color` over as false and checks the choices after coercion.
 */
/**
 * `--keylog FILE`, repeatable (replay, report, diff): one file per flag; `array` alone would take
 * the capture files after it too.
 */
export const keylogOption = {
  type: 'string',
  array: true,
  nargs: 1,
  describe: 'key log (SSLKEYLOGFILE / s_client -keylogfile format); repeatable: the handshakes and alerts of the connections it has keys for are decrypted (never application data)',
} as const;

/** The --keylog files given, as a list. */
export function keylogFiles(v: string | readonly string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : ([] as string[]).concat(v);
}

export const colorOption = {
  coerce: (v: unknown): unknown => (v === false ? 'never' : v === true ? 'always' : v),
  choices: ['auto', 'always', 'never'] as const,
  default: 'auto' as ColorChoice,
  describe: 'colour in text output (--no-color = never)',
};

/**
 * A numeric option whose bad value is named in the error: `--port https` → `--port must be a
 * whole number from 0 to 65535, got "https"`, exit 2. It has no yargs `type: 'number'` on purpose:
 * yargs would turn "https" into NaN before anyone could quote it. A missing value (`--port` last)
 * is yargs' "Not enough arguments following: port".
 */
export function numberOption<D extends number | undefined = undefined>(
  name: string,
  o: NumberRange & { describe: string; alias?: string; default?: D },
): { describe: string; requiresArg: true; coerce: (v: unknown) => number; alias?: string; default?: D } {
  const { describe, alias, default: def, ...range } = o;
  return {
    describe,
    requiresArg: true,
    ...(alias !== undefined ? { alias } : {}),
    ...(def !== undefined ? { default: def } : {}),
    coerce: (v: unknown): number => checkNumber(v, name, range),
  };
}

/**
 * A required list of inputs (`<files..>`). The command string already makes it required; this
 * keeps yargs from also printing the `[default: []]` it gives every variadic positional, which
 * next to `[required]` reads as a contradiction.
 */
export function inputList(describe: string): { type: 'string'; array: true; describe: string; default: undefined } {
  return { type: 'string', array: true, describe, default: undefined };
}
