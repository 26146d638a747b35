/**
 * Parity with LAVIS on tiny random ALBEF models exported by models/export/lavis_albef.py (the
 * code path a LAVIS checkpoint takes after load_model): LAVIS's own evaluation outputs
 * (verify_tiny_lavis.py; test/fixtures/models/lavis-tiny/PROVENANCE.md) must come out of vlbench's
 * ALBEF adapter, fed the same pixel tensors:
 *   - retrieval: image_feat / text_feat within 1e-4; LAVIS's compute_sim_matrix (ITC top-k, then
 *     ITM class-1 logit + ITC similarity) reproduced entry by entry in both directions, with the
 *     same top-k sets;
 *   - VQA: AlbefVQA.predict_answers (answer-list ranking) gives the same answer for every question,
 *     and each second-stage candidate's score (-decoder loss, label smoothing 0.1) is LAVIS's
 *     within 1e-4.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FamilyAdapter, InferenceContext, PreparedMedia } from '../../../models/capabilities.js';
import { maxAbsDiff } from './parity-helpers.js';
import { loadModel, type LoadedModel } from '../../../models/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../fixtures/models/lavis-tiny');
const TOL = 1e-4;
/** compute_sim_matrix's value for pairs outside an image's (or text's) top k. */
const NOT_RANKED = -100;

interface Tensor {
  shape: number[];
  data: number[];
}
interface CaseRecord {
  status: 'ok' | 'error';
  model?: string;
  traceback?: string;
  inputs: Record<string, unknown>;
  tensors: Record<string, Tensor>;
  answers?: string[];
}
const expected = JSON.parse(readFileSync(resolve(ROOT, 'expected.json'), 'utf8')) as { cases: Record<string, CaseRecord> };
const ctx: InferenceContext = { time: (_stage, fn) => fn() };

/** Row i of a [N, 3, H, W] fixture tensor as the adapter's prepared image (what prepare() returns). */
function imagesOf(pixels: Tensor): PreparedMedia[] {
  const [count, ...dims] = pixels.shape as [number, number, number, number];
  const size = pixels.data.length / count;
  return Array.from({ length: count }, (_, i) => ({
    modality: 'image' as const,
    data: Float32Array.from(pixels.data.slice(i * size, (i + 1) * size)),
    dims,
    path: `fixture-image-${i}`,
  }));
}

function caseOf(name: string): { record: CaseRecord; path: string } {
  const record = expected.cases[name];
  if (record === undefined) throw new Error(`${name}: no record in lavis-tiny/expected.json`);
  if (record.status !== 'ok') throw new Error(`${name}: LAVIS side failed when the fixtures were made:\n${record.traceback}`);
  return { record, path: resolve(ROOT, record.model!) };
}

async function withModel(path: string, body: (adapter: FamilyAdapter) => Promise<void>): Promise<void> {
  const loaded: LoadedModel = await loadModel(path, { device: 'cpu', verifyDigests: true });
  try {
    await body(loaded.adapter);
  } finally {
    await loaded.adapter.dispose();
  }
}

/** Indices of the k largest values (ties by index), as a sorted set for comparison. */
function topK(values: readonly number[], k: number): number[] {
  return values
    .map((v, i) => ({ v, i }))
    .sort((a, b) => b.v - a.v || a.i - b.i)
    .slice(0, k)
    .map((e) => e.i)
    .sort((a, b) => a - b);
}

