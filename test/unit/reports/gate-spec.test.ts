import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGate, parseGates } from '../../../reports/gate-spec.js';

test('parses every gate kind', () => {
  const gates = parseGates([
    { kind: 'floor', task: 't', metric: 'CIDEr', min: 1 },
    { kind: 'ceiling', metric: 'latencyMs.p95', max: 200 },
    { kind: 'max-drop', family: 'blip2', metric: 'CIDEr', maxDropPercent: 2 },
    { kind: 'max-throughput-drop', measure: 'tokensPerSecond', maxDropPercent: 10 },
    { kind: 'max-latency-increase', statistic: 'p95', maxIncreasePercent: 15 },
  ], 'gates.json');
  assert.equal(gates.map(describeGate), ['CIDEr >= 1', 'latencyMs.p95 <= 200', 'CIDEr drop <= 2%', 'tokensPerSecond drop <= 10%', 'latency p95 increase <= 15%']);
});

const cases: [unknown, RegExp][] = [
  [{ gates: [] }, /gates\.json: gates must be a JSON array/],
  [[{ metric: 'CIDEr' }], /gates\.json\/0\/kind: expected one of 'floor'/],
  [[{ kind: 'max-drop', metric: 'CIDEr' }], /gates\.json\/0: a 'max-drop' gate needs exactly one of maxDrop/],
  [[{ kind: 'max-drop', metric: 'CIDEr', maxDrop: 1, maxDropPercent: 2 }], /exactly one of maxDrop/],
  [[{ kind: 'floor', metric: 'CIDEr', min: 1, tolerance: 2 }], /gates\.json\/0\/tolerance: unknown key for a 'floor' gate/],
  [[{ kind: 'max-drop', metric: 'CIDEr', maxDrop: -1 }], /gates\.json\/0\/maxDrop: expected a finite number >= 0/],
  [[{ kind: 'max-latency-increase', statistic: 'p90', maxIncreasePercent: 1 }], /statistic: expected one of 'mean', 'p50', 'p95', 'p99'/],
  [[{ kind: 'floor', metric: '', min: 1 }], /metric: expected a non-empty string/],
  [['floor'], /gates\.json\/0: a gate must be a JSON object/],
];

test('malformed gates get an error with the JSON pointer and the fix', () => {
  for (const [input, message] of cases) {
    assert.throws(() => parseGates(Array.isArray(input) ? input : (input as { gates: unknown }), 'gates.json'), message, JSON.stringify(input));
  }
});

test.run();
