/** One file, whichever way a path spells it: shared by suite loading, planning and the gate. */
import { realpathSync } from 'node:fs';

/** The file itself, whichever way it is spelled (symlinks, `..` followed); a missing file as given. */
export function sameFileKey(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
