import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateGates, type GateVerdict } from '../../../../reports/gate/evaluate.js';
import { parseGates } from '../../../../reports/gate-spec.js';
import { higherIsBetter } from '../../../../reports/gate/metric-defaults.js';
import type { RunSnapshot } from '../../../../reports/gate/snapshot.js';

/** A one-pair VQA snapshot from [sampleId, vqa_accuracy] rows, in the order given. */
function vqaSnapshot(runId: string, rows: readonly (readonly [string, number])[]): RunSnapshot {
  const mean = rows.reduce((s, [, v]) => s + v, 0) / rows.length;
  return {
    formatVersion: 1, kind: 'vlbench-baseline', runId, createdAt: '', vlbench: {} as RunSnapshot['vlbench'],
    models: [{ id: 'm', family: 'f', variant: '' }], tasks: [{ id: 't', kind: 'vqa', metrics: ['vqa_accuracy'] }], gates: [],
    results: [{
      model: 'm', task: 't', kind: 'vqa', metrics: { vqa_accuracy: mean }, breakdowns: {},
      counts: { requested: rows.length, scored: rows.length, failed: 0 },
      samples: rows.map(([sampleId, v]) => ({ sampleId, scores: { vqa_accuracy: v } })), failed: [],
    }],
    timings: [],
  };
}

function gateOne(gate: unknown, base: RunSnapshot, cur: RunSnapshot, seed = 3): GateVerdict {
  const report = evaluateGates(parseGates([gate], 'gates'), cur, base, {
    confidence: 0.95, seed, replicates: 2000, tokenize: (c) => [...c], higherIsBetter,
  });
  return report.verdicts[0]!;
}

const ids = Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`);

test('maxDropPercent: a replicate whose baseline and current are both 0 is no change, not NaN', () => {
  // One sample of 20 is right in the baseline and wrong now: -100 %. A replicate misses it with
  // probability (19/20)^20 = 0.36, and then both sides are 0: no change. So the upper end of the
  // interval is 0 (0.36 of the replicates > 0.025) and the lower end -100.
  const base = vqaSnapshot('base', ids.map((id, i) => [id, i === 0 ? 100 : 0] as const));
  const cur = vqaSnapshot('cur', ids.map((id) => [id, 0] as const));
  const v = gateOne({ kind: 'max-drop', metric: 'vqa_accuracy', maxDropPercent: 10 }, base, cur);
  assert.equal(v.difference, -100);
  assert.equal(v.interval, [-100, 0]);
  assert.is(v.status, 'pass');
});

test('the interval does not depend on the order of the samples in either file', () => {
  const score = (i: number, salt: number): number => [0, 30, 60, 90, 100][(i * 7 + salt * 3 + ((i * i) % 5)) % 5]!;
  const baseRows = ids.map((id, i) => [id, score(i, 0)] as const);
  const curRows = ids.map((id, i) => [id, score(i, i % 3 === 0 ? 1 : 0)] as const);
  const gate = { kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 2 };
  const reference = gateOne(gate, vqaSnapshot('base', baseRows), vqaSnapshot('cur', curRows));
  const reversedBase = gateOne(gate, vqaSnapshot('base', [...baseRows].reverse()), vqaSnapshot('cur', curRows));
  const rotatedBoth = gateOne(gate, vqaSnapshot('base', [...baseRows.slice(7), ...baseRows.slice(0, 7)]), vqaSnapshot('cur', [...curRows].reverse()));
  assert.ok(reference.interval![0] < reference.interval![1], 'a non-degenerate interval');
  assert.equal(reversedBase.interval, reference.interval);
  assert.equal(rotatedBoth.interval, reference.interval);
});

test.run();
