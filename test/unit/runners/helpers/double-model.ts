/**
 * A deterministic test double of a family adapter (tests only; production has no fake models).
 * It "sees" the mean colour of an image (decoded with sharp, so unreadable images fail the way
 * real preprocessing fails) and answers from it: captions "a <colour> square", answers the
 * colour, ranks choices that name it first. Retrieval embeddings are soft colour histograms;
 * the BLIP-2 double has two query vectors so the max-over-queries similarity is exercised.
 * Capabilities come from a small JSON "manifest" (test/fixtures/runs-runner/models/*.json).
 *
 * Env VLBENCH_DOUBLE_LOG=FILE appends one line per answered sample (`<model> <capability> <path>`), so
 * tests can tell what a run computed; VLBENCH_DOUBLE_DELAY_MS slows each model call and
 * VLBENCH_DOUBLE_PREPARE_DELAY_MS each media preparation;
 * VLBENCH_DOUBLE_REFUSE=TEXT makes every per-sample call (caption, answer, instruction) whose batch
 * holds a path containing TEXT throw, as a real model refuses an input it cannot take. Under
 * doSample, captions and answers gain a word drawn the way the real sampler draws (per call).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { FamilyAdapter, FamilyName, Generation, ImageEmbedding, InferenceContext, MediaInput, PreparedMedia } from '../../../../models/capabilities.js';
import type { LoadedModel, LoadOptions } from '../../../../models/load.js';
import type { GenerationConfig } from '../../../../models/generation/config.js';
import { createPrng } from '../../../../models/generation/prng.js';

const PALETTE: Record<string, readonly [number, number, number]> = {
  red: [220, 20, 20], green: [20, 160, 20], blue: [20, 20, 220], yellow: [230, 220, 20], white: [245, 245, 245], black: [10, 10, 10],
};
const NAMES = Object.keys(PALETTE);

interface DoubleManifest {
  readonly testDouble: { family: FamilyName; id: string; variant: string; capabilities: string[]; queries: number };
}

function normalise(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function histogram(rgb: ArrayLike<number>): Float32Array {
  const d = NAMES.map((n) => Math.hypot(...PALETTE[n]!.map((c, i) => c / 255 - rgb[i]!)));
  return normalise(Float32Array.from(d, (x) => Math.exp(-4 * x)));
}

function colourOf(media: PreparedMedia): string {
  const h = histogram(media.data);
  return NAMES[h.indexOf(Math.max(...h))]!;
}

function textVector(text: string): Float32Array {
  const digest = createHash('sha256').update(text).digest();
  return normalise(Float32Array.from(NAMES, (n, i) => (text.includes(n) ? 1 : 0) + digest[i]! / 2550));
}

/** The contrastive similarity of ALBEF/BLIP (one query vector) and BLIP-2 (the max over its queries). */
export function maxOverQueries(image: ImageEmbedding, text: Float32Array): number {
  return Math.max(...Array.from({ length: image.queries }, (_, q) => dot(image.data, text, q * image.dim)));
}

function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function log(model: string, capability: string, paths: readonly string[]): void {
  const file = process.env.VLBENCH_DOUBLE_LOG;
  if (file) appendFileSync(file, paths.map((p) => `${model} ${capability} ${p}\n`).join(''));
}

async function call<T>(model: string, ctx: InferenceContext, capability: string, paths: readonly string[], fn: () => T): Promise<T> {
  return ctx.time('decode', async () => {
    const delay = Number(process.env.VLBENCH_DOUBLE_DELAY_MS ?? 0);
    if (delay > 0) await sleep(delay);
    const refuse = process.env.VLBENCH_DOUBLE_REFUSE;
    const refused = refuse && !capability.startsWith('embed') && capability !== 'matchScores' ? paths.find((p) => p.includes(refuse)) : undefined;
    if (refused !== undefined) throw new Error(`the double refuses ${refused}`);
    log(model, capability, paths);
    return fn();
  });
}

function generation(text: string): Generation {
  return { text, tokenIds: text.split(' ').map((_, i) => i + 1) };
}

/**
 * Under doSample, one colour word per row drawn from a stream seeded once per call, as the real
 * sampler is (models/generation/prng.ts): the word depends on the call and the row, so only
 * per-sample calls make it reproducible. Undefined when not sampling.
 */
function sampledWords(config: GenerationConfig, rows: number): string[] | undefined {
  if (!config.doSample) return undefined;
  const prng = createPrng(config.seed);
  return Array.from({ length: rows }, () => NAMES[Math.floor(prng.next() * NAMES.length)]!);
}

function withSample(text: string, words: string[] | undefined, row: number): string {
  return words === undefined ? text : `${text} ${words[row]}`;
}

