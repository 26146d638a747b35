/**
 * The browser builds of vega, vega-lite and vega-embed, read from node_modules to be inlined
 * into the offline HTML report (all three BSD-3-Clause: their licence texts travel with them).
 * Their package "exports" hide the build files from require.resolve, so the node_modules folder
 * is found by walking up from this module, as Node's own lookup does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface VendorScript {
  readonly name: string;
  readonly version: string;
  readonly source: string;
  readonly licence: string;
}

const BUILDS = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the npm package '${name}' in any node_modules above reports/html; run \`npm install\`.`);
    dir = parent;
  }
}

let cached: VendorScript[] | undefined;

export function vendorScripts(): VendorScript[] {
  cached ??= BUILDS.map(([name, build]) => {
    const dir = packageDir(name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    return { name, version: pkg.version, source: readFileSync(join(dir, build), 'utf8'), licence: readFileSync(join(dir, 'LICENSE'), 'utf8') };
  });
  return cached;
}
