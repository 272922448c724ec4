// A one-line progress indicator on stderr for long replays. Only on a terminal:
// piped or in CI it writes nothing, so logs stay clean.
export interface Progress {
  update(label: string, done: number, total: number): void;
  finish(): void;
}

const NONE: Progress = { update() {}, finish() {} };

export function makeProgress(stream: NodeJS.WriteStream, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY || process.env.CI) return NONE;
  let last = 0;
  let drawn = false;
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      const mb = (n: number) => (n / 1048576).toFixed(1);
      stream.write(`\r\x1b[2K${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}% ${mb(done)}/${mb(total)} MB`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
