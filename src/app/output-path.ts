// Output files (report -o, proxy --html/--write-pcap): checked before any work starts, so a
// mistyped folder costs one clear line at once, not a raw ENOENT after reading a big capture.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/** "permission denied (EACCES)" for a Node file-system error; its message otherwise. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/** Why `path` cannot be written as an output file, or undefined when it looks writable. */
export function outputPathProblem(path: string): string | undefined {
  if (path === '') return 'cannot write an output file with an empty name';
  const folder = dirname(resolve(path));
  try {
    if (!statSync(folder).isDirectory()) return `cannot write ${path}: ${folder} is not a folder`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `cannot write ${path}: there is no folder ${folder}` : `cannot write ${path}: ${fsReason(e)}`;
  }
  try {
    if (statSync(path).isDirectory()) return `cannot write ${path}: it is a folder`;
  } catch {
    // Not there yet: it will be created.
  }
  return undefined;
}
