/** Bad command-line usage: printed with the usage text, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** How a bad value reads in a message: numbers as they are, anything else quoted as typed. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
}

/**
 * A numeric option's value, or a UsageError naming the option and the value given: `--port https`
 * says `got "https"`. Takes the value as typed (options defined with numberOption reach it
 * unconverted) or as a number; yargs alone would have turned "abc" into NaN, which as a filter
 * silently matches nothing and as a cap bounds nothing.
 */
export function checkNumber(value: unknown, name: string, o: NumberRange = {}): number {
  const { min = 0, max = Infinity, integer = true } = o;
  const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
  const want = `--${name} must be ${integer ? 'a whole number' : 'a number'} ${range}`;
  if (Array.isArray(value)) throw new UsageError(`--${name} was given ${value.length} times (${value.map(shown).join(', ')}); give it once`);
  // Text must be a decimal number: "" and " " are not 0. (yargs turns 0x1bb into 443 before us.)
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${want}, got ${shown(value)}`);
  }
  return n;
}
