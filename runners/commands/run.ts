/**
 * `vlbench run` and `vlbench start` (the default suite over the bundled benchmark, then the
 * report). Argument parsing, Ctrl-C, progress and the final table; the work is in runners/run/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledModels, loadModel, type DeviceRequest } from '../../models/load.js';
import type { TimingsFile } from '../../reports/records.js';
import { parse, parseData, parseList, parsePositiveInt, parseShard } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { runSuites, type ModelLoader, type RunResult } from '../run/execute.js';
import { checkNoHomeTilde, claimNewDirectory, RunDirectory, removeIfEmpty } from '../run/run-dir.js';
import { scoresTable } from '../run/summary.js';
import type { Command } from './command.js';
import { checkBeforeLoading } from './validate-suites.js';
import { progressPrinter } from './progress.js';
import { writeReportIfAvailable } from './start-report.js';
import { REPORT_FORMATS, type ReportFormat } from '../../reports/report.js';

const HELP = `Usage: vlbench run SUITE... [options]

  --models a,b          only these models, as the suites name them; a \${data.NAME} model also by
                        what it resolved to (--data model=tiny-blip --models tiny-blip)
  --tasks a,b           only these task ids (data locations only the other tasks use need not be given)
  --device D            auto | cpu | cuda | webgpu (default auto; an explicit provider that cannot load is an error)
  --limit N             at most N samples per task (before sharding)
  --out DIR             run directory (default runs/<timestamp>)
  --resume              continue the run in --out; nothing already written is recomputed
  --shard i/N           run shard i of N (0-based); merge the shards with \`vlbench merge\`
  --retry-failed        with --resume: run the samples recorded as failed again (e.g. media that were missing);
                        a retrieval task with failed records is run again whole (a rank depends on the whole gallery)
  --fail-fast           stop at the first failed sample instead of recording it
  --data NAME=PATH      set a data location used as \${data.NAME} in the suites (repeatable, once per NAME)
  --no-verify-digests   skip the sha256 check of every model file (recorded in the run manifest;
                        a run started with the check cannot be resumed without it)

--models and --tasks add up when repeated (--models a --models b is --models a,b); any other
flag given twice is a usage error. --resume refuses to continue on another execution provider
than the one each model ran on (any --device that lands on it will do, --resume alone too).`;

const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu'] as const;

export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}

/** The fix for a default run directory that cannot be made: the user gave no --out to change. */
const DEFAULT_OUT_FIX = 'pass --out DIR on a writable disk (without --out, runs go to runs/<timestamp> in the current directory)';

/**
 * A new runs/<timestamp> (with -2, -3, ... when another run took that name the same second),
 * created now so that no other run can pick it. `release` removes it if the run wrote nothing,
 * and runs/ too when this claim created it and nothing else is in it.
 */
export function claimDefaultRunDirectory(date = new Date()): { dir: string; release: () => void } {
  const parent = resolve('runs');
  const parentIsNew = !existsSync(parent);
  const dir = claimNewDirectory(join(parent, timestamp(date)), DEFAULT_OUT_FIX);
  return {
    dir,
    release: () => {
      removeIfEmpty(dir);
      if (parentIsNew) removeIfEmpty(parent);
    },
  };
}

function explicitOut(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  checkNoHomeTilde('--out', value);
  return resolve(value);
}

export interface RunDependencies {
  readonly loadModel: ModelLoader;
  readonly registeredModels: () => ReadonlyMap<string, string>;
  /** The clock that names the default run directory (tests start two runs "in the same second"). */
  readonly now?: () => Date;
}

const PRODUCTION: RunDependencies = { loadModel, registeredModels: bundledModels };

/**
 * Runs with SIGINT and SIGTERM wired to an AbortSignal, from the start of the command (before
 * the suites are read and checked): the current batch finishes and is written, then the run
 * stops; the same signal again quits at once.
 */
async function withInterrupt(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    const again = name === 'SIGINT' ? 'Ctrl-C again' : `send ${name} again`;
    process.stderr.write(`\nvlbench: ${name}: stopping after the current batch (${again} to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The command that continues an interrupted run in `dir`. */
export type ContinueHint = (dir: string) => string;

const RUN_CONTINUE: ContinueHint = (dir) => `vlbench run ... --out ${dir} --resume (the same suites and options)`;

export function report(result: RunResult, continueWith: ContinueHint = RUN_CONTINUE): number {
  if (result.interrupted) {
    // No manifest: the run had not started writing (the checks, or the models loading).
    const started = new RunDirectory(result.dir).exists();
    process.stderr.write(started
      ? `vlbench run: interrupted; what finished is in ${result.dir}. Continue with: ${continueWith(result.dir)}\n`
      : 'vlbench run: interrupted before any sample was run; nothing to resume\n');
    return EXIT.interrupted;
  }
  const dir = new RunDirectory(result.dir);
  if (result.scores !== null) process.stdout.write(scoresTable(result.scores, dir.readJson<TimingsFile>(dir.timings)) + '\n');
  process.stdout.write(`\nrun written to ${result.dir}\n`);
  const results = result.scores?.results ?? [];
  // A test split's predictions are written unscored (no references): those are not failures.
  const allFailed = results.filter((r) => r.counts.scored === 0 && r.counts.failed > 0 && (r.counts.unannotated ?? 0) === 0);
  for (const r of allFailed) {
    process.stderr.write(`vlbench run: ${r.model} / ${r.task}: every sample failed (${r.counts.failed}); nothing was measured. The reasons are in ${dir.predictions(r.model, r.task)}\n`);
  }
  // Data that selects no samples stops the run before it starts (datasets-ahead.ts); one shard of
  // a small task may still get none of them, which is worth a line but not a failure.
  for (const r of results.filter((x) => x.counts.requested === 0)) {
    process.stderr.write(`vlbench run: ${r.model} / ${r.task}: this shard got none of the task's samples\n`);
  }
  return allFailed.length > 0 ? EXIT.harnessError : EXIT.ok;
}

