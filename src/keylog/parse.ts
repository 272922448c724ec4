// Key logs in the SSLKEYLOGFILE format (RFC 9850): one secret per line,
//   <label> SP <client_random: 64 hex digits> SP <secret: hex>
// lines starting with '#' are comments; blank lines are skipped; LF or CRLF ends a line; hex is
// read in either case. Labels: secret-labels.ts. ECH_* lines (RFC 9850's Encrypted Client Hello
// secrets) are noted once and ignored; OpenSSL's CLIENT_/SERVER_TRAFFIC_SECRET_N are skipped.
//
// The parser is incremental (push pieces of text as they come, from a file, a followed file or a
// pcapng Decryption Secrets Block) and bounded: a line longer than MAX_KEYLOG_LINE is skipped
// without being kept, at most MAX_KEYLOG_WARNINGS problem lines are reported one by one (then one
// line with the count), and unknown labels are reported once each. It never throws on any text.
// No message ever quotes a line: a key log holds secrets, and so may its broken lines.
import { MAX_KEYLOG_CONNECTIONS, MAX_KEYLOG_LINE, MAX_KEYLOG_UNKNOWN_LABELS, MAX_KEYLOG_WARNINGS } from '../limits.js';
import { FifoMap } from '../util/fifo-map.js';
import { CLIENT_RANDOM_LENGTH, ECH_LABEL_PREFIX, KEYLOG_LABELS, UNUSED_LABELS } from '../tls/crypto/secret-labels.js';

export interface KeyLogEntry {
  readonly label: string;
  /** ClientHello.random, 64 lowercase hex digits. */
  readonly clientRandom: string;
  readonly secret: Uint8Array;
}

export interface KeyLogParserOptions {
  /** Most problem lines reported one by one (default MAX_KEYLOG_WARNINGS). */
  readonly maxWarnings?: number;
}

const HEX = /^[0-9a-fA-F]*$/;
/** What a label looks like (RFC 9850 labels are upper case with underscores); anything else is not named in messages. */
const LABEL_SHAPE = /^[A-Z][A-Z0-9_]{0,63}$/;

export class KeyLogParser {
  /** Lines read so far (the line number of the last complete line). */
  lines = 0;
  /** Entries accepted. */
  entries = 0;
  /** Lines with a problem (malformed, or with an unknown label), reported or not. */
  problems = 0;
  private reported = 0;
  private partial = '';
  /** The line being read is over MAX_KEYLOG_LINE: its rest is skipped up to the next line end. */
  private overlong = false;
  private echNoted = false;
  private readonly unknownLabels = new Set<string>();
  private readonly maxWarnings: number;

  /**
   * @param source how messages name the input ("keys.txt", "capture.pcapng DSB at offset 96")
   * @param onEntry each good line, in order
   * @param onWarning each message, already prefixed with source and line ("keys.txt:3: …")
   */
  constructor(
    readonly source: string,
    private readonly onEntry: (entry: KeyLogEntry) => void,
    private readonly onWarning: (message: string) => void,
    options: KeyLogParserOptions = {},
  ) {
    this.maxWarnings = options.maxWarnings ?? MAX_KEYLOG_WARNINGS;
  }

