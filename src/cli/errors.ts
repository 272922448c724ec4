/** Bad command-line usage: printed with the usage text, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A numeric option's value, or a UsageError naming it: yargs turns "abc" into NaN, which as a
 * filter would silently match nothing and as a cap would bound nothing.
 */
export function checkNumber(value: number, name: string, o: { min?: number; max?: number; integer?: boolean } = {}): number {
  const { min = 0, max = Infinity, integer = true } = o;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} ${range}, got ${String(value)}`);
  }
  return value;
}
