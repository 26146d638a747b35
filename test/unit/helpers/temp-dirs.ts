/** Temporary folders for one test file, removed when that file's tests end. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Test } from 'uvu';

export function tempDirFactory(test: Test): (prefix: string) => string {
  const made: string[] = [];
  test.after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(prefix);
    made.push(dir);
    return dir;
  };
}
