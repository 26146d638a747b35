/** The report step of `vlbench start`: the report of the run, written next to it, and its table printed. */
import { join } from 'node:path';
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../../reports/report.js';
import { EXIT } from '../exit-codes.js';

export async function writeReportIfAvailable(runDir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<number> {
  const outDir = join(runDir, 'report');
  const report = await writeReport([runDir], outDir, formats);
  for (const warning of report.warnings) process.stderr.write(`vlbench report: ${warning}\n`);
  const main = formats.includes('html') ? 'report.html' : 'report.md';
  process.stdout.write(`\n${report.markdownTable}\n\nrun: ${runDir}\nreport: ${join(outDir, main)} (all report files in ${outDir})\n`);
  return EXIT.ok;
}
