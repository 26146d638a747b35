/**
 * `npm run bench`: discovers every test/bench/*.bench.ts, runs its default export (a
 * `BenchFile`) one file after another, prints a table and, with `--out PATH`, writes the results
 * as JSON. `--filter TEXT` runs only the files whose name contains TEXT.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFile, BenchResult } from './types.js';

interface Options {
  readonly out: string | undefined;
  readonly filter: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  let out: string | undefined;
  let filter: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if ((arg === '--out' || arg === '--filter') && (value === undefined || value.startsWith('--'))) {
      throw new Error(`npm run bench: ${arg} needs a value (e.g. ${arg === '--out' ? '--out bench.json' : '--filter caption'})`);
    }
    if (arg === '--out') out = argv[++i];
    else if (arg === '--filter') filter = argv[++i];
    else throw new Error(`npm run bench: unknown argument "${arg}"; use --out PATH and/or --filter TEXT`);
  }
  return { out, filter };
}

function table(rows: readonly (BenchResult & { readonly file: string })[]): string {
  const cells = rows.map((r) => [r.file, r.name, formatValue(r.value), r.unit, r.notes ?? '']);
  const header = ['file', 'benchmark', 'value', 'unit', 'notes'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: readonly string[]) => row.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.bench.ts') && (options.filter === undefined || name.includes(options.filter)))
    .sort();
  if (files.length === 0) throw new Error(`npm run bench: no test/bench/*.bench.ts file matches ${JSON.stringify(options.filter)}`);
  const rows: (BenchResult & { file: string })[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file} ...\n`);
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: BenchFile };
    if (typeof module.default !== 'function') {
      throw new Error(`test/bench/${file}: the default export must be an async function returning BenchResult[]`);
    }
    for (const result of await module.default()) rows.push({ file, ...result });
  }
  process.stdout.write(table(rows) + '\n');
  if (options.out !== undefined) {
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${platform()} ${release()}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpuCount: cpus().length,
      results: rows,
    };
    writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
    process.stderr.write(`wrote ${options.out}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
