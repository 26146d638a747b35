import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FamilyContext } from '../../../../models/families/context.js';
import { llmParts } from '../../../../models/families/llm-bridge.js';
import type { GraphRole } from '../../../../models/manifest-types.js';
import { ManifestError } from '../../../../models/manifest.js';
import type { GraphSession } from '../../../../models/onnx/graphs.js';

test('a decoder without kvCache is refused with why the cache is needed and what to export', () => {
  const embed = { spec: { outputs: { inputs_embeds: { dtype: 'float32', shape: ['batch', 'seq', 8] } } } } as unknown as GraphSession;
  const decoder = { spec: { inputs: {}, outputs: {} } } as unknown as GraphSession;
  const ctx = {
    manifest: { family: 'blip2', llm: { kind: 'decoder-only', name: 'opt' } },
    manifestPath: '/m/model.json',
    graphs: new Map<GraphRole, GraphSession>([['llm_embed', embed], ['llm_decoder', decoder]]),
    tokenizers: {},
  } as unknown as FamilyContext;
  try {
    llmParts(ctx);
    assert.unreachable('a cacheless decoder must be refused');
  } catch (error) {
    assert.instance(error, ManifestError);
    assert.is((error as ManifestError).pointer, '/graphs/llm_decoder/kvCache');
    assert.match((error as Error).message, /\/m\/model\.json at \/graphs\/llm_decoder\/kvCache: is required: generation feeds llm_decoder one new token per step.*re-export llm_decoder with the cache/);
  }
});

test.run();
