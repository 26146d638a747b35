/** The report step of `vlbench start`: the report of the run, written next to it, and its table printed. */
import { join } from 'node:path';
import { REPORT_FORMATS, writeReport } from '../../reports/report.js';
import { EXIT } from '../exit-codes.js';

export async function writeReportIfAvailable(runDir: string): Promise<number> {
  const outDir = join(runDir, 'report');
  const report = await writeReport([runDir], outDir, REPORT_FORMATS);
  process.stdout.write(`\n${report.markdownTable}\n\nrun: ${runDir}\nreport: ${join(outDir, 'report.html')} (and report.md, tables, charts in ${outDir})\n`);
  return EXIT.ok;
}
