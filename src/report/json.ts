// JSON Lines: one connection per line, exactly the model (schema/connection.schema.json).
import type { Connection } from '../tls/model.js';

export function toJsonLine(c: Connection): string {
  return `${JSON.stringify(c)}\n`;
}
