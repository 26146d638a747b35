/**
 * Taking over a stale run lock is atomic: several processes that find the same dead owner's
 * lock at the same instant (a cluster restart and a manual --resume) never both get it. Before,
 * each removed "the" lock after reading the dead owner, so a late one removed the fresh lock of
 * an early one and both ran. The assertion holds for every interleaving, so the test cannot
 * flake; the barrier only makes the interleavings that used to break likely.
 *
 * Run as a worker (LOCK_RACE_WORKER set), this file takes part in the trials instead of testing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_LOCK_FILE } from '../../../reports/records.js';
import { lockRunDirectory, RunLockedError } from '../../../runners/run/lock.js';

const WORKERS = 6;
const TRIALS = 30;
const BARRIER_MS = 20_000;

/** Returns when every worker has reached `name`. */
function barrier(base: string, name: string, id: string): void {
  const folder = join(base, name);
  writeFileSync(join(folder, id), '');
  const deadline = Date.now() + BARRIER_MS;
  while (readdirSync(folder).length < WORKERS) {
    if (Date.now() > deadline) throw new Error(`worker ${id}: the others never reached ${name}`);
  }
}

/** Each trial: wait until every worker is at the barrier, then all take the lock at once. */
function worker(base: string, id: string): void {
  const outcomes: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    barrier(base, `ready-${trial}`, id);
    try {
      lockRunDirectory(join(base, `run-${trial}`));
      outcomes.push('won');
    } catch (error) {
      outcomes.push(error instanceof RunLockedError ? 'refused' : `error: ${(error as Error).message}`);
    }
  }
  // The locks won are held until this process exits: none may exit (and release) before the
  // last worker has tried the last trial.
  barrier(base, 'done', id);
  process.stdout.write(JSON.stringify(outcomes) + '\n');
}

function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  return new Promise((resolve) => child.on('exit', () => resolve(child.pid!)));
}

function runWorker(base: string, id: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, LOCK_RACE_WORKER: base, LOCK_RACE_ID: String(id) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as string[]);
      else reject(new Error(`worker ${id} exited ${code}: ${stderr}`));
    });
  });
}

if (process.env.LOCK_RACE_WORKER !== undefined) {
  worker(process.env.LOCK_RACE_WORKER, process.env.LOCK_RACE_ID ?? '0');
} else {
  test(`${WORKERS} processes taking over one stale lock at once: exactly one gets it, in each of ${TRIALS} trials`, async () => {
    // Not helpers/run-double: each worker imports this file, and that one loads the whole runner.
    const base = mkdtempSync(join(tmpdir(), 'vlbench-lock-race-'));
    const pid = await deadPid();
    mkdirSync(join(base, 'done'));
    for (let trial = 0; trial < TRIALS; trial++) {
      mkdirSync(join(base, `ready-${trial}`));
      mkdirSync(join(base, `run-${trial}`));
      writeFileSync(join(base, `run-${trial}`, RUN_LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: 'then' }) + '\n');
    }
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, id) => runWorker(base, id)));
    for (let trial = 0; trial < TRIALS; trial++) {
      const outcomes = results.map((r) => r[trial]!);
      assert.equal(outcomes.filter((o) => o.startsWith('error')), [], `trial ${trial}: only refusals, no other errors`);
      assert.is(outcomes.filter((o) => o === 'won').length, 1, `trial ${trial}: ${outcomes.join(', ')}`);
      const left = readdirSync(join(base, `run-${trial}`)).filter((name) => name !== RUN_LOCK_FILE);
      assert.equal(left, [], `trial ${trial}: no takeover claim is left behind`);
    }
  });

  test.run();
}
