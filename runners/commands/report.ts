/**
 * `vlbench report RUN... [--out DIR] [--format md,csv,tex,html,json,svg,png] [--published FILE]...`
 * Several runs combine into one report (models from different runs, or one suite over time).
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { REPORT_FORMATS, relativeFiles, writeReport, type ReportFormat } from '../../reports/report.js';

const HELP = `Usage: vlbench report RUN... [options]

Writes comparison tables, Vega-Lite charts and a self-contained HTML report from run directories.

Options:
  --out DIR          output folder (default: report)
  --format LIST      comma-separated subset of ${REPORT_FORMATS.join(',')} (default: all)
  --published FILE   published-numbers file (repeatable; default: the shipped reports/published/*.json)
  --no-published     leave out the published-numbers columns
  --title TEXT       report title`;

function parseFormats(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [...REPORT_FORMATS];
  const list = value.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = list.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || list.length === 0) throw new UsageError(`--format ${value}: unknown format(s) ${bad.join(', ') || '(none given)'}; choose from ${REPORT_FORMATS.join(', ')}.`);
  return list as ReportFormat[];
}

export const reportCommand: Command = {
  summary: 'Render tables, Vega-Lite charts and an HTML report from run directories',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv], allowPositionals: true,
        options: { out: { type: 'string' }, format: { type: 'string' }, published: { type: 'string', multiple: true }, 'no-published': { type: 'boolean' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError(`give at least one RUN directory.\n\n${HELP}`);
    if (values['no-published'] && values.published) throw new UsageError('--published and --no-published contradict each other.');
    const out = values.out ?? 'report';
    const result = await writeReport(positionals, out, parseFormats(values.format), {
      publishedFiles: values['no-published'] ? [] : values.published,
      title: values.title,
    });
    for (const warning of result.warnings) process.stderr.write(`vlbench report: ${warning}\n`);
    process.stdout.write(`${result.markdownTable}\nWrote ${result.files.length} files to ${out}:\n${relativeFiles(result.files, out).map((f) => `  ${f}`).join('\n')}\n`);
    return EXIT.ok;
  },
};
