/** Paths inside a run directory (reports/records.ts documents the layout). */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { homeTildeProblem } from '../../suites/home-tilde.js';
import { UsageError } from '../errors.js';

/** A run file that cannot be read or written: the message names the file and the fix. */
export class RunFileError extends Error {
  override name = 'RunFileError';
}

/** What a failed write into a started run leaves, and how to go on (the cause is named before it). */
export const RESUME_FIX = 'the records written so far are kept; fix that, then continue with `vlbench run ... --resume` on the same --out';

/**
 * `--out '~/x'` (quoted, so the shell left the `~`) would write into a folder named `~` in the
 * working directory; the message is the one suite paths get.
 */
export function checkNoHomeTilde(flag: string, value: string): void {
  const problem = homeTildeProblem(value);
  if (problem !== undefined) throw new UsageError(`${flag} ${problem}`);
}

/** Model and task ids become folder and file names: keep them to a safe alphabet. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Write errors in words, since "ENOENT ... mkdir" or a bare "ENOSPC" does not say what to change. */
export const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error from the device',
  ENAMETOOLONG: 'the path is too long (the system allows 4096 bytes in all, 255 per name)',
};

/** A write that failed for want of space: freeing some is the fix. */
export function isFullDisk(code: string | undefined): boolean {
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** A write that failed for want of permission: another place, or a writable one, is the fix. */
export function isUnwritable(code: string | undefined): boolean {
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

/** The errno in words, then the system's own message. */
export function reasonOf(error: unknown): string {
  const code = errnoCode(error);
  const message = (error as Error).message;
  return code !== undefined && ERRNO_WORDS[code] !== undefined ? `${ERRNO_WORDS[code]}; ${message}` : message;
}

/** What to do about a failed write: space for a full disk, permissions for a read-only one. */
function remedyOf(error: unknown): string {
  const code = errnoCode(error);
  if (isFullDisk(code)) return 'free space';
  if (isUnwritable(code)) return 'make it writable (or copy the run directory to a writable disk)';
  return 'fix the cause above';
}

/**
 * The error for a write into a run directory that failed. What was written before is on disk
 * (JSONL batches are flushed, whole files are replaced by rename), so the run continues with
 * --resume; only before manifest.json exists is there nothing to resume.
 */
export function writeFailure(file: string, error: unknown, root?: string): RunFileError {
  const started = root === undefined || existsSync(join(root, 'manifest.json'));
  const next = started
    ? 'the records written so far are kept; ' + remedyOf(error) + ', then continue with `vlbench run ... --resume` on the same --out'
    : remedyOf(error) + ', then run the same command again (the run had not started writing)';
  return new RunFileError(`${file}: could not write it (${reasonOf(error)}): ${next}`);
}

/**
 * `mkdir -p` that names the directory that could not be made and why. Node's recursive mkdir
 * reports ENOENT for the deepest path when a parent is read-only, hiding the real cause, and a
 * bare ENOTDIR when a parent is a file.
 *
 * @param fix what the user should do, appended to the message
 * @param mkdir injected by tests to simulate EROFS/EACCES, which chmod cannot produce as root
 */
export function ensureDirectory(dir: string, fix: string, mkdir: (path: string) => void = (path) => mkdirSync(path)): void {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(current).isDirectory();
    } catch (error) {
      const code = errnoCode(error);
      // ENOTDIR: some ancestor is a file; found (and named) further up.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(current) !== current) {
        missing.unshift(current);
        continue;
      }
      throw new RunFileError(`cannot create directory ${dir}: ${current} cannot be read (${reasonOf(error)}): ${fix}`);
    }
    if (!isDirectory) throw new RunFileError(`cannot create directory ${dir}: ${current} is a file, not a directory (move it away to use this path): ${fix}`);
    break;
  }
  for (const path of missing) {
    try {
      mkdir(path);
    } catch (error) {
      // Another process made it in the meantime (two shards sharing a parent).
      if (errnoCode(error) === 'EEXIST' && statSync(path).isDirectory()) continue;
      throw new RunFileError(`cannot create directory ${path}${path === resolve(dir) ? '' : ` (for ${dir})`} in ${dirname(path)}: ${reasonOf(error)}: ${fix}`);
    }
  }
}

/**
 * Whether `dir` could be written, created if missing, without creating it: the nearest part of
 * the path that exists must be a directory this process may write in. For commands whose
 * output comes after the work (a report, a gate's verdict printed before its files), so that an
 * unwritable --out fails before it, with `ensureDirectory`'s wording.
 * @param access injected by tests to simulate EROFS/EACCES, which chmod cannot produce as root
 */
export function checkWritable(dir: string, fix: string, access: (path: string) => void = (path) => accessSync(path, constants.W_OK)): void {
  const target = resolve(dir);
  let current = target;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  if (!statSync(current).isDirectory()) throw new RunFileError(`cannot create directory ${dir}: ${current} is a file, not a directory (move it away to use this path): ${fix}`);
  try {
    access(current);
  } catch (error) {
    const what = current === target ? `cannot write in directory ${dir}` : `cannot create directory ${dir} in ${current}`;
    throw new RunFileError(`${what}: ${reasonOf(error)}: ${fix}`);
  }
}

