/**
 * The manifest's record of what ran, for vlbench installed as a dependency
 * (project/node_modules/vlbench): its runtime packages are hoisted to the project's
 * node_modules, and the project's git repository is not vlbench's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitCommitOf, runtimePackages } from '../../../runners/run/environment.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);

function writePackage(dir: string, manifest: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
}

/** A consumer project with vlbench installed in it and vlbench's dependencies hoisted beside it. */
function installedProject(): { project: string; vlbench: string } {
  const project = tempDir(join(tmpdir(), 'vlbench-consumer-'));
  const vlbench = join(project, 'node_modules', 'vlbench');
  writePackage(vlbench, { name: 'vlbench', version: '0.1.0', dependencies: { sharp: '^1', '@scope/tok': '^2', nested: '^3', absent: '^4' } });
  writePackage(join(project, 'node_modules', 'sharp'), { name: 'sharp', version: '1.2.3' });
  // A package whose "exports" leave out package.json: require.resolve('x/package.json') refuses it.
  writePackage(join(project, 'node_modules', '@scope', 'tok'), { name: '@scope/tok', version: '2.0.1', exports: { '.': './index.js' } });
  // npm nests a version the project's own copy conflicts with: vlbench's own copy is the one it loads.
  writePackage(join(project, 'node_modules', 'nested'), { name: 'nested', version: '9.9.9' });
  writePackage(join(vlbench, 'node_modules', 'nested'), { name: 'nested', version: '3.1.0' });
  return { project, vlbench };
}

test('runtime packages are read where Node resolves them from the package, hoisted or nested', () => {
  const { vlbench } = installedProject();
  assert.equal(runtimePackages(vlbench), { '@scope/tok': '2.0.1', absent: 'not installed', nested: '3.1.0', sharp: '1.2.3' });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();
}

test("the git commit is vlbench's only when the package root is the top of the work tree", () => {
  const { project, vlbench } = installedProject();
  git(project, 'init', '-q');
  git(project, 'commit', '-q', '--allow-empty', '-m', 'the consumer project');
  assert.is(gitCommitOf(vlbench), null, "the consumer's commit is not vlbench's");
  assert.is(gitCommitOf(project), git(project, 'rev-parse', 'HEAD'));
  // The same work tree reached through a symlink is still its top.
  const link = join(tempDir(join(tmpdir(), 'vlbench-consumer-link-')), 'link');
  symlinkSync(project, link);
  assert.is(gitCommitOf(link), git(project, 'rev-parse', 'HEAD'));
  assert.is(gitCommitOf(tempDir(join(tmpdir(), 'vlbench-no-git-'))), null);
});

test.run();
