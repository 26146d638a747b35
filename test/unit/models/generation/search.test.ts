/**
 * Greedy, beam search and sampling on a scripted Markov "model" whose next-token distribution
 * depends only on the last token; expectations are worked out by hand in the comments.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HF_DEFAULT_GENERATION, type GenerationConfig } from '../../../../models/generation/config.js';
import type { DecoderKind, StepDecoder, StepDecoderFactory, StepLogits } from '../../../../models/generation/decoder.js';
import { effectiveMaxLength, generate } from '../../../../models/generation/search.js';

// vocab: 0 pad, 1 eos, 2 A, 3 B, 4 P (prompt filler)
const EPS = 1e-6;
const TABLE: Record<string, number[]> = {
  start: [EPS, 0.1, 0.5, 0.4, EPS],
  2: [EPS, 0.25, 0.4, 0.35, EPS],
  3: [EPS, 0.9, 0.05, 0.05, EPS],
};
const VOCAB = 5;
const SPECIAL = { eosIds: [1], padId: 0 };

function markovFactory(kind: DecoderKind, initial: number[], inputs = 1): StepDecoderFactory {
  return {
    kind,
    inputs,
    initialIds: Array.from({ length: inputs }, () => initial),
    open: async (expansion): Promise<StepDecoder> => {
      const rows = inputs * expansion;
      let last: (number | null)[] = new Array(rows).fill(null);
      const logits = (): StepLogits => {
        const data = new Float32Array(rows * VOCAB);
        last.forEach((token, r) => {
          const probs = token === null || TABLE[token] === undefined ? TABLE['start']! : TABLE[token]!;
          probs.forEach((p, i) => (data[r * VOCAB + i] = Math.log(p)));
        });
        return { data, rows, vocab: VOCAB };
      };
      return {
        rows,
        first: async () => logits(),
        next: async (source, tokens) => {
          if (source !== null) last = source.map((s) => last[s]!);
          last = [...tokens];
          return logits();
        },
        dispose: () => undefined,
      };
    },
  };
}

const cfg = (over: Partial<GenerationConfig>): GenerationConfig => ({ ...HF_DEFAULT_GENERATION, ...over });

test('greedy follows the arg max until maxLength (decoder-only: new tokens only)', async () => {
  const [out] = await generate(markovFactory('decoder-only', []), cfg({ maxLength: 3 }), SPECIAL);
  assert.equal(out!.ids, [2, 2, 2]);
});

test('beam search finds [B, eos] with lengthPenalty 0, and [A, A, A] with lengthPenalty 1', async () => {
  // Step 1: A -0.693, B -0.916 (eos ranks 3rd of 4 -> skipped). Step 2: B->eos -1.021 finishes
  // [B]; A->A -1.609 and A->B -1.743 run on. Step 3: AB->eos -1.848 finishes [A,B]; AA->A -2.526,
  // AA->B -2.659 run on; max length 3. lp 0: best is [B] (-1.021). lp 1: [A,A,A] -0.842 beats
  // [A,A,B] -0.886, [A,B] -0.924 and [B] -1.021.
  const [raw] = await generate(markovFactory('decoder-only', []), cfg({ numBeams: 2, maxLength: 3, lengthPenalty: 0 }), SPECIAL);
  assert.equal(raw!.ids, [3, 1]);
  assert.ok(Math.abs(raw!.score! - (Math.log(0.4) + Math.log(0.9))) < 1e-5);
  const [norm] = await generate(markovFactory('decoder-only', []), cfg({ numBeams: 2, maxLength: 3, lengthPenalty: 1 }), SPECIAL);
  assert.equal(norm!.ids, [2, 2, 2]);
  assert.ok(Math.abs(norm!.score! - (Math.log(0.5) + 2 * Math.log(0.4)) / 3) < 1e-5);
});

test('minLength counts what the kind holds: decoder-only counts new tokens', async () => {
  // With minLength 2, EOS is masked while one token is held, so [B, eos] is impossible.
  const [out] = await generate(markovFactory('decoder-only', []), cfg({ numBeams: 2, maxLength: 3, lengthPenalty: 0, minLength: 2 }), SPECIAL);
  assert.ok(out!.ids.indexOf(1) === -1 || out!.ids.indexOf(1) >= 2, `EOS too early in ${out!.ids}`);
});

test('bert-decoder counts the prompt ids in minLength and maxLength', async () => {
  // Prompt of 2 ids: minLength 2 is already met, so [B, eos] is allowed; maxLength 4 = 2 new.
  const [a] = await generate(markovFactory('bert-decoder', [4, 4]), cfg({ numBeams: 2, maxLength: 4, lengthPenalty: 0, minLength: 2 }), SPECIAL);
  assert.equal(a!.ids, [4, 4, 3, 1]);
  assert.equal(a!.newIds, [3, 1]);
  const [g] = await generate(markovFactory('bert-decoder', [4, 4]), cfg({ maxLength: 4 }), SPECIAL);
  assert.equal(g!.ids, [4, 4, 2, 2]);
});

test('encoder-decoder: maxNewTokens counts from the start token; minLength includes it', async () => {
  assert.is(effectiveMaxLength(cfg({ maxNewTokens: 3 }), 1), 4);
  const [g] = await generate(markovFactory('encoder-decoder', [0]), cfg({ maxNewTokens: 3 }), SPECIAL);
  assert.equal(g!.ids, [0, 2, 2, 2]);
  // minLength 2 with the start token held: one real token must come before EOS, which [B, eos] has.
  const [b] = await generate(markovFactory('encoder-decoder', [0]), cfg({ numBeams: 2, maxNewTokens: 3, lengthPenalty: 0, minLength: 2 }), SPECIAL);
  assert.equal(b!.ids, [0, 3, 1]);
});

test('greedy: finished rows stop at their EOS while others continue', async () => {
  const factory: StepDecoderFactory = {
    kind: 'decoder-only',
    inputs: 2,
    initialIds: [[], []],
    open: async () => {
      let step = 0;
      const rowsTokens = [
        [1, 2, 2],
        [2, 3, 1],
      ];
      const make = (): StepLogits => {
        const data = new Float32Array(2 * VOCAB).fill(-5);
        rowsTokens.forEach((tokens, r) => (data[r * VOCAB + tokens[Math.min(step, 2)]!] = 0));
        return { data, rows: 2, vocab: VOCAB };
      };
      return {
        rows: 2,
        first: async () => make(),
        next: async (_s, tokens) => {
          assert.is(tokens[0], step === 0 ? 1 : 0, 'a finished row is fed the pad id');
          step++;
          return make();
        },
        dispose: () => undefined,
      };
    },
  };
  const out = await generate(factory, cfg({ maxLength: 10 }), SPECIAL);
  assert.equal(
    out.map((o) => o.ids),
    [[1], [2, 3, 1]],
  );
});

test('sampling is reproducible from the seed; top-k 1 sampling equals greedy', async () => {
  const sample = (seed: number) => generate(markovFactory('decoder-only', []), cfg({ doSample: true, maxLength: 12, topK: 0, seed }), SPECIAL);
  const a = await sample(7);
  assert.equal(a, await sample(7));
  const runs = await Promise.all([1, 2, 3, 4, 5, 6].map(sample));
  assert.ok(new Set(runs.map((r) => r[0]!.ids.join(','))).size > 1, 'different seeds give different samples');
  const [k1] = await generate(markovFactory('decoder-only', []), cfg({ doSample: true, maxLength: 3, topK: 1, seed: 3 }), SPECIAL);
  assert.equal(k1!.ids, [2, 2, 2]);
});

test('sampling follows the warped distribution (first token over 600 seeds)', async () => {
  const firstTokens = async (over: Partial<GenerationConfig>) => {
    const counts = new Map<number, number>();
    for (let seed = 0; seed < 600; seed++) {
      const [out] = await generate(markovFactory('decoder-only', []), cfg({ doSample: true, maxLength: 1, topK: 0, seed, ...over }), SPECIAL);
      counts.set(out!.ids[0]!, (counts.get(out!.ids[0]!) ?? 0) + 1);
    }
    return counts;
  };
  // Plain: eos 0.1, A 0.5, B 0.4 (binomial sd of a frequency over 600 draws <= 0.021).
  const plain = await firstTokens({});
  assert.ok(Math.abs((plain.get(2) ?? 0) / 600 - 0.5) < 0.07, `A: ${plain.get(2)}`);
  assert.ok(Math.abs((plain.get(1) ?? 0) / 600 - 0.1) < 0.05, `eos: ${plain.get(1)}`);
  // top-p 0.75 drops eos (cumulative 0.1 <= 0.25): A and B renormalised to 5/9 and 4/9.
  const nucleus = await firstTokens({ topP: 0.75 });
  assert.is(nucleus.get(1), undefined);
  assert.ok(Math.abs((nucleus.get(2) ?? 0) / 600 - 5 / 9) < 0.07, `A: ${nucleus.get(2)}`);
  // temperature 0.25 sharpens: A's share is 0.5^4 / (0.1^4 + 0.5^4 + 0.4^4) = 0.70.
  const cold = await firstTokens({ temperature: 0.25 });
  assert.ok(Math.abs((cold.get(2) ?? 0) / 600 - 0.0625 / (0.0001 + 0.0625 + 0.0256)) < 0.07, `A: ${cold.get(2)}`);
});

test('half-supported settings are errors', async () => {
  await generate(markovFactory('decoder-only', []), cfg({ doSample: true, numBeams: 3 }), SPECIAL).then(
    () => assert.unreachable('beam sampling must be refused'),
    (e: Error) => assert.match(e.message, /beam sampling/),
  );
  const ragged: StepDecoderFactory = { ...markovFactory('bert-decoder', [4], 2), initialIds: [[4], [4, 4]] };
  await generate(ragged, cfg({}), SPECIAL).then(
    () => assert.unreachable('ragged prompts must be refused'),
    (e: Error) => assert.match(e.message, /share a length/),
  );
});

test('invalid settings are errors naming the field', async () => {
  for (const [over, field] of [
    [{ numBeams: 0 }, 'numBeams'],
    [{ topP: 1.5 }, 'topP'],
    [{ temperature: 0 }, 'temperature'],
    [{ repetitionPenalty: 0 }, 'repetitionPenalty'],
    [{ maxNewTokens: 0 }, 'maxNewTokens'],
  ] as const) {
    await generate(markovFactory('decoder-only', []), cfg(over), SPECIAL).then(
      () => assert.unreachable(`${field} must be refused`),
      (e: Error) => assert.match(e.message, `generation.${field}`),
    );
  }
});

/** Sum of the scripted log-probs of the new ids (the first from 'start', then each from its predecessor). */
function newIdsLogProb(newIds: readonly number[]): number {
  let sum = 0;
  let prev: number | null = null;
  for (const id of newIds) {
    const row = prev === null || TABLE[prev] === undefined ? TABLE['start']! : TABLE[prev]!;
    sum += Math.log(row[id]! / row.reduce((a, b) => a + b, 0));
    prev = id;
  }
  return sum;
}