export function createRunCommand(deps: RunDependencies = PRODUCTION, continueWith: ContinueHint = RUN_CONTINUE): Command {
  return {
    // The signals are taken over before any work: reading and checking the suites and data can take seconds.
    run: (argv) => withInterrupt((signal) => runFromArgs(argv, deps, continueWith, signal)),
  };
}

async function runFromArgs(argv: readonly string[], deps: RunDependencies, continueWith: ContinueHint, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    models: { type: 'string', multiple: true }, tasks: { type: 'string', multiple: true }, device: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' },
    resume: { type: 'boolean' }, 'retry-failed': { type: 'boolean' }, shard: { type: 'string' }, 'fail-fast': { type: 'boolean' },
    data: { type: 'string', multiple: true }, 'no-verify-digests': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('name at least one suite file (e.g. vlbench run suites/default.suite.json)');
  const device = (values.device ?? 'auto') as DeviceRequest;
  if (!DEVICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, got '${values.device}'`);
  if (values.resume && values.out === undefined) throw new UsageError('--resume needs --out DIR, the run directory to continue');
  if (values['retry-failed'] && !values.resume) throw new UsageError('--retry-failed runs the failed samples of an earlier run again: use it with --resume --out DIR');
  const data = parseData(values.data);
  const models = parseList('--models', values.models);
  const tasks = parseList('--tasks', values.tasks);
  const given = explicitOut(values.out);
  const limit = parsePositiveInt('--limit', values.limit);
  const shard = parseShard(values.shard);
  const registeredModels = deps.registeredModels();
  const suites = checkBeforeLoading(positionals, { data, registered: registeredModels, only: models, tasks });
  // Nothing was created yet: a directory name that holds no run says "nothing to resume".
  if (signal.aborted) return report({ dir: given ?? resolve('runs', timestamp()), interrupted: true, scores: null }, continueWith);
  // Claimed after the checks, so that a suite that does not load leaves no empty folder behind.
  const claimed = given === undefined ? claimDefaultRunDirectory(deps.now?.()) : undefined;
  const out = given ?? claimed!.dir;
  try {
    const result = await runSuites({
      suites: positionals, data, models, tasks, device, limit, out,
      resume: values.resume ?? false, retryFailed: values['retry-failed'] ?? false, shard, failFast: values['fail-fast'] ?? false,
      signal, emit: progressPrinter(), loadModel: deps.loadModel, registeredModels,
      verifyDigests: !(values['no-verify-digests'] ?? false),
    }, suites);
    return report(result, continueWith);
  } finally {
    claimed?.release();
  }
}

export const DEFAULT_SUITE = fileURLToPath(new URL('../../suites/default.suite.json', import.meta.url));

export function createStartCommand(deps: RunDependencies = PRODUCTION, suite: string = DEFAULT_SUITE, reportFormats: readonly ReportFormat[] = REPORT_FORMATS): Command {
  return {
    async run(argv) {
      const { values } = parse('start', argv, { device: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
      if (values.help) {
        process.stdout.write('Usage: vlbench start [--device D] [--out DIR] [--resume]\n\nRuns suites/default.suite.json into runs/<timestamp>/ (or DIR) and writes the report next to it.\n--resume continues the run in --out DIR (npm start -- --out DIR --resume), then writes the report.\n');
        return EXIT.ok;
      }
      if (values.resume && values.out === undefined) throw new UsageError('--resume needs --out DIR, the run directory to continue');
      const given = explicitOut(values.out);
      const claimed = given === undefined ? claimDefaultRunDirectory(deps.now?.()) : undefined;
      try {
        return await startIn(given ?? claimed!.dir, values, deps, reportFormats, suite);
      } finally {
        claimed?.release();
      }
    },
  };
}

async function startIn(out: string, values: { device?: string; resume?: boolean }, deps: RunDependencies, reportFormats: readonly ReportFormat[], suite: string): Promise<number> {
  const args = [suite, '--out', out, ...(values.device ? ['--device', values.device] : []), ...(values.resume ? ['--resume'] : [])];
  const code = await createRunCommand(deps, (dir) => `vlbench start --out ${dir} --resume (npm start -- --out ${dir} --resume)`).run(args);
  // A finished run whose task measured nothing still gets its report (the failures are in it).
  if (code !== EXIT.ok && !existsSync(new RunDirectory(out).scores)) return code;
  const reportCode = await writeReportIfAvailable(out, reportFormats);
  return code !== EXIT.ok ? code : reportCode;
}

export const runCommand: Command = createRunCommand();
export const startCommand: Command = createStartCommand();