const retrieval = suite('LAVIS parity: ALBEF retrieval (compute_sim_matrix)');
{
  const { record, path } = caseOf('albef-retrieval');
  const images = imagesOf(record.inputs['pixel_values'] as Tensor);
  const texts = record.inputs['texts'] as string[];
  const k = record.inputs['k_test'] as number;
  const i2t = record.tensors['score_matrix_i2t']!.data;
  const t2i = record.tensors['score_matrix_t2i']!.data;

  retrieval('the exported model loads with digests verified, as family albef', async () => {
    await withModel(path, async (adapter) => {
      assert.is(adapter.family, 'albef');
      assert.ok(adapter.retrieval, 'retrieval capability');
    });
  });

  retrieval('image_feat and text_feat within 1e-4 of LAVIS', async () => {
    await withModel(path, async (adapter) => {
      const imageFeat = (await adapter.retrieval!.embedImages(images, ctx)).flatMap((e) => Array.from(e.data));
      const textFeat = (await adapter.retrieval!.embedTexts(texts, ctx)).flatMap((e) => Array.from(e));
      assert.ok(maxAbsDiff(imageFeat, record.tensors['image_feat']!.data) < TOL, 'image_feat');
      assert.ok(maxAbsDiff(textFeat, record.tensors['text_feat']!.data) < TOL, 'text_feat');
    });
  });

  retrieval('ITC top-k sets and ITM + ITC re-rank scores equal LAVIS score_matrix_i2t and _t2i', async () => {
    await withModel(path, async (adapter) => {
      const r = adapter.retrieval!;
      const sims = await r.similarities(await r.embedImages(images, ctx), await r.embedTexts(texts, ctx));
      const at = (i: number, t: number) => sims[i * texts.length + t]!;
      const check = async (direction: string, rows: number, cols: number, pair: (row: number, col: number) => [number, number], want: number[]) => {
        for (let row = 0; row < rows; row++) {
          const contrastive = Array.from({ length: cols }, (_, col) => at(...pair(row, col)));
          const top = topK(contrastive, k);
          const lavisTop = want.slice(row * cols, (row + 1) * cols).flatMap((v, col) => (v === NOT_RANKED ? [] : [col]));
          assert.equal(top, lavisTop, `${direction} row ${row}: top-${k} set`);
          const matched = await r.matchScores(top.map((col) => ({ image: images[pair(row, col)[0]]!, text: texts[pair(row, col)[1]]! })), ctx);
          const scores = top.map((col, j) => matched[j]! + contrastive[col]!);
          const lavis = top.map((col) => want[row * cols + col]!);
          assert.ok(maxAbsDiff(scores, lavis) < TOL, `${direction} row ${row}: ${scores} vs ${lavis}`);
        }
      };
      await check('i2t', images.length, texts.length, (row, col) => [row, col], i2t);
      await check('t2i', texts.length, images.length, (row, col) => [col, row], t2i);
    });
  });
}
retrieval.run();

const vqa = suite('LAVIS parity: ALBEF VQA (predict_answers, rank)');
{
  const { record, path } = caseOf('albef-vqa');
  const images = imagesOf(record.inputs['pixel_values'] as Tensor);
  const questions = record.inputs['questions'] as string[];
  const answerList = record.inputs['answer_list'] as string[];
  const k = record.inputs['num_ans_candidates'] as number;

  vqa('the LAVIS answers are not all one answer (the fixture can tell rankings apart)', () => {
    assert.ok(new Set(record.answers).size >= 3, `answers ${record.answers}`);
  });

  vqa('rankAnswers picks LAVIS predict_answers answer for every question', async () => {
    await withModel(path, async (adapter) => {
      assert.ok(adapter.answerRanking, 'vqa-rank capability');
      const requests = questions.map((question, i) => ({ image: images[i]!, question, template: '{question}' }));
      const ranked = await adapter.answerRanking!.rankAnswers(requests, answerList, k, ctx);
      assert.equal(
        ranked.map((r) => r.answer),
        record.answers,
      );
      const scores = record.tensors['answer_scores']!;
      ranked.forEach((r, q) => {
        assert.is(r.candidates.length, k, 'candidates that reached the second stage');
        const mine = r.candidates.map((c) => c.score);
        const lavis = r.candidates.map((c) => scores.data[q * answerList.length + answerList.indexOf(c.answer)]!);
        assert.ok(maxAbsDiff(mine, lavis) < TOL, `question ${q}: candidate scores ${mine} vs LAVIS ${lavis}`);
      });
    });
  });
}
vqa.run();
