/**
 * Retrieval's gallery: every image of the split and every caption, embedded once. Every shard
 * embeds the whole gallery (queries are ranked against all of it) but later re-ranks only its
 * own share of queries. Images that cannot be read leave the gallery with their captions and are
 * recorded as failed queries.
 */
import pLimit from 'p-limit';
import type { RetrievalSample } from '../../datasets/samples.js';
import type { ImageEmbedding, PreparedMedia } from '../../models/capabilities.js';
import type { FailedPrediction } from '../../reports/records.js';
import { inShard, taskItems } from '../run/samples.js';
import { SampleFailedError, type TaskContext } from './context.js';
import type { PreparedMediaCache } from './media-cache.js';
import { failedRecord, preparationFailure } from './sample-loop.js';

export interface GalleryImage {
  readonly sample: RetrievalSample;
  /** Position in the dataset order (sample index). */
  readonly index: number;
  readonly embedding: ImageEmbedding;
  /** Positions of this image's captions in `texts`. */
  readonly texts: number[];
}

export interface GalleryText {
  readonly id: string;
  readonly text: string;
  /** Position of the caption over the whole split, in dataset order (sharding, ordering). */
  readonly index: number;
  /** Position of its image in `images`. */
  readonly image: number;
  embedding: Float32Array;
}

export interface Gallery {
  readonly images: GalleryImage[];
  readonly texts: GalleryText[];
  readonly failures: FailedPrediction[];
  /** Queries of this shard: its images and captions, whether they can be read or not. */
  readonly requested: number;
  /** Images in the split as loaded (after the limit, every shard), read or not. */
  readonly splitImages: number;
}

function failure(ctx: TaskContext, record: FailedPrediction): FailedPrediction | undefined {
  if (ctx.failFast) throw new SampleFailedError(`${ctx.plan.task.id}, sample ${record.sampleId} (${record.location}): ${record.reason}`);
  const key = `${record.direction ?? ''}:${record.sampleId}`;
  if (ctx.done.has(key)) return undefined;
  ctx.emit({ type: 'sample-failed', model: ctx.model.id, task: ctx.plan.task.id, sampleId: record.sampleId, reason: record.reason, location: record.location });
  return record;
}

async function readSplit(ctx: TaskContext): Promise<{ samples: { index: number; sample: RetrievalSample; textIndex: number }[]; failures: FailedPrediction[]; requested: number; splitImages: number }> {
  const samples: { index: number; sample: RetrievalSample; textIndex: number }[] = [];
  const failures: FailedPrediction[] = [];
  let textIndex = 0;
  let requested = 0;
  let splitImages = 0;
  for await (const { index, item } of taskItems(ctx.plan, ctx.settings.limit, null)) {
    splitImages += 1;
    if (inShard(index, ctx.shard)) requested += 1;
    if (item.kind === 'failure') {
      if (!inShard(index, ctx.shard)) continue;
      const record = failure(ctx, { ...failedRecord(ctx, index, item.id, item.reason, `${item.source.file}:${item.source.at}`), direction: 'i2t' });
      if (record) failures.push(record);
      continue;
    }
    if (item.kind !== 'retrieval') throw new SampleFailedError(`${ctx.plan.task.id}: a retrieval task needs retrieval samples, the loader gave ${item.kind}`);
    samples.push({ index, sample: item, textIndex });
    item.captions.forEach((_, j) => {
      if (inShard(textIndex + j, ctx.shard)) requested += 1;
    });
    textIndex += item.captions.length;
  }
  return { samples, failures, requested, splitImages };
}

/**
 * An image prepared (through the cache re-ranking reads again) and digested, for the records of
 * its queries; an image that cannot be read for either leaves the gallery.
 */
async function prepareImage(ctx: TaskContext, cache: PreparedMediaCache, sample: RetrievalSample): Promise<{ ok: true; m: PreparedMedia } | { ok: false; e: Error }> {
  try {
    return { ok: true, m: await ctx.mediaDigests.alongside([sample.media.path], () => cache.get(sample.media)) };
  } catch (e) {
    return { ok: false, e: e as Error };
  }
}

/**
 * Every image and caption embedded, `batchSize` to a call: the adapter runs each call's inputs as
 * one ONNX batch, so the suite's batchSize is the batch of the vision and text encoders here too.
 * `check` sees the split before anything is embedded (kTest against the gallery's size).
 */
export async function buildGallery(ctx: TaskContext, cache: PreparedMediaCache, check: (splitImages: number) => void = () => {}): Promise<Gallery> {
  const retrieval = ctx.model.adapter.retrieval!;
  const { samples, failures, requested, splitImages } = await readSplit(ctx);
  check(splitImages);
  const images: GalleryImage[] = [];
  const texts: GalleryText[] = [];
  const limit = pLimit(ctx.prepareConcurrency);
  const batchSize = ctx.settings.batchSize;
  // A stop while the gallery is embedded ends it here (nothing of it is kept: a resume embeds again).
  for (let start = 0; start < samples.length && !ctx.signal.aborted; start += batchSize) {
    const batch = samples.slice(start, start + batchSize);
    const prepared = await Promise.all(batch.map((s) => limit(() => prepareImage(ctx, cache, s.sample))));
    const ok = batch.flatMap((s, i) => {
      const result = prepared[i]!;
      if (result.ok) return [{ s, media: result.m }];
      const reason = preparationFailure(s.sample.media.path, result.e);
      if (inShard(s.index, ctx.shard)) {
        const record = failure(ctx, { ...failedRecord(ctx, s.index, s.sample.id, reason, s.sample.media.path), direction: 'i2t' });
        if (record) failures.push(record);
      }
      s.sample.captions.forEach((_, j) => {
        if (!inShard(s.textIndex + j, ctx.shard)) return;
        const record = failure(ctx, { ...failedRecord(ctx, s.textIndex + j, `${s.sample.id}#${j}`, `its image failed: ${reason}`, s.sample.media.path), direction: 't2i' });
        if (record) failures.push(record);
      });
      return [];
    });
    const embeddings = ok.length > 0 ? await retrieval.embedImages(ok.map((o) => o.media), ctx.clock) : [];
    ok.forEach(({ s }, i) => {
      const image = images.length;
      const captionPositions = s.sample.captions.map((text, j) => {
        texts.push({ id: `${s.sample.id}#${j}`, text, index: s.textIndex + j, image, embedding: new Float32Array(0) });
        return texts.length - 1;
      });
      images.push({ sample: s.sample, index: s.index, embedding: embeddings[i]!, texts: captionPositions });
    });
  }
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const embeddings = await retrieval.embedTexts(batch.map((t) => t.text), ctx.clock);
    batch.forEach((t, i) => {
      t.embedding = embeddings[i]!;
    });
  }
  return { images, texts, failures, requested, splitImages };
}
