/**
 * Gate declarations, as suites declare them (the runner copies them into manifest.json `gates`)
 * or as a gate file passed with `vlbench gate --gates FILE` ({"gates": [...]}) declares them.
 *
 * Scope: `model`, `family` and `task` narrow a gate; an omitted one means "every". A gate that
 * matches nothing in the run is an error (a misspelt name must not pass silently).
 *
 * Units: `maxDrop` is in the metric's own units (CIDEr 0.05 on pycocoevalcap's scale, VQA
 * accuracy 2 = two points); `maxDropPercent`, `maxIncreasePercent` are relative to the baseline.
 */

/** Timing measures usable as `metric` in floors and ceilings, next to quality metric names. */
export const TIMING_MEASURES = ['samplesPerSecond', 'tokensPerSecond', 'latencyMs.mean', 'latencyMs.p50', 'latencyMs.p95', 'latencyMs.p99'] as const;
export type TimingMeasure = (typeof TIMING_MEASURES)[number];

export const LATENCY_STATISTICS = ['mean', 'p50', 'p95', 'p99'] as const;
export type LatencyStatistic = (typeof LATENCY_STATISTICS)[number];

export interface GateScope {
  readonly model?: string;
  readonly family?: string;
  readonly task?: string;
}

/** Absolute lower bound on a metric's value in the current run (no baseline needed). */
export interface FloorGate extends GateScope {
  readonly kind: 'floor';
  readonly metric: string;
  readonly min: number;
}

/** Absolute upper bound (typically a latency or an error rate). */
export interface CeilingGate extends GateScope {
  readonly kind: 'ceiling';
  readonly metric: string;
  readonly max: number;
}

/** Quality may not drop against the baseline by more than the tolerance (exactly one of the two). */
export interface MaxDropGate extends GateScope {
  readonly kind: 'max-drop';
  readonly metric: string;
  readonly maxDrop?: number;
  readonly maxDropPercent?: number;
}

export interface MaxThroughputDropGate extends GateScope {
  readonly kind: 'max-throughput-drop';
  readonly measure: 'samplesPerSecond' | 'tokensPerSecond';
  readonly maxDropPercent: number;
}

export interface MaxLatencyIncreaseGate extends GateScope {
  readonly kind: 'max-latency-increase';
  readonly statistic: LatencyStatistic;
  readonly maxIncreasePercent: number;
}

export type GateSpec = FloorGate | CeilingGate | MaxDropGate | MaxThroughputDropGate | MaxLatencyIncreaseGate;

export class GateSpecError extends Error {
  override name = 'GateSpecError';
}

const SCOPE_KEYS = ['model', 'family', 'task'] as const;
const KIND_KEYS: Record<GateSpec['kind'], readonly string[]> = {
  floor: ['metric', 'min'],
  ceiling: ['metric', 'max'],
  'max-drop': ['metric', 'maxDrop', 'maxDropPercent'],
  'max-throughput-drop': ['measure', 'maxDropPercent'],
  'max-latency-increase': ['statistic', 'maxIncreasePercent'],
};

function fail(where: string, message: string): never {
  throw new GateSpecError(`${where}: ${message}`);
}

function requireString(obj: Record<string, unknown>, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') fail(`${where}/${key}`, `expected a non-empty string, got ${JSON.stringify(value)}.`);
  return value;
}

function requireNonNegative(obj: Record<string, unknown>, key: string, where: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${where}/${key}`, `expected a finite number >= 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function requireNumber(obj: Record<string, unknown>, key: string, where: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where}/${key}`, `expected a finite number, got ${JSON.stringify(value)}.`);
  return value;
}

function requireOneOf<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], where: string): T {
  const value = obj[key];
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    fail(`${where}/${key}`, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

function parseOne(raw: unknown, where: string): GateSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'a gate must be a JSON object with a "kind".');
  const obj = raw as Record<string, unknown>;
  const kind = requireOneOf(obj, 'kind', Object.keys(KIND_KEYS) as GateSpec['kind'][], where);
  const allowed = new Set<string>(['kind', ...SCOPE_KEYS, ...KIND_KEYS[kind]]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) fail(`${where}/${key}`, `unknown key for a '${kind}' gate; allowed: ${[...allowed].join(', ')}.`);
  }
  const scope: GateScope = Object.fromEntries(SCOPE_KEYS.filter((k) => obj[k] !== undefined).map((k) => [k, requireString(obj, k, where)]));
  switch (kind) {
    case 'floor':
      return { kind, ...scope, metric: requireString(obj, 'metric', where), min: requireNumber(obj, 'min', where) };
    case 'ceiling':
      return { kind, ...scope, metric: requireString(obj, 'metric', where), max: requireNumber(obj, 'max', where) };
    case 'max-drop': {
      const hasAbs = obj.maxDrop !== undefined;
      const hasRel = obj.maxDropPercent !== undefined;
      if (hasAbs === hasRel) fail(where, "a 'max-drop' gate needs exactly one of maxDrop (metric units) or maxDropPercent.");
      const tolerance = hasAbs ? { maxDrop: requireNonNegative(obj, 'maxDrop', where) } : { maxDropPercent: requireNonNegative(obj, 'maxDropPercent', where) };
      return { kind, ...scope, metric: requireString(obj, 'metric', where), ...tolerance };
    }
    case 'max-throughput-drop':
      return { kind, ...scope, measure: requireOneOf(obj, 'measure', ['samplesPerSecond', 'tokensPerSecond'], where), maxDropPercent: requireNonNegative(obj, 'maxDropPercent', where) };
    case 'max-latency-increase':
      return { kind, ...scope, statistic: requireOneOf(obj, 'statistic', LATENCY_STATISTICS, where), maxIncreasePercent: requireNonNegative(obj, 'maxIncreasePercent', where) };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Validates a list of gates; `source` names the file (and JSON pointer) for error messages. */
export function parseGates(raw: unknown, source: string): GateSpec[] {
  if (!Array.isArray(raw)) fail(source, 'gates must be a JSON array of gate objects.');
  return raw.map((gate, index) => parseOne(gate, `${source}/${index}`));
}

/** A one-line description of a gate for verdict tables. */
export function describeGate(gate: GateSpec): string {
  switch (gate.kind) {
    case 'floor': return `${gate.metric} >= ${gate.min}`;
    case 'ceiling': return `${gate.metric} <= ${gate.max}`;
    case 'max-drop': return gate.maxDrop !== undefined ? `${gate.metric} drop <= ${gate.maxDrop}` : `${gate.metric} drop <= ${gate.maxDropPercent}%`;
    case 'max-throughput-drop': return `${gate.measure} drop <= ${gate.maxDropPercent}%`;
    case 'max-latency-increase': return `latency ${gate.statistic} increase <= ${gate.maxIncreasePercent}%`;
    default: {
      const never: never = gate;
      return never;
    }
  }
}
