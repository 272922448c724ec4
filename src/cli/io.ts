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

/** Writes and waits for the stream to drain, so huge outputs keep memory flat. */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}
