/**
 * The gate's Markdown (stdout, gate.md, the CI job summary) carries each verdict's notes, as
 * JUnit does: numbered footnotes under the table, each text once, so a CI log explains a
 * zero-width interval or a value recomputed on a subset.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateReport, GateVerdict } from '../../../../reports/gate/evaluate.js';
import { gateJUnit, gateMarkdown } from '../../../../reports/gate/outputs.js';

const verdict = (model: string, status: GateVerdict['status'], notes: string[]): GateVerdict => ({
  gate: 'latency p95 increase <= 10%', kind: 'max-latency-increase', model, task: 'ret', metric: 'latencyMs.p95', baseline: 3.7, current: 4.5,
  difference: 21.26, interval: [21.26, 21.26], unit: '%', status, n: 10, reason: null, notes,
});

const ZERO = 'zero-width interval: the statistic is one batch of each run, which resampling cannot move; gate the mean';
const METHOD = 'unpaired bootstrap of the p95 ratio';
const report: GateReport = {
  runId: 'pr', baselineRunId: 'main', confidence: 0.95, seed: 1, replicates: 1000, passed: false,
  verdicts: [verdict('tiny-albef', 'pass', [METHOD]), verdict('tiny-blip', 'fail', [METHOD, ZERO]), verdict('tiny-blip2', 'pass', [])],
};

test('each row refers to its notes by number, and each note is printed once under the table', () => {
  const md = gateMarkdown(report);
  const lines = md.split('\n');
  assert.ok(lines.includes('| gate | model | task | metric | baseline | current | difference | 95% interval | result | notes |'), md);
  // Failures first: the failed row is numbered first.
  assert.ok(lines.includes('| latency p95 increase <= 10% | tiny-blip | ret | latencyMs.p95 | 3.7 | 4.5 | +21.26% | [+21.26%, +21.26%] | **FAIL** | 1, 2 |'), md);
  assert.ok(lines.includes('| latency p95 increase <= 10% | tiny-albef | ret | latencyMs.p95 | 3.7 | 4.5 | +21.26% | [+21.26%, +21.26%] | pass | 1 |'), md);
  assert.ok(lines.includes('| latency p95 increase <= 10% | tiny-blip2 | ret | latencyMs.p95 | 3.7 | 4.5 | +21.26% | [+21.26%, +21.26%] | pass |  |'), md);
  assert.equal(lines.slice(lines.indexOf('Notes:')), ['Notes:', '', `1. ${METHOD}`, `2. ${ZERO}`, '']);
  // The same notes JUnit has.
  assert.ok(gateJUnit(report).includes(ZERO));
});

test('a report without notes has no notes section', () => {
  const md = gateMarkdown({ ...report, verdicts: [verdict('tiny-blip2', 'pass', [])], passed: true });
  assert.not.match(md, /Notes:/);
});

test.run();
