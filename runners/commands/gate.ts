/**
 * `vlbench gate RUN [--baseline RUN_OR_JSON] [--gates FILE] [--confidence 0.95] [--seed N]
 *  [--replicates N] [--out DIR] [--allow-missing-baseline]`, or `vlbench gate RUN --write-baseline FILE`.
 * --baseline is needed only by comparisons (max-drop, timing gates): floors and ceilings check RUN alone.
 *
 * Exit 0 when every gate passes, 3 when one fails, 1 on a harness error (bad run, bad or empty
 * gate list, a gated pair the baseline lacks).
 * The Markdown summary goes to stdout and, when $GITHUB_STEP_SUMMARY is set, is appended there.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from './command.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { parse } from '../args.js';
import { isSeed, MAX_SEED } from '../../models/generation/prng.js';
import { baselineJson, GATE_DEFAULTS, runGate } from '../../reports/gate/run-gate.js';
import { gateJson, gateJUnit, gateMarkdown } from '../../reports/gate/outputs.js';
import { checkBaselineTarget } from '../../reports/gate/snapshot.js';
import type { GateReport } from '../../reports/gate/evaluate.js';
import { cannotWrite, checkNoHomeTilde, checkWritable, ensureDirectory } from '../run/run-dir.js';

const OUT_FIX = 'choose another --out, on a writable disk';
const BASELINE_FIX = 'choose another --write-baseline FILE, on a writable disk';

const HELP = `Usage: vlbench gate RUN [--baseline RUN_OR_JSON] [options]
       vlbench gate RUN --write-baseline FILE

Checks RUN against the gates its suite declares (manifest.json "gates") or a gate file.
Quality drops use a paired bootstrap over samples; a gate fails only when the drop exceeds its
tolerance with the chosen confidence. A pair whose samples failed in RUN fails its checks: any
failed sample fails floors and ceilings, more failed samples than the baseline fails comparisons.
Comparisons also fail when the runs did not measure the same samples: a different number
requested (either way), data files of other content, or other sample ids.

Options:
  --baseline PATH        baseline run directory or baseline JSON (--write-baseline), for the
                         comparisons (max-drop, max-throughput-drop, max-latency-increase);
                         floors and ceilings need none, so a gate list of only those runs
                         without it
  --gates FILE           gate file ({"gates": [...]}) instead of the manifest's gates
  --confidence C         two-sided confidence level (default ${GATE_DEFAULTS.confidence})
  --seed N               bootstrap seed (default ${GATE_DEFAULTS.seed})
  --replicates N         bootstrap replicates (default ${GATE_DEFAULTS.replicates})
  --out DIR              write gate.md, gate.junit.xml and gate.json into DIR
  --allow-missing-baseline
                         skip (not fail) checks of pairs the baseline lacks, e.g. a model
                         this change adds; without it such a pair is a harness error (exit 1)
  --write-baseline FILE  write RUN as a baseline JSON for later gating, and nothing else: it takes
                         none of the options above (gate in a separate call); FILE must be new,
                         empty or an earlier baseline (a run's scores.json is refused)

Exit codes: 0 all gates pass, 3 a gate failed, 1 harness error, 2 usage error.`;

function numberOption(value: string | undefined, name: string, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${value}: expected ${expected}.`);
  return n;
}

/**
 * A baseline snapshot is the run alone: no gate is checked, so the gating options would be
 * accepted and ignored (a CI step meant to gate would pass without gating). They are refused.
 */
function writeBaseline(runDir: string, file: string, others: readonly string[]): number {
  if (others.length > 0) {
    throw new UsageError(`--write-baseline only writes RUN as a baseline and checks no gate, so ${others.map((k) => `--${k}`).join(', ')} would be ignored: leave ${others.length === 1 ? 'it' : 'them'} out, and gate in a separate \`vlbench gate RUN --baseline ...\` call.`);
  }
  checkBaselineTarget(file);
  checkWritable(dirname(file), BASELINE_FIX);
  const json = baselineJson(runDir);
  // CI writes into a fresh cache folder (baseline/baseline.json), as --out creates its DIR.
  ensureDirectory(dirname(file), BASELINE_FIX);
  try {
    writeFileSync(file, json);
  } catch (error) {
    throw cannotWrite(file, error, BASELINE_FIX);
  }
  process.stdout.write(`baseline written to ${file}\n`);
  return EXIT.ok;
}

