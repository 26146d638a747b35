/**
 * Lint of the dependency direction between the top-level folders (style anchors §9):
 * datasets/, models/ and reports/metrics/ are leaves; suites/ may use their names and types;
 * reports/ (outside metrics) reads run records and may use suites/; runners/ is the application
 * on top and may import anything. Checked on every import specifier of every .ts file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LAYERS = ['datasets', 'models', 'reports/metrics', 'suites', 'reports', 'runners', 'test'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layers each layer may import from (besides itself). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  datasets: [],
  models: [],
  'reports/metrics': [],
  suites: ['datasets', 'models', 'reports/metrics'],
  reports: ['reports/metrics', 'suites'],
  runners: ['datasets', 'models', 'reports/metrics', 'suites', 'reports'],
  test: ['datasets', 'models', 'reports/metrics', 'suites', 'reports', 'runners'],
};

function layerOf(file: string): Layer | undefined {
  const rel = relative(root, file).split(sep).join('/');
  return LAYERS.find((layer) => rel === layer || rel.startsWith(layer + '/'));
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function violations(): string[] {
  const found: string[] = [];
  for (const top of ['datasets', 'models', 'reports', 'suites', 'runners']) {
    for (const file of tsFiles(join(root, top))) {
      const from = layerOf(file);
      if (!from) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        if (!spec || !spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (!to || to === from) continue;
        if (!ALLOWED[from].includes(to)) {
          found.push(`${relative(root, file)} imports '${spec}' (${from} -> ${to} is not allowed)`);
        }
      }
    }
  }
  return found;
}

test('no top-level folder imports against the dependency direction', () => {
  const found = violations();
  assert.equal(found, [], `Dependency direction violated:\n${found.join('\n')}`);
});

test('the layer map classifies a metrics file as metrics, not reports', () => {
  assert.is(layerOf(join(root, 'reports/metrics/bleu.ts')), 'reports/metrics');
  assert.is(layerOf(join(root, 'reports/gate.ts')), 'reports');
  assert.ok(!ALLOWED['reports/metrics'].includes('reports'));
});

test.run();
