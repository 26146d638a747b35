/**
 * What `npm pack` puts in the tarball a project installs: everything vlbench reads at run time
 * (code, tiny models with their tokenizers, bundled data, suites and schema, published numbers)
 * and none of the tests, fixtures or CI scripts. Asked of npm itself, as `files` patterns with
 * negations are npm's to interpret.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function packed(): Set<string> {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  const [pack] = JSON.parse(json) as { files: { path: string }[] }[];
  return new Set(pack!.files.map((f) => f.path));
}

/** Every file under `dir` (relative to the package root), skipping the named folders. */
function filesUnder(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : filesUnder(path, skip);
    return entry.isFile() ? [relative('', path)] : [];
  });
}

test('the tarball holds what runs and none of the tests or CI scripts', () => {
  const files = packed();
  const code = ['datasets', 'models', 'reports', 'runners', 'suites'].flatMap((d) => filesUnder(d, new Set(['bundled', 'tiny', 'synthetic', 'export', '__pycache__']))).filter((f) => /\.(ts|js|mjs|json)$/.test(f));
  const tinyModels = readdirSync(join(root, 'models/tiny')).filter((d) => d.startsWith('tiny-')).flatMap((d) => filesUnder(join('models/tiny', d)));
  const needed = [...code, ...tinyModels, ...filesUnder('datasets/bundled'), 'runners/bin.js', 'suites/schema/suite.schema.json', 'package.json', 'README.md'];
  assert.ok(tinyModels.some((f) => f.endsWith('tokenizer/text.json')) && needed.includes('reports/published/blip.json'), 'the check covers tokenizers and published numbers');
  const missing = needed.filter((f) => !files.has(f));
  assert.equal(missing.slice(0, 10), [], `${missing.length} runtime files are not packed`);
  const unwanted = [...files].filter((f) => /^(test|\.ci|runs|node_modules|datasets\/synthetic|models\/tiny\/tinyvl)\//.test(f) || f === 'tsconfig.json');
  assert.equal(unwanted.slice(0, 10), [], `${unwanted.length} files that never run are packed`);
});

test.run();
