// The only place that knows about terminal colour. Callers say what a piece of text
// means (bad, warn, ok, dim, head); whether it gets colour depends on --color and the stream.
import { styleText } from 'node:util';

export type ColorChoice = 'auto' | 'always' | 'never';

export interface Style {
  bad(s: string): string;
  warn(s: string): string;
  ok(s: string): string;
  dim(s: string): string;
  head(s: string): string;
  info(s: string): string;
  readonly enabled: boolean;
}

export function useColor(stream: NodeJS.WritableStream & { isTTY?: boolean }, choice: ColorChoice = 'auto'): boolean {
  if (choice === 'always') return true;
  if (choice === 'never') return false;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (fmt: Parameters<typeof styleText>[0]) => (s: string) =>
    enabled ? styleText(fmt, s, { validateStream: false }) : s;
  return {
    bad: wrap(['bold', 'red']),
    warn: wrap('yellow'),
    ok: wrap('green'),
    dim: wrap('dim'),
    head: wrap('bold'),
    info: wrap('cyan'),
    enabled,
  };
}

/**
 * Peer-controlled strings (SNI, ALPN, certificate names) must not drive the terminal:
 * control characters (C0, DEL, C1) are shown as \xNN escapes.
 */
export function safe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
