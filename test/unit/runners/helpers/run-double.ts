/** Runs the runner fixture suite in-process with the test-double models. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuites, type RunOptions, type RunResult } from '../../../../runners/run/execute.js';
import { doubleModels, FIXTURE_SUITE, loadDouble } from './double-model.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vlbench-${prefix}-`));
}

export function runDouble(overrides: Partial<RunOptions> = {}): Promise<RunResult> {
  return runSuites({
    suites: [FIXTURE_SUITE], data: {}, models: null, device: 'cpu', limit: null, out: join(tempDir('run'), 'run'),
    resume: false, shard: null, failFast: false, signal: new AbortController().signal, emit: () => {},
    loadModel: loadDouble, registeredModels: doubleModels(), ...overrides,
  });
}