export function doubleAdapter(spec: DoubleManifest['testDouble']): FamilyAdapter {
  const has = (c: string): boolean => spec.capabilities.includes(c);
  const embed = (m: PreparedMedia): ImageEmbedding => {
    const base = histogram(m.data);
    const data = new Float32Array(spec.queries * base.length);
    for (let q = 0; q < spec.queries; q++) data.set(q === 0 ? base : normalise(base.map((x, i) => x * (1 + 0.3 * ((i + q) % 2)))), q * base.length);
    return { queries: spec.queries, dim: base.length, data };
  };
  return {
    family: spec.family, variant: spec.variant, id: spec.id, modalities: ['image'],
    defaults: { retrieval: { kTest: 128, maxTextLength: 35 }, vqa: { promptTemplate: spec.family === 'blip2' ? 'Question: {} Short answer:' : '{}', generation: { numBeams: 5, doSample: false, maxLength: 10, minLength: 1, lengthPenalty: -1, repetitionPenalty: 1, noRepeatNgramSize: 0, earlyStopping: false, topK: 50, topP: 1, temperature: 1, seed: 0 }, numAnswerCandidates: 128 } },
    async prepare(media: MediaInput, ctx) {
      return ctx.time('preprocess', async () => {
        if (media.modality !== 'image') throw new Error(`the double reads images, got ${media.modality}`);
        const delay = Number(process.env.VLBENCH_DOUBLE_PREPARE_DELAY_MS ?? 0);
        if (delay > 0) await sleep(delay);
        const { data, info } = await sharp(media.path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const mean = [0, 0, 0];
        for (let i = 0; i < data.length; i++) mean[i % 3]! += data[i]! / 255 / (info.width * info.height);
        return { modality: 'image', data: Float32Array.from(mean), dims: [3], path: media.path };
      });
    },
    retrieval: has('retrieval') ? {
      embedImages: (images, ctx) => call(spec.id, ctx, 'embedImages', images.map((i) => i.path), () => images.map(embed)),
      embedTexts: (texts, ctx) => call(spec.id, ctx, 'embedTexts', texts, () => texts.map(textVector)),
      similarities: async (images, texts) => Float32Array.from(images.flatMap((image) => texts.map((text) => maxOverQueries(image, text)))),
      matchScores: (pairs, ctx) => call(spec.id, ctx, 'matchScores', pairs.map((p) => `${p.image.path}|${p.text}`), () => pairs.map((p) => 3 * dot(histogram(p.image.data), textVector(p.text)) - 1)),
    } : undefined,
    captioning: has('captioning') ? {
      caption: (requests, config, ctx) => call(spec.id, ctx, 'caption', requests.map((r) => r.image.path), () => {
        const words = sampledWords(config, requests.length);
        return requests.map((r, i) => generation(withSample(`a ${colourOf(r.image)} square`, words, i)));
      }),
    } : undefined,
    answerRanking: has('answerRanking') ? {
      rankAnswers: (requests, list, _n, ctx) => call(spec.id, ctx, 'rankAnswers', requests.map((r) => r.image.path), () => requests.map((r) => {
        const answer = list.includes(colourOf(r.image)) ? colourOf(r.image) : list[0]!;
        return { answer, candidates: [{ answer, score: 0 }] };
      })),
    } : undefined,
    answerGeneration: has('answerGeneration') ? {
      answer: (requests, config, ctx) => call(spec.id, ctx, 'answer', requests.map((r) => r.image.path), () => {
        const words = sampledWords(config, requests.length);
        return requests.map((r, i) => generation(withSample(colourOf(r.image), words, i)));
      }),
    } : undefined,
    instruction: has('instruction') ? {
      generate: (requests, _config, ctx) => call(spec.id, ctx, 'generate', requests.map((r) => r.media[0]!.path), () => requests.map((r) => generation(colourOf(r.media[0]!)))),
      scoreCandidates: (requests, candidates, ctx) => call(spec.id, ctx, 'scoreCandidates', requests.map((r) => r.media[0]!.path), () => requests.map((r, i) => candidates[i]!.map((c, j) => (c.includes(colourOf(r.media[0]!)) ? -1 : -5 - j / 100)))),
    } : undefined,
    async dispose() {},
  };
}

/** The ModelLoader the runner gets in tests. */
export async function loadDouble(manifestPath: string, options: LoadOptions): Promise<LoadedModel> {
  const text = readFileSync(manifestPath, 'utf8');
  const spec = (JSON.parse(text) as DoubleManifest).testDouble;
  return {
    adapter: doubleAdapter(spec), id: spec.id, family: spec.family, variant: spec.variant, manifestPath,
    manifestSha256: createHash('sha256').update(text).digest('hex'), graphs: {}, tokenizers: {}, digestsVerified: options.verifyDigests,
    provider: { requested: options.device, used: 'cpu', skipped: [] },
  };
}

const fixtures = new URL('../../../fixtures/runs-runner/', import.meta.url);

export function doubleModels(): ReadonlyMap<string, string> {
  return new Map(['albef', 'blip', 'blip2', 'instructblip'].map((f) => [`double-${f}`, new URL(`models/${f}.json`, fixtures).pathname]));
}

export const FIXTURE_SUITE = new URL('suite.suite.json', fixtures).pathname;

/** Runs `fn` with VLBENCH_DOUBLE_REFUSE=text: the double refuses every batch holding a path containing `text`. */
export async function withRefusal<T>(text: string, fn: () => Promise<T>): Promise<T> {
  process.env.VLBENCH_DOUBLE_REFUSE = text;
  try {
    return await fn();
  } finally {
    delete process.env.VLBENCH_DOUBLE_REFUSE;
  }
}
