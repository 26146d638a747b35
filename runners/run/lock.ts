/**
 * One writer per run directory: two `vlbench run` processes on one --out would append the same
 * samples to the same JSONL files (duplicates that no resume can undo). The lock is a file
 * created exclusively ('wx') holding the pid and host, removed when the run ends. A lock left by
 * a process that died (kill -9, a second Ctrl-C) on this host is taken over, and so is a damaged
 * one (empty or cut short: its write failed); one from another host cannot be checked, so the
 * message says how to remove it.
 *
 * Taking over must be atomic: two processes that both read the dead owner must not both remove
 * "the" lock, since the second would remove the fresh lock the first just made. So only the
 * process that creates a claim file (exclusively) named after the stale lock's content may
 * remove it, and only after checking under that claim that the lock still holds that content.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RUN_LOCK_FILE } from '../../reports/records.js';
import { UsageError } from '../errors.js';
import { ensureDirectory, isUnwritable, reasonOf } from './run-dir.js';

export class RunLockedError extends Error {
  override name = 'RunLockedError';
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** Linux's limit on a path handed to the kernel, in bytes with the terminating NUL. */
const PATH_MAX = 4096;
/**
 * The most vlbench adds below --out: progress/<model>/<task>.complete.json.tmp-<pid> (37 bytes
 * besides the ids), with model and task ids of up to 80 bytes each. Checked up front because
 * the ids are known only after the models load, minutes into the run.
 */
const DEEPEST_BELOW_OUT = 200;
/** How long an unparsable lock must stay unchanged to count as damaged rather than being written. */
const DAMAGED_LOCK_WAIT_MS = 200;
/** How long to wait for another process that holds the claim to finish its takeover. */
const CLAIM_WAIT_MS = 5000;

/** Lock files this process holds (a second run in one process must be refused too). */
const held = new Set<string>();

/** A holder with this process's pid that this process does not know is a previous container's (PID 1 again). */
function alive(pid: number, file: string): boolean {
  if (pid === process.pid) return held.has(file);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file's content, or null when it does not exist (any other failure is thrown). */
function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseOwner(text: string | null): LockOwner | null {
  try {
    return text === null ? null : (JSON.parse(text) as LockOwner);
  } catch {
    return null;
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    return parseOwner(readText(file));
  } catch {
    return null;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function checkPathLength(root: string): void {
  const length = Buffer.byteLength(root);
  if (length + 1 + DEEPEST_BELOW_OUT < PATH_MAX) return;
  const shown = root.length > 80 ? `${root.slice(0, 60)}...${root.slice(-12)}` : root;
  throw new UsageError(
    `--out ${shown} is ${length} bytes long as an absolute path; vlbench writes paths up to about ${DEEPEST_BELOW_OUT} bytes longer below it ` +
      `(progress/<model>/<task>.complete.json.tmp-<pid>), and PATH_MAX is ${PATH_MAX}: choose a shorter --out`,
  );
}

function lockedError(root: string, file: string, holder: LockOwner | null, note = ''): RunLockedError {
  const who = holder === null ? 'another vlbench run' : `vlbench run pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`;
  return new RunLockedError(`${root} is being written by ${who}${note}: two runs on one --out would write the same samples twice. Wait for it to end, or use another --out; if no run is writing there any more (it was killed on another machine), delete ${file} and run again`);
}

type Takeover = 'removed' | 'gone' | 'busy';

const CLAIM_SUFFIX = '.takeover-';

/** The run's lock file or a takeover claim beside it: the lock's own files, not the run's. */
export function isLockFile(name: string): boolean {
  return name === RUN_LOCK_FILE || name.startsWith(`${RUN_LOCK_FILE}${CLAIM_SUFFIX}`);
}

/**
 * Removes the stale lock whose content is `stale`, if this process wins the claim for it.
 * 'gone': the lock no longer holds that content (someone else took it over); 'busy': another
 * process holds the claim right now.
 */
function takeOver(file: string, stale: string, owner: LockOwner): Takeover {
  const claim = `${file}${CLAIM_SUFFIX}${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  try {
    writeFileSync(claim, JSON.stringify(owner) + '\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const claimant = readOwner(claim);
    if (claimant !== null && !alive(claimant.pid, claim)) {
      throw new RunLockedError(`${file} was being taken over by vlbench pid ${claimant.pid}, which died doing it: delete ${claim} and ${file}, then run again`);
    }
    return 'busy';
  }
  try {
    // Under the claim nobody else removes this content, so the check and the unlink cannot interleave.
    if (readText(file) !== stale) return 'gone';
    unlinkSync(file);
    return 'removed';
  } finally {
    unlinkSync(claim);
  }
}

/**
 * The lock could not be written (a full disk, a read-only folder). 'wx' may have created the
 * file before the write failed: an empty file left behind would read as another run's lock on
 * every retry, so it is removed (a racing run's lock has content: it is never empty for long).
 */
export function lockWriteError(file: string, error: NodeJS.ErrnoException): Error {
  try {
    if (readText(file) === '') unlinkSync(file);
  } catch {
    // Nothing more to undo: the message below says what to do.
  }
  const fix = isUnwritable(error.code) ? 'make the folder writable, or choose another --out' : 'free space on that disk (or make the folder writable)';
  return new RunLockedError(`could not write the run's lock file ${file} (${reasonOf(error)}); nothing was run: ${fix}, then run the same command again`);
}

/**
 * A lock file that holds no owner (empty or cut short: its write failed, say on a full disk). A
 * run writes its lock in one call right after creating it, so content that stays unparsable for
 * a moment is no live run's: it may be taken over like a dead owner's.
 */
function damagedAndUnchanged(file: string, text: string): boolean {
  sleepSync(DAMAGED_LOCK_WAIT_MS);
  return readText(file) === text;
}

/** Creates the lock file exclusively, taking over a dead owner's; throws RunLockedError otherwise. */
function acquire(root: string, file: string, owner: LockOwner): void {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  let tookOver = false;
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(owner) + '\n', { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockWriteError(file, error as NodeJS.ErrnoException);
    }
    const text = readText(file);
    if (text === null) continue; // Removed between our create and our read: try again.
    const holder = parseOwner(text);
    const stale = holder === null ? damagedAndUnchanged(file, text) : holder.host === owner.host && !alive(holder.pid, file);
    // One takeover per call: a lock that is stale again right after is not a race to win.
    if (!stale || tookOver) throw lockedError(root, file, holder);
    const outcome = takeOver(file, text, owner);
    if (outcome === 'removed') tookOver = true;
    if (outcome === 'busy') {
      if (Date.now() > deadline) throw lockedError(root, file, holder, ' (another process is taking over its stale lock)');
      sleepSync(2);
    }
  }
}

/** Takes the lock of `root` (created if missing); returns the function that releases it. */
export function lockRunDirectory(root: string): () => void {
  checkPathLength(root);
  const created = !existsSync(root);
  ensureDirectory(root, 'choose another --out, on a writable disk');
  const file = join(root, RUN_LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  acquire(root, file, owner);
  held.add(file);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    held.delete(file);
    try {
      if (readOwner(file)?.pid === owner.pid) unlinkSync(file);
      if (created && readdirSync(root).length === 0) rmdirSync(root);
    } catch {
      // Best effort: a lock left behind by this host's dead process is taken over next time.
    }
  };
  // A second Ctrl-C exits at once: the lock goes with the process.
  process.on('exit', release);
  return release;
}
