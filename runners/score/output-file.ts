/** Files `vlbench score` writes on request (--per-image, --per-question). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `path`, creating its parent folders as run/report/gate --out do. */
export function writeOutputFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