test('beam score normalisation per transformers era: held length (4.x) vs generated length incl. EOS (5.x)', async () => {
  const prompt = [4, 4, 4];
  for (const [era, length] of [
    ['4.29-4.35', (ids: number[]) => ids.length - 1],
    ['pre-4.27', (ids: number[]) => ids.length - 1],
    ['5.x', (ids: number[]) => ids.length - prompt.length],
  ] as const) {
    const [out] = await generate(markovFactory('bert-decoder', prompt), cfg({ numBeams: 2, maxLength: 12, lengthPenalty: 1 }), SPECIAL, { transformersEra: era });
    assert.is(out!.ids[out!.ids.length - 1], 1, `${era}: ends on EOS`);
    const want = newIdsLogProb(out!.newIds) / length(out!.ids);
    assert.ok(Math.abs(out!.score! - want) < 1e-5, `${era}: score ${out!.score} vs ${want}`);
  }
});

test('5.x: at max length the top numBeams candidates finish with their token, normalised by the generated length', async () => {
  // maxLength 4 with a 3-id prompt: one step; the best candidate is A (0.5), which cannot end on EOS.
  const [out] = await generate(markovFactory('bert-decoder', [4, 4, 4]), cfg({ numBeams: 2, maxLength: 4, lengthPenalty: 1 }), SPECIAL, { transformersEra: '5.x' });
  assert.equal(out!.newIds, [2]);
  assert.ok(Math.abs(out!.score! - Math.log(0.5 / (1 + 2 * EPS)) / 1) < 1e-5);
  const [old] = await generate(markovFactory('bert-decoder', [4, 4, 4]), cfg({ numBeams: 2, maxLength: 4, lengthPenalty: 1 }), SPECIAL, { transformersEra: '4.29-4.35' });
  assert.ok(Math.abs(old!.score! - Math.log(0.5 / (1 + 2 * EPS)) / 4) < 1e-5, '4.x divides by the whole held length');
});

