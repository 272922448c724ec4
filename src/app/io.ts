// The streams a command writes to, injectable so tests can run commands in-process.
import { makeStyle, useColor, type ColorChoice, type Style } from '../report/style.js';

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processIo: Io = { out: process.stdout, err: process.stderr };

export function styleFor(io: Io, color: ColorChoice): Style {
  return makeStyle(useColor(io.out, color));
}
