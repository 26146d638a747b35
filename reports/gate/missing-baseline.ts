/**
 * The error for gated (model, task) pairs the baseline lacks. A check with nothing to compare
 * against used to pass as "skipped", so a renamed model or task, or a baseline written from
 * another suite, turned the gate off without anyone noticing. It is a harness error now (exit 1),
 * naming every such pair once, with the baseline's ids where a model or task is absent.
 * `--allow-missing-baseline` reports the checks as skipped instead, for a change that adds a
 * model or task the baseline cannot have yet.
 */
import { GateInputError } from './paired-metric.js';
import type { RunSnapshot } from './snapshot.js';

export interface MissingBaseline {
  readonly gateIndex: number;
  readonly gate: string;
  readonly model: string;
  readonly task: string;
  /** Quality gates need the pair's scores, timing gates its timings. */
  readonly what: 'scores' | 'timings';
}

const SHOWN = 5;

/** Lists the baseline's ids where the model or task is absent altogether (a rename shows up there). */
function hint(pair: MissingBaseline, baseline: RunSnapshot): string {
  const models = [...new Set(baseline.results.map((r) => r.model))];
  const tasks = [...new Set(baseline.results.map((r) => r.task))];
  if (!models.includes(pair.model)) return `; the baseline has no model '${pair.model}' (its models: ${models.join(', ') || 'none'})`;
  if (!tasks.includes(pair.task)) return `; the baseline has no task '${pair.task}' (its tasks: ${tasks.join(', ') || 'none'})`;
  return '';
}

/** `source` is the baseline path as the user gave it. */
export function missingBaselineError(missing: readonly MissingBaseline[], baseline: RunSnapshot, source: string | undefined): GateInputError {
  const byPair = new Map<string, MissingBaseline[]>();
  for (const m of missing) {
    const key = `${m.model}\u0000${m.task}`;
    const list = byPair.get(key);
    if (list === undefined) byPair.set(key, [m]);
    else list.push(m);
  }
  const lines = [...byPair.values()].map((list) => {
    const first = list[0]!;
    const gates = list.map((m) => `gate ${m.gateIndex} (${m.gate}) needs its ${m.what}`).join(', ');
    return `model '${first.model}', task '${first.task}': ${gates}${hint(first, baseline)}`;
  });
  const shown = lines.slice(0, SHOWN).map((line) => `\n  - ${line}`).join('') + (lines.length > SHOWN ? `\n  ... ${lines.length - SHOWN} more` : '');
  const where = source ?? `baseline run '${baseline.runId}'`;
  return new GateInputError(
    `${where}: the baseline (run '${baseline.runId}') has no result for ${lines.length} gated model/task pair${lines.length === 1 ? '' : 's'}:${shown}\n` +
      'Write the baseline from a run of the same suite and models (`vlbench gate RUN --write-baseline FILE`), check whether a model or task id was renamed, ' +
      'or pass --allow-missing-baseline to report these checks as skipped (for a model or task that this change adds).',
  );
}
