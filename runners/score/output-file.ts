/**
 * Files `vlbench score` writes on request (--per-image, --per-question). A failure names the
 * option and the path with what to change, not a bare ENOENT/EISDIR, and an input of the same
 * command is never overwritten (a swapped argument would replace the predictions with scores).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { homeTildeProblem } from '../../suites/home-tilde.js';
import { UsageError } from '../errors.js';
import { ERRNO_WORDS, isFullDisk } from '../run/run-dir.js';

/** A path given to an option, for messages: `--per-image out.json`. */
export interface OptionPath {
  readonly option: string;
  readonly path: string;
}

/** A per-image/per-question file that could not be written; exit 1 like an unreadable input. */
export class ScoreOutputError extends Error {
  override name = 'ScoreOutputError';
}

/** Run's wording of write errors, and the path errors an output file meets besides. */
const REASONS: Readonly<Record<string, string>> = {
  ...ERRNO_WORDS,
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent of it is a file, not a directory',
  EEXIST: 'a file of that name is in the way of the directory',
};

/**
 * Refuses `output` when it is the same file as one of `inputs` (same device and inode, so links
 * and other spellings of the path count), or starts with a `~` no shell expanded. Called before
 * scoring, so nothing is computed in vain.
 */
export function refuseOverwritingInputs(subcommand: string, output: OptionPath, inputs: readonly OptionPath[]): void {
  const tilde = homeTildeProblem(output.path);
  if (tilde !== undefined) throw new UsageError(`${subcommand}: ${output.option} ${tilde}`);
  const target = identity(output.path);
  if (target === undefined) return;
  for (const input of inputs) {
    if (identity(input.path) !== target) continue;
    throw new UsageError(`${subcommand}: ${output.option} ${output.path} is the ${input.option} file; writing there would replace that input. Give ${output.option} a new file, e.g. ${suggestedName(output.path)}`);
  }
}

function identity(path: string): string | undefined {
  try {
    const stat = statSync(path, { bigint: true });
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined; // not there yet: it cannot be an input
  }
}

function suggestedName(path: string): string {
  return path.replace(/(\.json)?$/i, '.scores.json');
}

/** Writes `text` to the option's path, creating its parent folders as run/report/gate --out do. */
export function writeOutputFile(subcommand: string, output: OptionPath, text: string): void {
  const { option, path } = output;
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // absent: written below
  }
  if (isDirectory) throw new ScoreOutputError(`${subcommand}: ${option} ${path} is a directory; give a file path, e.g. ${join(path, `${option.replace(/^--/, '')}.json`)}`);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw failure(subcommand, output, `could not create its folder ${resolve(dirname(path))}`, error);
  }
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw failure(subcommand, output, 'could not write it', error);
  }
}

function failure(subcommand: string, { option, path }: OptionPath, what: string, error: unknown): ScoreOutputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (error as Error).message;
  const fix = isFullDisk(code) ? 'free space or' : 'choose a writable location, or';
  return new ScoreOutputError(`${subcommand}: ${option} ${path}: ${what} (${reason}${code !== undefined ? `, ${code}` : ''}); ${fix} leave ${option} out to print the corpus scores only`);
}
