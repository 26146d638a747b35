/**
 * Image-text retrieval exactly as LAVIS (model-contracts §1.4): contrastive similarity of every
 * image with every text (the family's similarity; BLIP-2 takes the max over its query vectors),
 * visited in blocks while keeping only each query's top k; the top k re-ranked by the matching
 * head; final score = ITM logit + ITC similarity in float32, every other entry -100; the rank of
 * the best ground truth in that row (numpy's argsort tie order, via the metrics module).
 * Image->text and text->image; a shard re-ranks only its share of queries.
 */
import { bestTargetRank } from '../../reports/metrics/recall-at-k.js';
import { numpyArgsortDescending } from '../../reports/metrics/numpy-argsort.js';
import { firstNonFinite, nonFiniteHint } from '../../models/generation/finite.js';
import type { RetrievalPrediction } from '../../reports/records.js';
import { kTestFix } from '../run/datasets-ahead.js';
import { PlanError } from '../run/plan.js';
import { inShard } from '../run/samples.js';
import type { TaskContext } from './context.js';
import { buildGallery, type Gallery } from './retrieval-gallery.js';
import { PreparedMediaCache } from './media-cache.js';
import type { LoopResult } from './sample-loop.js';
import { sweepTopK } from './similarity-sweep.js';
import { TopK } from './top-k.js';

/** Candidate pairs re-ranked together (see runRetrieval): 256 queries at LAVIS's k_test 256. */
const RERANK_CHUNK_PAIRS = 65_536;
const CACHE_BYTES = 512 * 1024 * 1024;
/** LAVIS fills the score matrix with -100 outside each query's top k. */
const FILL = -100;

interface Query {
  readonly direction: 'i2t' | 't2i';
  /** Position in gallery.images (i2t) or gallery.texts (t2i). */
  readonly position: number;
  readonly top: TopK;
}

function selectQueries(ctx: TaskContext, gallery: Gallery, k: number): { i2t: Map<number, Query>; t2i: Map<number, Query> } {
  const i2t = new Map<number, Query>();
  const t2i = new Map<number, Query>();
  gallery.images.forEach((image, position) => {
    if (inShard(image.index, ctx.shard) && !ctx.done.has(`i2t:${image.sample.id}`)) i2t.set(position, { direction: 'i2t', position, top: new TopK(Math.min(k, gallery.texts.length)) });
  });
  gallery.texts.forEach((text, position) => {
    if (inShard(text.index, ctx.shard) && !ctx.done.has(`t2i:${text.id}`)) t2i.set(position, { direction: 't2i', position, top: new TopK(Math.min(k, gallery.images.length)) });
  });
  return { i2t, t2i };
}

/** The contrastive sweep over the gallery, both directions' top k at once. */
function sweep(ctx: TaskContext, gallery: Gallery, i2t: Map<number, Query>, t2i: Map<number, Query>): Promise<boolean> {
  const retrieval = ctx.model.adapter.retrieval!;
  return sweepTopK({
    similarities: async (images, texts) => requireFinite(ctx, 'contrastive sweep', 'similarity', 'the image and text feature outputs (image_feat, text_feat)', await retrieval.similarities(images, texts)),
    images: gallery.images.map((image) => image.embedding),
    texts: gallery.texts.map((text) => text.embedding),
    imageTops: gallery.images.map((_, i) => i2t.get(i)?.top),
    textTops: gallery.texts.map((_, t) => t2i.get(t)?.top),
    signal: ctx.signal,
  });
}

/**
 * A NaN score would otherwise surface later as the metrics module's bare "score at index 1 is
 * NaN", naming no model, stage or graph (findings: models #2).
 */
export function requireFinite<T extends ArrayLike<number>>(ctx: Pick<TaskContext, 'model' | 'plan'>, stage: string, what: string, graphs: string, scores: T): T {
  const i = firstNonFinite(scores);
  if (i >= 0) throw new Error(`${ctx.model.id}: retrieval task '${ctx.plan.task.id}', ${stage}: ${what} ${i} of the batch is ${String(scores[i])}; it comes from ${graphs}: ${nonFiniteHint('that graph')}`);
  return scores;
}

