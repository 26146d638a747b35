/**
 * One writer per run directory: two `vlbench run` processes on one --out would append the same
 * samples to the same JSONL files (duplicates that no resume can undo). The lock is a file
 * created exclusively ('wx') holding the pid and host, removed when the run ends. A lock left by
 * a process that died (kill -9, a second Ctrl-C) on this host is taken over; one from another
 * host cannot be checked, so the message says how to remove it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RUN_LOCK_FILE } from '../../reports/records.js';


export class RunLockedError extends Error {
  override name = 'RunLockedError';
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

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

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Takes the lock of `root` (created if missing); returns the function that releases it. */
export function lockRunDirectory(root: string): () => void {
  const created = !existsSync(root);
  mkdirSync(root, { recursive: true });
  const file = join(root, RUN_LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(owner) + '\n', { flag: 'wx' });
      held.add(file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      const stale = holder !== null && holder.host === owner.host && !alive(holder.pid, file);
      if (!stale || attempt > 0) {
        const who = holder === null ? 'another vlbench run' : `vlbench run pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`;
        throw new RunLockedError(`${root} is being written by ${who}: two runs on one --out would write the same samples twice. Wait for it to end, or use another --out; if no run is writing there any more (it was killed on another machine), delete ${file} and run again`);
      }
      unlinkSync(file);
    }
  }
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