/** A file outside a run directory that could not be written (a report, a gate's files, a baseline). */
export function cannotWrite(file: string, error: unknown, fix: string): RunFileError {
  return new RunFileError(`${file}: could not write it (${reasonOf(error)}): ${fix}`);
}

/**
 * Creates a new run directory named `base`, or `base-2`, `base-3`, ... when that name is taken:
 * mkdir without `recursive` fails on an existing name, so two runs started in the same second
 * (the default name has one-second resolution) never pick the same one. Returns its path.
 * @param fix what to do when the parent cannot be created or written (the user gave no --out)
 */
export function claimNewDirectory(base: string, fix: string, mkdir: (path: string) => void = (path) => mkdirSync(path)): string {
  ensureDirectory(dirname(base), fix, mkdir);
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdir(dir);
      return dir;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw new RunFileError(`cannot create directory ${dir} in ${dirname(dir)}: ${reasonOf(error)}: ${fix}`);
    }
  }
}

/** Removes `dir` if it is an empty directory (a claimed run directory the run never wrote to). */
export function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone already, or not ours to judge: an empty folder left behind is harmless.
  }
}

/**
 * What to do with a damaged file, by its place in the run directory: each says what --resume
 * does once the file is removed, since that differs (a lost manifest cannot be recomputed, a
 * lost completion marker costs nothing).
 */
function damagedFileFix(file: string): string {
  const name = basename(file);
  const model = basename(dirname(file));
  const kind = basename(dirname(dirname(file)));
  const task = name.replace(/\.complete\.json$|\.jsonl$/, '');
  if (name === 'manifest.json') return 'restore it from a copy of the run directory; --resume cannot continue a run without it, so otherwise start a fresh --out';
  if (name === 'scores.json' || name === 'timings.json') return 'remove it: `vlbench run ... --resume` on this --out writes it again from the predictions';
  if (kind === 'progress' && name.endsWith('.complete.json')) {
    return `remove it: --resume then goes over the task again and predicts only the samples missing from predictions/${model}/${task}.jsonl`;
  }
  if (kind === 'predictions' && name.endsWith('.jsonl')) {
    return `delete that line (and progress/${model}/${task}.complete.json, if present): --resume then predicts its sample again`;
  }
  if (kind === 'progress' && name.endsWith('.jsonl')) return "delete that line: it holds one batch's timings, which timings.json then lacks; predictions are unaffected";
  if (kind === 'samples' && name.endsWith('.jsonl')) return 'remove the file: --resume scores the task again and writes it anew';
  return 'restore the file from a copy, or start a fresh --out';
}

/** The error for a run file that is not valid JSON; `line` is 1-based, for JSONL files. */
export function damagedFile(file: string, error: unknown, line?: number): RunFileError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new RunFileError(`${where}: not valid JSON (${(error as Error).message}). The file is corrupt: it was damaged after vlbench wrote it; ${damagedFileFix(file)}`);
}

export class RunDirectory {
  constructor(readonly root: string) {}

  get manifest(): string {
    return join(this.root, 'manifest.json');
  }

  get scores(): string {
    return join(this.root, 'scores.json');
  }

  get timings(): string {
    return join(this.root, 'timings.json');
  }

  predictions(model: string, task: string): string {
    return join(this.root, 'predictions', safeName(model), `${safeName(task)}.jsonl`);
  }

  samples(model: string, task: string): string {
    return join(this.root, 'samples', safeName(model), `${safeName(task)}.jsonl`);
  }

  progress(model: string, task: string): string {
    return join(this.root, 'progress', safeName(model), `${safeName(task)}.jsonl`);
  }

  exists(): boolean {
    return existsSync(this.manifest);
  }

  readJson<T>(file: string): T {
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw damagedFile(file, error);
    }
  }

  /** Writes whole-file JSON atomically (temp file + rename), so a kill never leaves half a file. */
  writeJson(file: string, value: unknown): void {
    this.replace(file, JSON.stringify(value, null, 2) + '\n');
  }

  /** Rewrites a JSONL file whole (per-sample scores are recomputed, not appended). */
  writeJsonl(file: string, records: readonly unknown[]): void {
    this.replace(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  private replace(file: string, text: string): void {
    ensureDirectory(dirname(file), RESUME_FIX);
    const temp = `${file}.tmp-${process.pid}`;
    try {
      writeFileSync(temp, text);
      renameSync(temp, file);
    } catch (error) {
      try {
        // A full disk would otherwise keep the partial temp file, taking space from the resume.
        rmSync(temp, { force: true });
      } catch {
        // The write error is the one to report.
      }
      throw writeFailure(file, error, this.root);
    }
  }
}