/** One candidate pair of a query: where its image and text are, and where its score goes. */
interface PairSlot {
  readonly imagePos: number;
  readonly textPos: number;
  readonly slot: number;
}

/**
 * The matching head on every candidate pair of the queries, in image order, `batchSize` pairs to
 * a call (the adapter runs each call as one ONNX batch), fetching each call's images only then.
 * Text->image candidates are spread over the whole gallery; taken query by query, a gallery the
 * prepared-image cache cannot hold (COCO 5k at 384 px) was prepared and encoded again for nearly
 * every query. In image order each image is prepared and encoded about once per chunk of queries.
 */
async function matchScoresByImage(ctx: TaskContext, gallery: Gallery, pairs: readonly PairSlot[], cache: PreparedMediaCache, batchSize: number): Promise<Float64Array | null> {
  const scores = new Float64Array(pairs.length);
  const order = [...pairs].sort((a, b) => a.imagePos - b.imagePos || a.slot - b.slot);
  for (let start = 0; start < order.length; start += batchSize) {
    // A chunk can be minutes of matching-head calls: Ctrl-C stops it here, and resume redoes it.
    if (ctx.signal.aborted) return null;
    const slice = order.slice(start, start + batchSize);
    const images = await Promise.all(slice.map((p) => cache.get(gallery.images[p.imagePos]!.sample.media)));
    const itm = await ctx.model.adapter.retrieval!.matchScores(slice.map((p, n) => ({ image: images[n]!, text: gallery.texts[p.textPos]!.text })), ctx.clock);
    requireFinite(ctx, 'matching-head re-rank', 'ITM score', "the matching head's graph (fusion_encoder itm_logits, qformer_itm itm_score)", itm);
    slice.forEach((p, n) => (scores[p.slot] = itm[n]!));
  }
  return scores;
}

async function rerank(ctx: TaskContext, gallery: Gallery, queries: readonly Query[], cache: PreparedMediaCache, batchSize: number): Promise<RetrievalPrediction[] | null> {
  const candidates = queries.map((q) => q.top.sorted());
  const pairs: PairSlot[] = [];
  for (const [n, query] of queries.entries()) {
    for (const candidate of candidates[n]!) {
      const [imagePos, textPos] = query.direction === 'i2t' ? [query.position, candidate.index] : [candidate.index, query.position];
      pairs.push({ imagePos, textPos, slot: pairs.length });
    }
  }
  const itm = await matchScoresByImage(ctx, gallery, pairs, cache, batchSize);
  if (itm === null) return null;
  let next = 0;
  return queries.map((query, n) => {
    const rowLength = query.direction === 'i2t' ? gallery.texts.length : gallery.images.length;
    const row = new Float32Array(rowLength).fill(FILL);
    const final = candidates[n]!.map((c) => ({ index: c.index, score: Math.fround(Math.fround(itm[next++]!) + c.score) }));
    for (const f of final) row[f.index] = f.score;
    return prediction(ctx, gallery, query, row, topOrder(final, row));
  });
}

/**
 * The best (at most 10) candidates in the order the rank is computed in: numpy's argsort of the
 * row, whose order among equal scores (identical captions) is not the index order. Sorting the
 * whole row is only needed when the candidates tie.
 */
export function topOrder(final: readonly { index: number; score: number }[], row: Float32Array): number[] {
  const order = [...final].sort((a, b) => b.score - a.score || a.index - b.index);
  const shown = Math.min(10, order.length);
  const ties = order.slice(0, shown + 1).some((o, i) => i > 0 && o.score === order[i - 1]!.score);
  if (!ties) return order.slice(0, shown).map((o) => o.index);
  return Array.from(numpyArgsortDescending(row).subarray(0, shown));
}

function prediction(ctx: TaskContext, gallery: Gallery, query: Query, row: Float32Array, top: number[]): RetrievalPrediction {
  const base = { kind: 'retrieval' as const, model: ctx.model.id, task: ctx.plan.task.id, direction: query.direction, latencyMs: 0 };
  if (query.direction === 'i2t') {
    const image = gallery.images[query.position]!;
    return {
      ...base, sampleId: image.sample.id, sampleIndex: image.index, rank: bestTargetRank(row, image.texts, 10),
      top: top.map((t) => gallery.texts[t]!.id), groundTruth: image.texts.map((t) => gallery.texts[t]!.id), media: [image.sample.media.path],
    };
  }
  const text = gallery.texts[query.position]!;
  const image = gallery.images[text.image]!;
  return {
    ...base, sampleId: text.id, sampleIndex: text.index, rank: bestTargetRank(row, [text.image], 10),
    top: top.map((i) => gallery.images[i]!.sample.id), groundTruth: [image.sample.id], media: [image.sample.media.path],
  };
}

