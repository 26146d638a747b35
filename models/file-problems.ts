/**
 * Whether a file a model.json names can be used at all (missing, a folder, a Git LFS pointer):
 * shared by the validate-time check of every file (manifest-files.ts) and the tokenizer loader,
 * so that a run and `vlbench validate` word the same problem the same way.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

/** A Git LFS checkout without `git lfs pull` leaves a small text file (~130 bytes) where the file should be. */
export function isLfsPointer(path: string): boolean {
  const head = Buffer.alloc(LFS_POINTER.length);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('latin1') === LFS_POINTER;
  } finally {
    closeSync(fd);
  }
}

/** Why the file at `path` cannot be used, or null: missing, a folder, or an LFS pointer left by a clone without `git lfs pull`. */
export function fileProblem(path: string): string | null {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return `${path} is not a file; point it at the file itself`;
    size = stat.size;
  } catch {
    return `file ${path} does not exist; fix the path (relative to model.json) or export the file again`;
  }
  // Only a small file can be a pointer.
  if (size > 1024 || !isLfsPointer(path)) return null;
  return `${path} is a Git LFS pointer, not the file itself; run \`git lfs pull\` in its repository (or download the file)`;
}
