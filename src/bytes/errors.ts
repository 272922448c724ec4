// The three outcomes of every parser: a value, Truncated ("need more bytes"),
// or Malformed ("these bytes are wrong"). LimitExceeded is Malformed by policy:
// the bytes may be legal but we refuse to buffer or walk that much.

export class TlsParseError extends Error {
  /** Absolute byte offset (within the buffer the reader was made over, plus its base). */
  readonly offset: number;
  /** Field path, e.g. "ClientHello.extensions[3](0x000d)". */
  readonly path: string;

  constructor(kind: string, message: string, offset: number, path: string) {
    super(`${kind}: ${path ? `${path}: ` : ''}${message} @${offset}`);
    this.name = kind;
    this.offset = offset;
    this.path = path;
  }
}

export class Truncated extends TlsParseError {
  readonly needed: number;
  constructor(needed: number, offset: number, path: string) {
    super('Truncated', `need ${needed} more byte${needed === 1 ? '' : 's'}`, offset, path);
    this.needed = needed;
  }
}

export class Malformed extends TlsParseError {
  constructor(message: string, offset: number, path: string) {
    super('Malformed', message, offset, path);
  }
}

export class LimitExceeded extends TlsParseError {
  constructor(message: string, offset: number, path: string) {
    super('LimitExceeded', message, offset, path);
  }
}

export function isParseError(e: unknown): e is TlsParseError {
  return e instanceof TlsParseError;
}

/** One line for a report: the message of our own errors, a tagged one for anything else. */
export function describeError(e: unknown): string {
  if (e instanceof TlsParseError) return e.message;
  if (e instanceof Error) return `internal error: ${e.message}`;
  return `internal error: ${String(e)}`;
}
