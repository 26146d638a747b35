import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../../runners/exit-codes.js';
import { runWithFailures } from '../../reports/gate/failing-run.js';

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
  const wide = await cli(['gate', `${runs}regression`, '--baseline', `${runs}baseline`, '--seed', '4294967296']);
  assert.is(wide.code, EXIT.usage);
  assert.match(wide.stderr, /--seed.*an integer from 0 to 4294967295/);
  assert.is((await cli(['gate'])).code, EXIT.usage);
});

test('failed samples: exit 3, and the reason is in stdout, the CI job summary and the JUnit failure', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  // Half of blip-tiny's VQA questions failed; the ones that worked are answered as in the baseline.
  const run = runWithFailures(`${runs}baseline`, join(dir, 'run'), 'blip-tiny', 'shapes-vqa', 45);
  const gates = join(dir, 'gates.json');
  writeFileSync(gates, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 }] }));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const out = join(dir, 'out');
  const { code, stdout } = await cli(['gate', run, '--baseline', `${runs}baseline`, '--gates', gates, '--out', out, '--replicates', '200'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(code, EXIT.gateFailed);
  assert.match(stdout, /### vlbench gate: 1 of 6 checks FAILED/);
  const reason = '45 of 90 samples failed in this run, 0 in the baseline';
  assert.ok(stdout.includes(`| blip-tiny | shapes-vqa | vqa_accuracy | 71.5556 | 71.5556 | 0 | — | **FAIL**: ${reason} |`), stdout);
  assert.ok(readFileSync(summary, 'utf8').includes(reason));
  assert.ok(readFileSync(join(out, 'gate.junit.xml'), 'utf8').includes(`<failure message="${reason}">`));
  assert.is(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')).verdicts.find((v: { reason: string | null }) => v.reason !== null).reason, reason);
});

test('a gated pair missing from the baseline: exit 1 naming it; --allow-missing-baseline skips it (exit 0)', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const file = join(dir, 'baseline.json');
  const snapshot = JSON.parse(readFileSync((await cli(['gate', `${runs}baseline`, '--write-baseline', file]), file), 'utf8'));
  snapshot.results = snapshot.results.filter((r: { model: string; task: string }) => !(r.model === 'blip-tiny' && r.task === 'shapes-vqa'));
  writeFileSync(file, JSON.stringify(snapshot));
  const gates = join(dir, 'gates.json');
  writeFileSync(gates, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 }] }));
  const summary = join(dir, 'summary.md');
  const missing = await cli(['gate', `${runs}noise`, '--baseline', file, '--gates', gates, '--replicates', '200'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(missing.code, EXIT.harnessError);
  assert.is(missing.stdout, '');
  // The CI job summary says why the gate could not run, too.
  assert.match(readFileSync(summary, 'utf8'), /^### vlbench gate: could not run\n\n.*has no result for 1 gated model\/task pair/s);
  assert.match(missing.stderr, /baseline\.json: the baseline \(run 'main-2026-11-20'\) has no result for 1 gated model\/task pair:\n {2}- model 'blip-tiny', task 'shapes-vqa'/);
  const allowed = await cli(['gate', `${runs}noise`, '--baseline', file, '--gates', gates, '--replicates', '200', '--allow-missing-baseline']);
  assert.is(allowed.code, EXIT.ok);
  assert.match(allowed.stdout, /all 5 checks passed \(1 skipped: no baseline\)/);
});

test('an empty gate list is a harness error (exit 1), as an empty manifest list is', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const gates = join(dir, 'gates.json');
  writeFileSync(gates, JSON.stringify({ gates: [] }));
  const empty = await cli(['gate', `${runs}baseline`, '--baseline', `${runs}baseline`, '--gates', gates]);
  assert.is(empty.code, EXIT.harnessError);
  assert.match(empty.stderr, /gates\.json#\/gates: the gate list is empty/);
  assert.not.match(empty.stdout, /checks passed/);
});

test('--write-baseline creates the parent folders (CI writes into a fresh cache folder)', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const file = join(dir, 'baseline', 'main', 'baseline.json');
  const { code, stderr } = await cli(['gate', `${runs}baseline`, '--write-baseline', file]);
  assert.is(code, EXIT.ok, stderr);
  assert.is(JSON.parse(readFileSync(file, 'utf8')).kind, 'vlbench-baseline');
});