  /** Feeds the next piece of text (a file's bytes as latin1: key logs are ASCII). */
  push(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        this.keep(text, start, text.length);
        return;
      }
      this.keep(text, start, nl);
      this.lines++;
      if (this.overlong) {
        this.problem(`longer than ${MAX_KEYLOG_LINE} characters; skipped`);
        this.overlong = false;
      } else {
        this.line(this.partial);
      }
      this.partial = '';
      start = nl + 1;
    }
  }

  /** The input ended: a last line without a line end is read, and the count of unreported problems given. */
  end(): void {
    if (this.partial.length > 0 || this.overlong) {
      this.lines++;
      if (this.overlong) this.problem(`longer than ${MAX_KEYLOG_LINE} characters; skipped`);
      else this.line(this.partial);
      this.partial = '';
      this.overlong = false;
    }
    const unreported = this.problems - this.reported;
    if (unreported > 0) {
      this.onWarning(`${this.source}: ${unreported} more line${unreported === 1 ? '' : 's'} with problems (not shown); ${this.entries} good line${this.entries === 1 ? '' : 's'} used`);
    }
  }

  /** Drops a partial line (the followed file was truncated or replaced under it). */
  discardPartial(): void {
    this.partial = '';
    this.overlong = false;
  }

  /** Appends text[from, to) to the line being read, up to the line limit. */
  private keep(text: string, from: number, to: number): void {
    if (this.overlong || from === to) return;
    if (this.partial.length + (to - from) > MAX_KEYLOG_LINE) {
      this.overlong = true;
      this.partial = '';
      return;
    }
    this.partial = this.partial.length === 0 ? text.slice(from, to) : this.partial + text.slice(from, to);
  }

  private warn(message: string): void {
    this.onWarning(`${this.source}:${this.lines}: ${message}`);
  }

  private problem(message: string): void {
    this.problems++;
    if (this.reported >= this.maxWarnings) return;
    this.reported++;
    this.warn(message);
  }

  private line(raw: string): void {
    const line = raw.trim(); // also the CR of a CRLF line end
    if (line.length === 0 || line.charCodeAt(0) === 0x23 /* '#' */) return;
    const fields = line.split(/[ \t]+/);
    const label = fields[0]!;
    if (label.startsWith(ECH_LABEL_PREFIX) && LABEL_SHAPE.test(label)) {
      if (!this.echNoted) {
        this.echNoted = true;
        this.warn(`${label}: Encrypted Client Hello secrets (ECH_*) are ignored: the inner ClientHello is not decrypted (noted once)`);
      }
      return;
    }
    if (UNUSED_LABELS.has(label)) return;
    const spec = KEYLOG_LABELS[label];
    if (fields.length !== 3) {
      const what = spec ? `${label} line` : 'not a key-log line';
      this.problem(`${what}: ${fields.length} field${fields.length === 1 ? '' : 's'}, want 3 (label, client random, secret)`);
      return;
    }
    if (!spec) {
      if (!LABEL_SHAPE.test(label)) {
        this.problem('not a key-log line: the first field is not a label');
      } else if (!this.unknownLabels.has(label)) {
        if (this.unknownLabels.size < MAX_KEYLOG_UNKNOWN_LABELS) this.unknownLabels.add(label);
        this.problem(`unknown label ${label}: its lines are ignored (reported once)`);
      }
      return;
    }
    const random = fields[1]!;
    const secret = fields[2]!;
    if (random.length !== 2 * CLIENT_RANDOM_LENGTH || !HEX.test(random)) {
      this.problem(`${label}: the client random is not ${2 * CLIENT_RANDOM_LENGTH} hex digits`);
      return;
    }
    // Node's hex decoding stops at the first pair that is not two hex digits, so a secret decodes
    // to half its length exactly when it is all hex: the check and the decoding in one pass.
    const bytes = secret.length % 2 === 0 ? Buffer.from(secret, 'hex') : undefined;
    if (bytes === undefined || 2 * bytes.length !== secret.length) {
      this.problem(`${label}: the secret is not hex (${secret.length} characters)`);
      return;
    }
    if (!spec.secretLengths.includes(bytes.length)) {
      this.problem(`${label}: the secret is ${bytes.length} bytes, want ${spec.secretLengths.join(' or ')}`);
      return;
    }
    this.entries++;
    this.onEntry({ label, clientRandom: random.toLowerCase(), secret: bytes });
  }
}

/** Parses a whole key-log text: its entries and its messages. */
export function parseKeyLog(text: string, source: string, options?: KeyLogParserOptions): { entries: KeyLogEntry[]; warnings: string[] } {
  const entries: KeyLogEntry[] = [];
  const warnings: string[] = [];
  const p = new KeyLogParser(source, (e) => entries.push(e), (w) => warnings.push(w), options);
  p.push(text);
  p.end();
  return { entries, warnings };
}

/** The secrets of one connection, by label (the shape of ConnectionSecrets in session/protection.ts). */
export interface KeyLogSecrets {
  readonly secrets: ReadonlyMap<string, Uint8Array>;
}

/**
 * The secrets of every connection a key log named, by ClientHello random; bounded to `max`
 * connections (the oldest go first; the first time, `onWarning` says so). A later line for the
 * same connection and label replaces the earlier one. `lookup` is a SecretsLookup
 * (session/protection.ts): pass it as is. What it returns is a live view: lines read later for
 * the same connection show in it.
 */
export class KeyLog {
  private readonly byRandom: FifoMap<string, Map<string, Uint8Array>>;
  /** Connections forgotten to stay within the bound. */
  evicted = 0;

  constructor(
    max = MAX_KEYLOG_CONNECTIONS,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.byRandom = new FifoMap(max);
  }

  get size(): number {
    return this.byRandom.size;
  }

  add(entry: KeyLogEntry): void {
    const known = this.byRandom.get(entry.clientRandom);
    if (known) {
      known.set(entry.label, entry.secret);
      return;
    }
    const before = this.byRandom.size;
    this.byRandom.set(entry.clientRandom, new Map<string, Uint8Array>().set(entry.label, entry.secret));
    if (this.byRandom.size === before) {
      if (this.evicted++ === 0) {
        this.onWarning(`key log: secrets for more than ${this.byRandom.max} connections; the oldest are forgotten`);
      }
    }
  }

  /** A parser that adds what it reads to this key log. */
  parser(source: string, onWarning: (message: string) => void, options?: KeyLogParserOptions): KeyLogParser {
    return new KeyLogParser(source, (e) => this.add(e), onWarning, options);
  }

  /** Secrets by ClientHello random (hex, either case); undefined when the key log has none. */
  readonly lookup = (clientRandom: string): KeyLogSecrets | undefined => {
    const secrets = this.byRandom.get(clientRandom.length === 64 ? clientRandom.toLowerCase() : clientRandom);
    return secrets ? { secrets } : undefined;
  };
}
