import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../../runners/exit-codes.js';

const tempDir = tempDirFactory(test);

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

/** Runs the CLI with stdout/stderr captured. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    // cli.ts uses top-level await, which the CommonJS test hook cannot require: import it as ESM.
    const { main } = await import('../../../../runners/cli.js');
    return { code: await main(args), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('exit 3 on a failed gate, with Markdown, JUnit and JSON outputs and the CI job summary', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const { code, stdout } = await cli(['gate', `${runs}regression`, '--baseline', `${runs}baseline`, '--out', dir, '--replicates', '200'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(code, EXIT.gateFailed);
  assert.match(stdout, /### vlbench gate: 8 of 74 checks FAILED/);
  assert.is(readFileSync(summary, 'utf8').trim(), stdout.trim());
  const junit = readFileSync(join(dir, 'gate.junit.xml'), 'utf8');
  assert.match(junit, /<testsuites name="vlbench gate" tests="74" failures="8" skipped="0">/);
  assert.is((junit.match(/<failure /g) ?? []).length, 8);
  const json = JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8'));
  assert.is(json.passed, false);
  assert.is(json.verdicts.length, 74);
});

test('exit 0 when every gate passes; --write-baseline writes a baseline usable by --baseline', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const file = join(dir, 'baseline.json');
  assert.is((await cli(['gate', `${runs}baseline`, '--write-baseline', file])).code, EXIT.ok);
  assert.ok(existsSync(file));
  const { code, stdout } = await cli(['gate', `${runs}improvement`, '--baseline', file, '--replicates', '200']);
  assert.is(code, EXIT.ok);
  assert.match(stdout, /all 74 checks passed/);
});

test('exit 1 on a harness error, 2 on a usage error', async () => {
  const missing = await cli(['gate', join(runs, 'no-such-run'), '--baseline', `${runs}baseline`]);
  assert.is(missing.code, EXIT.harnessError);
  assert.match(missing.stderr, /no-such-run\/manifest\.json: missing manifest\.json/);
  assert.is((await cli(['gate', `${runs}regression`, '--confidence', '95'])).code, EXIT.usage);
  assert.is((await cli(['gate'])).code, EXIT.usage);
});

test.run();
