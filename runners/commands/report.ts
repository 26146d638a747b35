/**
 * `vlbench report RUN... [--out DIR] [--format md,csv,tex,html,json,svg,png] [--published FILE]...`
 * Several runs combine into one report (models from different runs, or one suite over time).
 */
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { parse, parseList } from '../args.js';
import { REPORT_FORMATS, relativeFiles, writeReport, type ReportFormat } from '../../reports/report.js';
import { checkNoHomeTilde, checkWritable } from '../run/run-dir.js';

const HELP = `Usage: vlbench report RUN... [options]

Writes comparison tables, Vega-Lite charts and a self-contained HTML report from run directories.

Options:
  --out DIR          output folder (default: report)
  --format LIST      comma-separated subset of ${REPORT_FORMATS.join(',')} (default: all;
                     repeats add up: --format md --format csv is --format md,csv)
  --published FILE   published-numbers file (repeatable; default: the shipped reports/published/*.json)
  --no-published     leave out the published-numbers columns
  --title TEXT       report title`;

function parseFormats(values: readonly string[] | undefined): ReportFormat[] {
  const list = parseList('--format', values);
  if (list === null) return [...REPORT_FORMATS];
  const bad = list.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length) throw new UsageError(`--format ${values!.join(',')}: unknown format(s) ${bad.join(', ')}; choose from ${REPORT_FORMATS.join(', ')}.`);
  return list as ReportFormat[];
}

export const reportCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('report', argv, {
      out: { type: 'string' }, format: { type: 'string', multiple: true }, published: { type: 'string', multiple: true }, 'no-published': { type: 'boolean' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    }, HELP);
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError(`give at least one RUN directory.\n\n${HELP}`);
    if (values['no-published'] && values.published) throw new UsageError('--published and --no-published contradict each other.');
    const out = values.out ?? 'report';
    checkNoHomeTilde('--out', out);
    // Before the runs are read and the charts rendered, which take seconds to minutes.
    checkWritable(out, values.out === undefined ? 'pass --out DIR on a writable disk (the default is ./report)' : 'choose another --out, on a writable disk');
    const result = await writeReport(positionals, out, parseFormats(values.format), {
      publishedFiles: values['no-published'] ? [] : values.published,
      title: values.title,
    });
    for (const warning of result.warnings) process.stderr.write(`vlbench report: ${warning}\n`);
    process.stdout.write(`${result.markdownTable}\nWrote ${result.files.length} files to ${out}:\n${relativeFiles(result.files, out).map((f) => `  ${f}`).join('\n')}\n`);
    return EXIT.ok;
  },
};
