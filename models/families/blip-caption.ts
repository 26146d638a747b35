/**
 * BLIP captioning (`BlipCaption.generate`, model-contracts §3.4): the prompt "a picture of " is
 * tokenized as `[CLS] a picture of [SEP]`, [CLS] becomes [DEC] and [SEP] is dropped; the image
 * decoder generates with lengths counting the prompt ids; the output is the full decoded
 * sequence with the prompt's characters cut off.
 */
import type { CaptionCapability, Generation } from '../capabilities.js';
import type { GraphSession } from '../onnx/graphs.js';
import { bertDecoderFactory } from '../generation/onnx/bert-decoder.js';
import { generate } from '../generation/search.js';
import type { TextTokenizer } from '../tokenizers/types.js';
import type { ImageStateCache } from './image-state-cache.js';

/** BLIP ran under transformers < 4.27 (LAVIS asserts it), whose beam search stops one step differently. */
export const BLIP_ERA = { transformersEra: 'pre-4.27' } as const;

export interface BlipCaptionParts {
  readonly decoder: GraphSession;
  readonly tokenizer: TextTokenizer;
  readonly imageStates: ImageStateCache;
  readonly defaultPrompt: string;
  readonly decId: number;
  readonly sepId: number;
  readonly padId: number;
}

export function blipPromptIds(parts: Pick<BlipCaptionParts, 'tokenizer' | 'decId'>, prompt: string): number[] {
  const ids = parts.tokenizer.encode(prompt).ids;
  return [parts.decId, ...ids.slice(1, -1)];
}

export function blipCaptioning(parts: BlipCaptionParts): CaptionCapability {
  const kvCache = parts.decoder.spec.kvCache;
  if (!kvCache) throw new Error('text_decoder: the manifest must declare its kvCache');
  return {
    // The call's requests are one batch (the caller's, see base.ts), so they share one prompt length.
    async caption(requests, config, ctx) {
      if (requests.length === 0) return [];
      const prompt = requests[0]!.prompt ?? parts.defaultPrompt;
      if (requests.some((r) => (r.prompt ?? parts.defaultPrompt) !== prompt)) throw new Error('blip captioning: one batch must share a prompt');
      const states = await parts.imageStates.statesFor(requests.map((r) => r.image), ctx);
      const ids = blipPromptIds(parts, prompt);
      const factory = bertDecoderFactory(
        { session: parts.decoder.session, kvCache },
        { encoderHiddenStates: states.data as Float32Array, encoderDims: states.dims as [number, number, number], promptIds: requests.map(() => ids) },
      );
      const sequences = await ctx.time('decode', () => generate(factory, config, { eosIds: [parts.sepId], padId: parts.padId }, BLIP_ERA));
      return sequences.map((s): Generation => ({ text: parts.tokenizer.decode(s.ids, { skipSpecialTokens: true }).slice(prompt.length).trim(), tokenIds: s.newIds }));
    },
  };
}
