/**
 * The installed `vlbench` command on a Node older than package.json's engines: npm only warns
 * about engines, so bin.js says in words which Node it needs before loading anything (tsx, on
 * Node < 20.6, would end in a stack trace).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../runners/bin.js', import.meta.url));

/** Runs bin.js as if on Node `version` (process.versions.node replaced before it starts). */
function binOn(version: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const fake = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '${version}' })`;
  return spawnSync(process.execPath, ['--import', fake, bin, ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('bin.js refuses a Node older than 20.9 with the version it needs, and starts on 20.9', () => {
  for (const old of ['20.8.1', '18.19.0']) {
    const { status, stdout, stderr } = binOn(old, '--help');
    assert.is(status, 1, stderr);
    assert.is(stdout, '');
    assert.is(stderr, `vlbench: needs Node.js 20.9 or newer; this is v${old} (${process.execPath}): install a newer Node and run it again\n`);
  }
  const ok = binOn('20.9.0', '--help');
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, 'Usage: vlbench <command>');
});

test('a reader that closes stdout early (vlbench ... | head) ends no command in an EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [bin, 'ls', 'models'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before vlbench writes its first line
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((done) => child.on('close', done));
  assert.not.match(stderr, 'EPIPE');
  assert.is(status, 0, stderr);
});

test("package.json's engines ask for the Node bin.js checks for", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  assert.is(pkg.engines.node, '>=20.9');
});

test.run();