test('--write-baseline with a gating option is a usage error naming them; nothing is written or gated', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const file = join(dir, 'baseline.json');
  const both = await cli(['gate', `${runs}regression`, '--write-baseline', file, '--baseline', `${runs}baseline`, '--confidence', '5', '--replicates', '1', '--gates', '/nonexistent', '--out', dir, '--allow-missing-baseline']);
  assert.is(both.code, EXIT.usage);
  assert.is(both.stdout, '');
  assert.match(both.stderr, /^vlbench gate: --write-baseline only writes RUN as a baseline and checks no gate, so --baseline, --confidence, --replicates, --gates, --out, --allow-missing-baseline would be ignored: leave them out/);
  assert.not.ok(existsSync(file));
  const one = await cli(['gate', `${runs}regression`, '--write-baseline', file, '--seed', '3']);
  assert.match(one.stderr, /so --seed would be ignored: leave it out, and gate in a separate `vlbench gate RUN --baseline \.\.\.` call/);
  assert.not.ok(existsSync(file));
});

test('a run\'s scores.json as --baseline: the message names the run directory and a new file, not this one', async () => {
  const scores = join(runs, 'baseline', 'scores.json');
  const { code, stderr } = await cli(['gate', `${runs}regression`, '--baseline', scores]);
  assert.is(code, EXIT.harnessError);
  assert.match(stderr, /scores\.json: \/kind must be "vlbench-baseline" \(it has none\); this is scores\.json of the run directory .*baseline\. Pass a run directory as --baseline/);
  assert.match(stderr, /--write-baseline baseline\.json`/);
  assert.not.ok(stderr.includes(`--write-baseline ${scores}`), stderr);
});

test('--write-baseline refuses to replace a file that is not a baseline; it replaces an earlier baseline or an empty file', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-cli-'));
  const scores = join(dir, 'scores.json');
  const original = readFileSync(join(runs, 'baseline', 'scores.json'), 'utf8');
  writeFileSync(scores, original);
  const refused = await cli(['gate', `${runs}baseline`, '--write-baseline', scores]);
  assert.is(refused.code, EXIT.harnessError);
  assert.match(refused.stderr, /scores\.json: exists and is not a vlbench baseline; --write-baseline replaces only an earlier baseline file\. Name a new file/);
  assert.is(readFileSync(scores, 'utf8'), original);
  const file = join(dir, 'baseline.json');
  writeFileSync(file, '');
  assert.is((await cli(['gate', `${runs}baseline`, '--write-baseline', file])).code, EXIT.ok);
  assert.is((await cli(['gate', `${runs}regression`, '--write-baseline', file])).code, EXIT.ok);
  assert.is(JSON.parse(readFileSync(file, 'utf8')).runId, JSON.parse(readFileSync(join(runs, 'regression', 'manifest.json'), 'utf8')).runId);
});

test('a job summary file that cannot be written is a warning naming GITHUB_STEP_SUMMARY; the verdict\'s exit code stays', async () => {
  const summary = join(tmpdir(), 'vlbench-no-such-dir', 'x', 'summary.md');
  const { code, stdout, stderr } = await cli(['gate', `${runs}regression`, '--baseline', `${runs}baseline`, '--replicates', '200'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(code, EXIT.gateFailed);
  assert.match(stdout, /checks FAILED/);
  assert.ok(stderr.startsWith(`vlbench gate: warning: could not append to the CI job summary file ${summary} (named by $GITHUB_STEP_SUMMARY): ENOENT`), stderr);
  const passing = await cli(['gate', `${runs}baseline`, '--baseline', `${runs}baseline`, '--replicates', '200'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(passing.code, EXIT.ok);
});

test('a gate option given twice is a usage error, not the last one kept', async () => {
  const twice = await cli(['gate', `${runs}regression`, '--baseline', `${runs}baseline`, '--confidence', '0.9', '--confidence', '0.99']);
  assert.is(twice.code, EXIT.usage);
  assert.match(twice.stderr, /^vlbench gate: --confidence is given twice \('0\.9', then '0\.99'\); give it once\n\nUsage: vlbench gate/);
});

test.run();
