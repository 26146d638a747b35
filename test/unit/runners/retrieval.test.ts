/**
 * Retrieval against a direct dense implementation of LAVIS's protocol (the whole score matrix,
 * top k by contrastive similarity, ITM + similarity on those, -100 elsewhere, recall via the
 * metrics module's score-matrix entry). The runner's blockwise top-k path must give the same
 * recalls. Also: the bounded top-k keeps exactly what a full sort keeps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PreparedMedia } from '../../../models/capabilities.js';
import { recallFromScores } from '../../../reports/metrics/recall-at-k.js';
import type { ScoresFile } from '../../../reports/records.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { TopK } from '../../../runners/tasks/top-k.js';
import { topOrder } from '../../../runners/tasks/retrieval.js';
import { StageClock } from '../../../runners/run/measure.js';
import { doubleModels, FIXTURE_SUITE, loadDouble, maxOverQueries } from './helpers/double-model.js';
import { runDouble } from './helpers/run-double.js';

async function denseRecall(model: string, k: number): Promise<Record<string, number>> {
  const loaded = await loadDouble(doubleModels().get(model)!, { device: 'cpu', verifyDigests: false });
  const adapter = loaded.adapter;
  const retrieval = adapter.retrieval!;
  const root = join(dirname(FIXTURE_SUITE), 'data');
  const entries = JSON.parse(readFileSync(join(root, 'captions.json'), 'utf8')) as { image: string; caption: string[] }[];
  const ctx = new StageClock();
  const images: PreparedMedia[] = [];
  const texts: string[] = [];
  const img2txt: number[][] = [];
  const txt2img: number[] = [];
  for (const entry of entries) {
    let prepared: PreparedMedia;
    try {
      prepared = await adapter.prepare({ modality: 'image', path: join(root, 'images', entry.image) }, ctx);
    } catch {
      continue; // the corrupt image leaves the gallery with its captions
    }
    img2txt.push(entry.caption.map((c) => texts.push(c) - 1));
    entry.caption.forEach(() => txt2img.push(images.length));
    images.push(prepared);
  }
  const imageEmb = await retrieval.embedImages(images, ctx);
  const textEmb = await retrieval.embedTexts(texts, ctx);
  const sim = imageEmb.map((ie) => textEmb.map((te) => Math.fround(maxOverQueries(ie, te))));
  const rerank = async (row: number[], pairOf: (j: number) => { image: PreparedMedia; text: string }): Promise<Float32Array> => {
    const top = row.map((s, j) => ({ s, j })).sort((a, b) => b.s - a.s || a.j - b.j).slice(0, k);
    const itm = await retrieval.matchScores(top.map((t) => pairOf(t.j)), ctx);
    const out = new Float32Array(row.length).fill(-100);
    top.forEach((t, n) => { out[t.j] = Math.fround(Math.fround(itm[n]!) + t.s); });
    return out;
  };
  const scoresI2t = await Promise.all(sim.map((row, i) => rerank(row, (j) => ({ image: images[i]!, text: texts[j]! }))));
  const scoresT2i = await Promise.all(texts.map((text, t) => rerank(sim.map((row) => row[t]!), (i) => ({ image: images[i]!, text }))));
  return { ...recallFromScores({ scoresI2t, scoresT2i, img2txt, txt2img }) };
}

test('blockwise top-k retrieval equals the dense LAVIS computation (one and two query vectors)', async () => {
  const result = await runDouble({ models: ['double-blip', 'double-blip2'] });
  const dir = new RunDirectory(result.dir);
  const scores = dir.readJson<ScoresFile>(dir.scores);
  for (const [name, id] of [['double-blip', 'tiny-blip-double'], ['double-blip2', 'tiny-blip2-double']] as const) {
    const got = scores.results.find((r) => r.model === id && r.task === 'retrieval')!.metrics;
    assert.equal(got, await denseRecall(name, 5), name);
  }
});

test('the top list follows the rank\'s order among tied scores (numpy argsort), not the index order', () => {
  // np.argsort([0.5, 0.9, 0.9, -100, 0.1]) is [3, 4, 0, 1, 2] (insertion sort below 17 items keeps
  // ties in index order); reversed, index 2 comes before index 1.
  const row = Float32Array.from([0.5, 0.9, 0.9, -100, 0.1]);
  const final = [0, 1, 2, 4].map((index) => ({ index, score: row[index]! }));
  assert.equal(topOrder(final, row), [2, 1, 0, 4]);
  // Without a tie the candidates' own order is the rank's order.
  const distinct = Float32Array.from([0.5, 0.9, 0.8, -100, 0.1]);
  assert.equal(topOrder([0, 1, 2, 4].map((index) => ({ index, score: distinct[index]! })), distinct), [1, 2, 0, 4]);
});

test('TopK keeps the k best of a stream, ties by lower index, as a full sort does', () => {
  const values = Array.from({ length: 200 }, (_, i) => Math.round(Math.sin(i * 12.9898) * 20) / 4);
  for (const k of [1, 5, 17, 200, 300]) {
    const top = new TopK(k);
    values.forEach((v, i) => top.push(v, i));
    const expected = values.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
    assert.equal(top.sorted(), expected, `k=${k}`);
  }
});

test.run();
