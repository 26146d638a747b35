/**
 * What a family factory receives: the checked manifest, its open graphs and its tokenizers.
 * Factories only wire capabilities; all I/O checking happened before they run.
 */
import type { GraphRole, LlmSpecialRole, ModelManifest, TextSpecialRole } from '../manifest-types.js';
import type { GraphSession } from '../onnx/graphs.js';
import type { SimilarityKernel } from '../onnx/similarity-kernel.js';
import type { TextTokenizer } from '../tokenizers/types.js';

export interface FamilyContext {
  readonly manifest: ModelManifest;
  readonly manifestPath: string;
  readonly graphs: ReadonlyMap<GraphRole, GraphSession>;
  readonly tokenizers: { readonly text?: TextTokenizer | undefined; readonly llm?: TextTokenizer | undefined };
  /** Retrieval's similarity GEMM on the provider the graphs opened on (load.ts releases it). */
  readonly similarity: SimilarityKernel;
}

export function graph(ctx: FamilyContext, role: GraphRole): GraphSession {
  const found = ctx.graphs.get(role);
  if (!found) throw new Error(`${ctx.manifestPath}: the ${ctx.manifest.family} adapter needs graph role '${role}', which the manifest does not declare`);
  return found;
}

export function textTokenizer(ctx: FamilyContext): TextTokenizer {
  if (!ctx.tokenizers.text) throw new Error(`${ctx.manifestPath}: the ${ctx.manifest.family} adapter needs tokenizers.text`);
  return ctx.tokenizers.text;
}

export function llmTokenizer(ctx: FamilyContext): TextTokenizer {
  if (!ctx.tokenizers.llm) throw new Error(`${ctx.manifestPath}: the ${ctx.manifest.family} adapter needs tokenizers.llm`);
  return ctx.tokenizers.llm;
}

/** A special id the family relies on ([ENC], [DEC], ...), from the manifest. */
export function specialId<S extends 'text' | 'llm'>(ctx: FamilyContext, side: S, name: S extends 'text' ? TextSpecialRole : LlmSpecialRole): number {
  const record: Readonly<Record<string, number | null | undefined>> | undefined = ctx.manifest.specialTokens[side];
  const id = record?.[name];
  if (typeof id !== 'number') throw new Error(`${ctx.manifestPath}: specialTokens.${side}.${name} is required by the ${ctx.manifest.family} adapter`);
  return id;
}

/** The capability-bearing part of an adapter a factory builds (load.ts adds identity and disposal). */
export type { FamilyAdapter } from '../capabilities.js';