/**
 * LAVIS's top-k needs k_test at most the gallery (torch.topk fails beyond it): a split smaller
 * than kTest stops the task before anything is embedded, at the suite's pointer. A limit smaller
 * than kTest was already applied by planning (kTest capped and recorded). Images that fail to
 * load only shrink the gallery the queries rank; they are recorded as failed queries.
 */
function checkKTest(ctx: TaskContext, k: number, splitImages: number): void {
  if (k <= splitImages) return;
  const index = ctx.plan.suite.resolved.tasks.findIndex((t) => t.id === ctx.plan.task.id);
  const pair = ctx.plan.perModel.get(ctx.model.id);
  const source = pair?.applicable ? pair.record.kTest?.source : undefined;
  const from = source === 'family-default' ? `, the family default in ${ctx.model.id}'s model.json,` : source === 'default' ? ", vlbench's default," : '';
  throw new PlanError([{
    file: ctx.plan.suite.file, pointer: `/tasks/${index}/kTest`,
    message: `${ctx.model.id}: kTest ${k}${from} is more than the ${splitImages} images of the gallery; ${kTestFix(splitImages)}`,
  }]);
}

export async function runRetrieval(ctx: TaskContext): Promise<LoopResult> {
  if (ctx.settings.kind !== 'retrieval') throw new Error('runRetrieval needs retrieval settings');
  const k = ctx.settings.kTest;
  const batchSize = ctx.settings.batchSize;
  const cache = new PreparedMediaCache(CACHE_BYTES, (media) => ctx.model.adapter.prepare(media, ctx.clock));
  const started = performance.now();
  const gallery = await buildGallery(ctx, cache, (splitImages) => checkKTest(ctx, k, splitImages));
  if (ctx.signal.aborted) return { done: 0, failed: 0, requested: gallery.requested, interrupted: true };
  const { i2t, t2i } = selectQueries(ctx, gallery, k);
  if (!(await sweep(ctx, gallery, i2t, t2i))) return { done: 0, failed: 0, requested: gallery.requested, interrupted: true };
  ctx.writer.write(gallery.failures, { phase: 'embed', samples: 0, failed: gallery.failures.length, wallMs: performance.now() - started, generatedTokens: 0, latenciesMs: [], stagesMs: ctx.clock.take() });
  const state = { done: 0, failed: gallery.failures.length };
  const queries = [...i2t.values(), ...t2i.values()];
  // Queries are re-ranked in chunks: the pairs of a chunk go through the matching head in image
  // order (matchScoresByImage), so a bigger chunk encodes each image fewer times; the records of a
  // chunk are written together, and a Ctrl-C or kill in a chunk costs that chunk.
  const chunk = Math.max(batchSize, Math.floor(RERANK_CHUNK_PAIRS / Math.max(1, k)));
  for (let start = 0; start < queries.length && !ctx.signal.aborted; start += chunk) {
    const batch = queries.slice(start, start + chunk);
    const batchStart = performance.now();
    const records = await rerank(ctx, gallery, batch, cache, batchSize);
    if (records === null) break;
    const wallMs = performance.now() - batchStart;
    const latency = wallMs / batch.length;
    ctx.writer.write(records.map((r) => ({ ...r, latencyMs: latency })), { phase: 'batch', samples: batch.length, failed: 0, wallMs, generatedTokens: 0, latenciesMs: batch.map(() => latency), stagesMs: ctx.clock.take() });
    state.done += batch.length;
    ctx.emit({ type: 'progress', model: ctx.model.id, task: ctx.plan.task.id, done: state.done, failed: state.failed });
  }
  return { ...state, requested: gallery.requested, interrupted: ctx.signal.aborted };
}
