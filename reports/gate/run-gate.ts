/**
 * The library entry of `vlbench gate`: load both sides, pick the gates, evaluate, and render
 * the outputs. Never prints; the command decides where each output goes.
 */
import { readFileSync } from 'node:fs';
import { parseGates, type GateSpec } from '../gate-spec.js';
import { evaluateGates, type GateReport } from './evaluate.js';
import { higherIsBetter, ptbTokenizer } from './metric-defaults.js';
import { explainSelection, NoMatchError, runSelection } from './no-match.js';
import { GateInputError } from './paired-metric.js';
import { loadSnapshot, snapshotRun, type RunSnapshot } from './snapshot.js';
import { readRun } from '../run-reader.js';
import { describeJsonError, parseJsonText } from '../../suites/json-text.js';

export interface RunGateOptions {
  readonly baseline?: string | undefined;
  readonly gatesFile?: string | undefined;
  readonly confidence?: number | undefined;
  readonly seed?: number | undefined;
  readonly replicates?: number | undefined;
  /** Gated pairs the baseline lacks are skipped instead of being a harness error. */
  readonly allowMissingBaseline?: boolean | undefined;
}

export const GATE_DEFAULTS = { confidence: 0.95, seed: 20240607, replicates: 1000 } as const;

export interface LoadedGates {
  readonly gates: GateSpec[];
  /** The file and JSON pointer of the list, for messages (`gates.json#/gates`). */
  readonly source: string;
}

/**
 * Gates from a gate file ({"gates": [...]} or a bare array), else from the run's manifest. An
 * empty list is an error either way (exit 1): it would pass every run.
 */
export function loadGates(current: RunSnapshot, runDir: string, gatesFile: string | undefined): LoadedGates {
  if (gatesFile === undefined) {
    if (current.gates.length === 0) {
      throw new GateInputError(`${runDir}/manifest.json#/gates: the list is empty (the suite declares no gates). Declare gates in the suite or pass --gates FILE.`);
    }
    const source = `${runDir}/manifest.json#/gates`;
    return { gates: parseGates(current.gates, source), source };
  }
  let text: string;
  try {
    text = readFileSync(gatesFile, 'utf8');
  } catch (error) {
    throw new GateInputError(`${gatesFile}: cannot read the gate file (${(error as Error).message}).`);
  }
  const parsed = parseJsonText(text);
  if ('error' in parsed) throw new GateInputError(`${gatesFile}: the gate file is ${describeJsonError(parsed.error)}.`);
  const raw = parsed.value;
  const list = Array.isArray(raw) ? raw : (raw as { gates?: unknown } | null)?.gates;
  const source = Array.isArray(raw) ? `${gatesFile}#` : `${gatesFile}#/gates`;
  const gates = parseGates(list, source);
  if (gates.length === 0) {
    throw new GateInputError(`${source}: the gate list is empty, and an empty list would pass every run. Add at least one gate, or omit --gates to check the gates the suite declares.`);
  }
  return { gates, source };
}

export function runGate(runDir: string, options: RunGateOptions): GateReport {
  const run = readRun(runDir);
  const current = snapshotRun(run);
  const baseline = options.baseline === undefined ? null : loadSnapshot(options.baseline);
  const { gates, source } = loadGates(current, runDir, options.gatesFile);
  try {
    return evaluateGates(gates, current, baseline, {
      confidence: options.confidence ?? GATE_DEFAULTS.confidence,
      seed: options.seed ?? GATE_DEFAULTS.seed,
      replicates: options.replicates ?? GATE_DEFAULTS.replicates,
      tokenize: ptbTokenizer,
      higherIsBetter,
      allowMissingBaseline: options.allowMissingBaseline === true,
      sources: { gates: source, current: runDir, ...(options.baseline === undefined ? {} : { baseline: options.baseline }) },
    });
  } catch (error) {
    // Only the run directory's manifest records the suites, and so a --tasks/--models selection.
    if (error instanceof NoMatchError) throw explainSelection(error, runSelection(run.manifest), options.gatesFile === undefined);
    throw error;
  }
}

/** The baseline file content for a run directory (`--write-baseline`). */
export function baselineJson(runDir: string): string {
  return JSON.stringify(snapshotRun(readRun(runDir))) + '\n';
}