/**
 * gate.md, gate.junit.xml and gate.json, after the verdict was printed. --out was checked before
 * gating, so this fails only when the disk changed meanwhile (full, remounted): the message says
 * what was written and that the verdict stands. A failed gate keeps exit 3 (the change is to fix
 * either way); a passed one exits 1, as the files CI asked for are missing.
 */
function writeGateFiles(out: string, report: GateReport, markdown: string): number {
  const files: [string, () => string][] = [['gate.md', () => markdown], ['gate.junit.xml', () => gateJUnit(report)], ['gate.json', () => gateJson(report)]];
  const written: string[] = [];
  try {
    ensureDirectory(out, OUT_FIX);
    for (const [name, text] of files) {
      try {
        writeFileSync(join(out, name), text());
      } catch (error) {
        throw cannotWrite(join(out, name), error, OUT_FIX);
      }
      written.push(name);
    }
  } catch (error) {
    const missing = files.map(([name]) => name).filter((name) => !written.includes(name));
    const verdict = report.passed ? 'every gate passed (exit 1 all the same: the files asked for are missing)' : 'a gate failed (exit 3)';
    process.stderr.write(`vlbench gate: ${(error as Error).message}. The verdict printed above stands: ${verdict}; written to ${out}: ${written.join(', ') || 'nothing'}; not written: ${missing.join(', ')}\n`);
    return report.passed ? EXIT.harnessError : EXIT.gateFailed;
  }
  return report.passed ? EXIT.ok : EXIT.gateFailed;
}

/**
 * Appends to the CI job summary when $GITHUB_STEP_SUMMARY names one. A summary that cannot be
 * written is warned about, not thrown: the verdict (exit 0 or 3, or the harness error being
 * reported) is already decided and printed, and must stay what decides the job.
 */
function appendJobSummary(text: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendFileSync(file, text);
  } catch (error) {
    process.stderr.write(`vlbench gate: warning: could not append to the CI job summary file ${file} (named by $GITHUB_STEP_SUMMARY): ${(error as Error).message}; the gate's result (stdout, exit code) is unaffected. Set GITHUB_STEP_SUMMARY to a writable file, or unset it.\n`);
  }
}

export const gateCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('gate', argv, {
      baseline: { type: 'string' }, gates: { type: 'string' }, confidence: { type: 'string' }, seed: { type: 'string' },
      replicates: { type: 'string' }, out: { type: 'string' }, 'write-baseline': { type: 'string' }, 'allow-missing-baseline': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    }, HELP);
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(`expected exactly one RUN directory, got ${positionals.length}.\n\n${HELP}`);
    const runDir = positionals[0]!;
    if (values['write-baseline'] !== undefined) {
      checkNoHomeTilde('--write-baseline', values['write-baseline']);
      return writeBaseline(runDir, values['write-baseline'], Object.keys(values).filter((k) => k !== 'write-baseline'));
    }
    if (values.out !== undefined) {
      checkNoHomeTilde('--out', values.out);
      // Before gating: a verdict printed and then lost to an unwritable --out would leave CI without its files.
      checkWritable(values.out, OUT_FIX);
    }
    const options = {
      baseline: values.baseline,
      gatesFile: values.gates,
      confidence: numberOption(values.confidence, 'confidence', (n) => n > 0 && n < 1, 'a number between 0 and 1'),
      seed: numberOption(values.seed, 'seed', isSeed, `an integer from 0 to ${MAX_SEED}`),
      replicates: numberOption(values.replicates, 'replicates', (n) => Number.isInteger(n) && n >= 100, 'an integer >= 100'),
      allowMissingBaseline: values['allow-missing-baseline'] === true,
    };
    let report: ReturnType<typeof runGate>;
    try {
      report = runGate(runDir, options);
    } catch (error) {
      // The CI job summary is where a reviewer looks first: a gate that could not run says why there too.
      appendJobSummary(`### vlbench gate: could not run\n\n${(error as Error).message}\n`);
      throw error;
    }
    const markdown = gateMarkdown(report);
    process.stdout.write(markdown);
    appendJobSummary(markdown + '\n');
    if (values.out !== undefined) return writeGateFiles(values.out, report, markdown);
    return report.passed ? EXIT.ok : EXIT.gateFailed;
  },
};