test('several EOS ids: 5.x returns the EOS id that was generated, 4.x appends the first EOS id', async () => {
  // eosIds [1, 3]: B (3) is an EOS id too. lp 0, 2 beams, maxLength 3. Step 1: A -0.693 runs,
  // B -0.916 (rank 1) finishes [B]. Step 2: A->B -1.743 (rank 1) finishes [A, B]; A->A -1.609 runs
  // and beats the worst kept (-1.743). Step 3 (max length): A,A->A -2.526 and A,A->B -2.659 are
  // both worse than [B] and [A, B]. Best: [B], score log 0.4. transformers 5.x keeps the generated
  // token in the sequence ([3]); 4.x stores the hypothesis without its EOS ([]) and finalize
  // appends eos_token_id[0], so it returns [1].
  const special = { eosIds: [1, 3], padId: 0 };
  const config = cfg({ numBeams: 2, maxLength: 3, lengthPenalty: 0 });
  const [now] = await generate(markovFactory('decoder-only', []), config, special, { transformersEra: '5.x' });
  assert.equal(now!.ids, [3]);
  assert.ok(Math.abs(now!.score! - Math.log(0.4 / (1 + 2 * EPS))) < 1e-5);
  const [old] = await generate(markovFactory('decoder-only', []), config, special, { transformersEra: '4.29-4.35' });
  assert.equal(old!.ids, [1]);
  assert.ok(Math.abs(old!.score! - Math.log(0.4 / (1 + 2 * EPS))) < 1e-5);
});

