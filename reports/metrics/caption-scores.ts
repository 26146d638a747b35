/**
 * The COCO caption metrics in one call, as pycocoevalcap's COCOEvalCap computes them for the
 * images of a results file: both sides PTB-tokenized (two tokenizer runs, references in image
 * order then each image's captions in order, predictions in image order), then BLEU-1..4,
 * ROUGE-L and CIDEr-D on pycocoevalcap's scale (fractions; CIDEr about 1.3 for a good model).
 * METEOR and SPICE need Java jars that are not available and are not approximated.
 */
import { computeBleu } from './bleu.js';
import { buildNgramCorpus } from './caption-ngrams.js';
import { computeCiderD } from './cider-d.js';
import { ptbTokenizeBatch } from './ptb-tokenize.js';
import { computeRougeL } from './rouge-l.js';

/** 'ptb': pycocoevalcap's PTBTokenizer normalisation; 'none': captions are already tokenized. */
export type CaptionTokenization = 'ptb' | 'none';

export interface CaptionMetricValues {
  Bleu_1: number;
  Bleu_2: number;
  Bleu_3: number;
  Bleu_4: number;
  ROUGE_L: number;
  CIDEr: number;
}

export interface CaptionScores {
  /** pycocoevalcap keys and scale: fractions; CIDEr is ~1.3 for a good model. */
  readonly metrics: CaptionMetricValues;
  /** Per image id, the same keys (BLEU per image as pycocoevalcap's per-image list). */
  readonly perImage: ReadonlyMap<string, CaptionMetricValues>;
}

/** Metric names pycocoevalcap reports that vlbench cannot compute here, with the reason. */
export const UNAVAILABLE_CAPTION_METRICS: Readonly<Record<string, string>> = {
  METEOR: 'METEOR needs meteor-1.5.jar (Java), which cannot be obtained here; vlbench does not approximate it',
  SPICE: 'SPICE needs spice-1.0.jar and Stanford CoreNLP 3.6.0 (Java), which cannot be obtained here; vlbench does not approximate it',
};

interface AlignedCorpus {
  readonly ids: readonly string[];
  readonly references: readonly (readonly string[])[];
  readonly predictions: readonly string[];
}

/** Checks that both sides cover the same images; images come in `predictions` order. */
function align(
  references: ReadonlyMap<string, readonly string[]>,
  predictions: ReadonlyMap<string, string>,
): AlignedCorpus {
  if (predictions.size === 0) throw new RangeError('caption scores: no predictions to score');
  const ids: string[] = [];
  const refs: (readonly string[])[] = [];
  const preds: string[] = [];
  for (const [id, prediction] of predictions) {
    const imageRefs = references.get(id);
    if (imageRefs === undefined) {
      throw new RangeError(`caption scores: image id "${id}" has a prediction but no references; remove the prediction or add its references`);
    }
    if (imageRefs.length === 0) {
      throw new RangeError(`caption scores: image id "${id}" has zero references; every scored image needs at least one`);
    }
    if (typeof prediction !== 'string') throw new TypeError(`caption scores: the prediction for image id "${id}" is not a string`);
    ids.push(id);
    refs.push(imageRefs);
    preds.push(prediction);
  }
  for (const id of references.keys()) {
    if (!predictions.has(id)) {
      throw new RangeError(`caption scores: image id "${id}" has references but no prediction; every image with references needs one prediction`);
    }
  }
  return { ids, references: refs, predictions: preds };
}

function tokenize(corpus: AlignedCorpus, mode: CaptionTokenization): AlignedCorpus {
  switch (mode) {
    case 'none':
      return corpus;
    case 'ptb': {
      const flat = ptbTokenizeBatch(corpus.references.flat());
      let next = 0;
      const references = corpus.references.map((refs) => refs.map(() => flat[next++]!));
      return { ids: corpus.ids, references, predictions: ptbTokenizeBatch(corpus.predictions) };
    }
    default: {
      const never: never = mode;
      throw new RangeError(`caption scores: unknown tokenization ${JSON.stringify(never)}; use 'ptb' or 'none'`);
    }
  }
}

export function scoreCaptions(
  references: ReadonlyMap<string, readonly string[]>,
  predictions: ReadonlyMap<string, string>,
  options?: { tokenize?: CaptionTokenization },
): CaptionScores {
  const corpus = tokenize(align(references, predictions), options?.tokenize ?? 'ptb');
  const ngrams = buildNgramCorpus(corpus.references, corpus.predictions);
  const bleu = computeBleu(ngrams);
  const rouge = computeRougeL(corpus.references, corpus.predictions);
  const cider = computeCiderD(ngrams);
  const perImage = new Map<string, CaptionMetricValues>();
  corpus.ids.forEach((id, i) => {
    perImage.set(id, {
      Bleu_1: bleu.perImage[0][i]!,
      Bleu_2: bleu.perImage[1][i]!,
      Bleu_3: bleu.perImage[2][i]!,
      Bleu_4: bleu.perImage[3][i]!,
      ROUGE_L: rouge.perImage[i]!,
      CIDEr: cider.perImage[i]!,
    });
  });
  const [b1, b2, b3, b4] = bleu.corpus;
  return { metrics: { Bleu_1: b1, Bleu_2: b2, Bleu_3: b3, Bleu_4: b4, ROUGE_L: rouge.corpus, CIDEr: cider.corpus }, perImage };
}
