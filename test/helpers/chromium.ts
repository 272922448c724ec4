// Headless Chromium (the Debian `chromium` package) for the HTML report tests: the DOM after
// scripts ran (--dump-dom) and a screenshot a person can look at. No network: the report is a
// local file, and background networking, component updates and sync are switched off.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The browser binary, or undefined when none is installed (tests then skip, saying why). */
export function findChromium(): string | undefined {
  for (const bin of CANDIDATES) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 30_000 });
      return bin;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** The browser's absolute path (playwright-core wants one), or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const bin = findChromium();
  if (!bin) return undefined;
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const CHROMIUM_MISSING = 'chromium is not installed (apt-get install -y chromium); browser tests skipped';

async function run(bin: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'tlspeek-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(
      bin,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The serialised DOM of a URL after its scripts ran. */
export function dumpDom(bin: string, url: string): Promise<string> {
  return run(bin, ['--dump-dom', url]);
}

export async function screenshot(bin: string, url: string, png: string, size = '1280,2000'): Promise<void> {
  await run(bin, [`--screenshot=${png}`, `--window-size=${size}`, url]);
}