test('a minLength above the longest allowed sequence is an error, counting the ids the decoder starts from', async () => {
  // 4 held prompt ids + 5 new tokens = at most 9: minLength 10 would forbid end-of-sequence to every token.
  const prompt = [4, 4, 4, 4];
  const error = await generate(markovFactory('bert-decoder', prompt), cfg({ maxNewTokens: 5, minLength: 10 }), SPECIAL).then(() => undefined, (e: Error) => e);
  assert.ok(error, 'must fail');
  assert.is(error!.message, 'generate: minLength 10 can never be reached: maxNewTokens 5 after the 4 ids the decoder starts from (minLength counts them) allows at most 9, so end-of-sequence would be forbidden to every token; lower minLength to 9 or less, or raise maxNewTokens');
  // At the bound it runs: 9 ids in all, the last one by length.
  const [out] = await generate(markovFactory('bert-decoder', prompt), cfg({ maxNewTokens: 5, minLength: 9 }), SPECIAL);
  assert.is(out!.ids.length, 9);
  const plain = await generate(markovFactory('decoder-only', []), cfg({ maxLength: 3, minLength: 4 }), SPECIAL).then(() => undefined, (e: Error) => e);
  assert.match(plain!.message, 'minLength 4 can never be reached: maxLength 3 allows at most 3');
});

test.run();
