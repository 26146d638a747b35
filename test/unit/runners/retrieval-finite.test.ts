import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireFinite } from '../../../runners/tasks/retrieval.js';

const ctx = { model: { id: 'my-blip' }, plan: { task: { id: 'ret' } } } as unknown as Parameters<typeof requireFinite>[0];

test('a NaN ITM score names the model, the task stage and the graph', () => {
  assert.throws(
    () => requireFinite(ctx, 'matching-head re-rank', 'ITM score', 'the fusion_encoder', [1, NaN]),
    /my-blip: retrieval task 'ret', matching-head re-rank: ITM score 1 of the batch is NaN; it comes from the fusion_encoder: .*fp16/,
  );
});

test('finite similarities pass through unchanged', () => {
  const sims = Float32Array.from([0.1, -0.2]);
  assert.is(requireFinite(ctx, 'contrastive sweep', 'similarity', 'features', sims), sims);
  assert.throws(() => requireFinite(ctx, 'contrastive sweep', 'similarity', 'features', Float32Array.from([Infinity])), /similarity 0 of the batch is Infinity/);
});

test.run();
