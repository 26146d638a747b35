import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../../runners/exit-codes.js';
import { captureOutput } from '../../helpers/capture-output.js';

const tempDir = tempDirFactory(test);

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

async function capture(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // cli.ts uses top-level await, which the CommonJS test hook cannot require: import it as ESM.
  const { main } = await import('../../../../runners/cli.js');
  const { value: code, out, err } = await captureOutput(() => main(args));
  return { code, stdout: out, stderr: err };
}

test('vlbench report writes the chosen formats and prints the overview', async () => {
  const out = tempDir(join(tmpdir(), 'vlbench-report-cli-'));
  const { code, stdout } = await capture(['report', `${runs}baseline`, `${runs}noise`, '--out', out, '--format', 'md,csv', '--no-published']);
  assert.is(code, EXIT.ok);
  assert.match(stdout, /### Overview: headline metric per task/);
  assert.ok(readdirSync(out).includes('report.md') && readdirSync(out).includes('results.csv'));
  assert.is((await capture(['report', `${runs}baseline`, '--format', 'pdf'])).code, EXIT.usage);
  assert.is((await capture(['report'])).code, EXIT.usage);
});

test('vlbench report prints the LaTeX warnings: text pdflatex cannot typeset, naming the cell', async () => {
  const run = join(tempDir(join(tmpdir(), 'vlbench-report-warn-')), 'run');
  cpSync(`${runs}baseline`, run, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as { models: { variant: string }[] };
  manifest.models[0]!.variant = 'tiny 日本';
  writeFileSync(join(run, 'manifest.json'), JSON.stringify(manifest));
  const { code, stderr } = await capture(['report', run, '--out', join(run, 'report'), '--format', 'tex', '--no-published']);
  assert.is(code, EXIT.ok);
  assert.match(stderr, /^vlbench report: tables\.tex: .*pdflatex cannot typeset 日 本/m);
});

test('vlbench diff prints a table or JSON', async () => {
  const text = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--limit', '3', '--task', 'shapes-vqa']);
  assert.is(text.code, EXIT.ok);
  assert.match(text.stdout, /instructblip-t5-tiny/);
  const json = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--json', '--model', 'blip2-opt-tiny']);
  const parsed = JSON.parse(json.stdout);
  assert.ok(parsed.changes.length > 0 && parsed.changes.every((c: { model: string }) => c.model === 'blip2-opt-tiny'));
  assert.is((await capture(['diff', `${runs}baseline`])).code, EXIT.usage);
});

test('vlbench diff: a misspelt --task or --model is a usage error with a suggestion', async () => {
  const task = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--task', 'shapes-vqq']);
  assert.is(task.code, EXIT.usage);
  assert.is(task.stdout, '');
  assert.match(task.stderr, /^vlbench diff: --task: neither run has task 'shapes-vqq' \(did you mean 'shapes-vqa'\?\)/);
  const model = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--model', 'xinstructblip-tny']);
  assert.is(model.code, EXIT.usage);
  assert.match(model.stderr, /--model: neither run has model 'xinstructblip-tny' \(did you mean 'xinstructblip-tiny'\?\)/);
});

test('vlbench diff: --limit with --json is a usage error (the JSON lists every change); a repeated flag too', async () => {
  const both = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--json', '--limit', '1']);
  assert.is(both.code, EXIT.usage);
  assert.is(both.stdout, '');
  assert.match(both.stderr, /^vlbench diff: --limit sets the rows of the text table, and --json prints every change: leave out --limit \(or filter the JSON, e\.g\. jq '\.changes\[:1\]'\)/);
  const twice = await capture(['diff', `${runs}baseline`, `${runs}regression`, '--task', 'shapes-vqa', '--task', 'nope']);
  assert.is(twice.code, EXIT.usage);
  assert.match(twice.stderr, /--task is given twice \('shapes-vqa', then 'nope'\)/);
});

test('vlbench report: --format repeated adds up; --title twice is a usage error', async () => {
  const out = tempDir(join(tmpdir(), 'vlbench-report-cli-'));
  const { code } = await capture(['report', `${runs}baseline`, '--out', out, '--format', 'md', '--format', 'csv', '--no-published']);
  assert.is(code, EXIT.ok);
  assert.equal(readdirSync(out).filter((f) => f === 'report.md' || f === 'results.csv').sort(), ['report.md', 'results.csv']);
  const twice = await capture(['report', `${runs}baseline`, '--title', 'a', '--title', 'b']);
  assert.is(twice.code, EXIT.usage);
  assert.match(twice.stderr, /--title is given twice \('a', then 'b'\)/);
});

test.run();
