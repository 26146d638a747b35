/**
 * The files `vlbench report` writes, by name or pattern, so that writing a report into a folder
 * that holds an earlier one first removes the earlier one's files: a chart or table of a task
 * the new runs no longer have must not sit beside the new report as if it belonged to it.
 * Only these names are touched; anything else in the folder is left alone.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const TOP_LEVEL = ['report.md', 'report.json', 'report.html', 'results.csv', 'tables.tex'];
/** tables/<table id>.csv; table ids are `overview`, `task-<id>` and `breakdown-<id>-<name>` (build-tables.ts). */
const TABLE_CSV = /^(overview|task-.+|breakdown-.+)\.csv$/;
const CHART_SPEC = /\.vl\.json$/;

/** charts/<name>.vl.json and the .svg/.png rendered from it (always written beside its spec). */
function chartFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((name) => CHART_SPEC.test(name)).map((name) => name.replace(CHART_SPEC, ''));
  return names.flatMap((name) => [`${name}.vl.json`, `${name}.svg`, `${name}.png`].map((file) => join(dir, file)));
}

function tableFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => TABLE_CSV.test(name)).map((name) => join(dir, name));
}

/** Removes an earlier report's files from `outDir` (and its tables/ and charts/ folders if that empties them). */
export function removePreviousReport(outDir: string): void {
  if (!existsSync(outDir)) return;
  const tables = join(outDir, 'tables');
  const charts = join(outDir, 'charts');
  const files = [
    ...TOP_LEVEL.map((name) => join(outDir, name)),
    ...(existsSync(tables) ? tableFiles(tables) : []),
    ...(existsSync(charts) ? chartFiles(charts) : []),
  ];
  for (const file of files) rmSync(file, { force: true });
  for (const dir of [tables, charts]) if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}
