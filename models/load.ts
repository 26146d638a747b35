/**
 * Loading a model from its manifest (model.json, models/CONTRACT.md) into a family adapter:
 * read and check the manifest, verify digests, open every graph on the chosen execution
 * provider and check its I/O, build the tokenizers, then let the family wire its capabilities.
 * The runner only uses this entry point and the capability interfaces.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FamilyAdapter, FamilyName } from './capabilities.js';
import { ManifestError, readManifest } from './manifest.js';
import type { GraphRole, ModelManifest, TokenizerSpec } from './manifest-types.js';
import { checkContract, fixedDim } from './onnx/contract-checks.js';
import { openGraphs, type GraphSession } from './onnx/graphs.js';
import type { ProviderName } from './onnx/providers.js';
import { SessionPool } from './onnx/session-pool.js';
import { SimilarityKernel } from './onnx/similarity-kernel.js';
import { sha256File } from './onnx/digest.js';
import { INSERTED_BY_ID, loadTokenizer, specialIdsFromManifest } from './tokenizers/load.js';
import type { TextTokenizer } from './tokenizers/types.js';
import { FAMILY_FACTORIES } from './families/registry.js';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export interface LoadOptions {
  readonly device: DeviceRequest;
  /** Check every graph file's sha256 against the manifest (opt out only deliberately). */
  readonly verifyDigests: boolean;
  /** Sessions shared between the models and tasks of a run; the caller closes it at the end. */
  readonly pool?: SessionPool | undefined;
}

export interface ProviderReport {
  readonly requested: DeviceRequest;
  /** The execution provider that actually ran. */
  readonly used: ProviderName;
  readonly skipped: readonly { readonly provider: string; readonly reason: string }[];
}

export interface LoadedModel {
  readonly adapter: FamilyAdapter;
  readonly id: string;
  readonly family: FamilyName;
  readonly variant: string;
  readonly manifestPath: string;
  readonly manifestSha256: string;
  /** Graph role -> sha256 of its ONNX file; empty with --no-verify-digests (the files were not hashed). */
  readonly graphs: Readonly<Record<string, string>>;
  /** Tokenizer file (and tokenizer_config) path as the model.json names it -> sha256. */
  readonly tokenizers: Readonly<Record<string, string>>;
  /** False when the user opted out of the sha256 check (--no-verify-digests). */
  readonly digestsVerified: boolean;
  readonly provider: ProviderReport;
}

/**
 * sha256 of each tokenizer file (and tokenizer_config) the manifest names, by its path as
 * written there. The model.json carries no digest for them, yet a changed vocabulary changes
 * every output: a run records these so that a resume can tell.
 */
export async function tokenizerFileDigests(manifest: ModelManifest, manifestPath: string): Promise<Record<string, string>> {
  const files = Object.values(manifest.tokenizers).flatMap((spec) => (spec === undefined ? [] : [spec.file, ...(spec.config === undefined ? [] : [spec.config])]));
  const base = dirname(manifestPath);
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, await sha256File(resolve(base, file))] as const)));
}

export async function loadModel(manifestPath: string, options: LoadOptions): Promise<LoadedModel> {
  const loaded = readManifest(resolve(manifestPath));
  const { manifest } = loaded;
  const ownPool = options.pool === undefined;
  const pool = options.pool ?? new SessionPool();
  const base = dirname(loaded.path);
  // Tokenizers first: they are cheap to read, and a wrong one should fail before gigabytes are hashed.
  const tokenizers = {
    text: tokenizerOf(manifest, 'text', manifest.tokenizers.text, base, loaded.path),
    llm: tokenizerOf(manifest, 'llm', manifest.tokenizers.llm, base, loaded.path),
  };
  const opened = await openGraphs(loaded, { device: options.device, verifyDigests: options.verifyDigests, pool });
  const similarity = new SimilarityKernel(opened.provider.used);
  try {
    checkContract(loaded.path, manifest, opened.graphs);
    checkLogitsCoverTokenizers(loaded.path, manifest, opened.graphs, tokenizers);
    const parts = FAMILY_FACTORIES[manifest.family]({ manifest, manifestPath: loaded.path, graphs: opened.graphs, tokenizers, similarity });
    const adapter: FamilyAdapter = {
      ...parts,
      async dispose() {
        await similarity.release();
        await opened.release();
        if (ownPool) await pool.close();
      },
    };
    return {
      adapter,
      id: manifest.name,
      family: manifest.family,
      variant: manifest.variant,
      manifestPath: loaded.path,
      manifestSha256: loaded.sha256,
      graphs: opened.digests,
      tokenizers: await tokenizerFileDigests(manifest, loaded.path),
      digestsVerified: options.verifyDigests,
      provider: opened.provider,
    };
  } catch (error) {
    await opened.release();
    if (ownPool) await pool.close();
    throw error;
  }
}

function tokenizerOf(manifest: ModelManifest, side: 'text' | 'llm', spec: TokenizerSpec | undefined, base: string, path: string): TextTokenizer | undefined {
  if (!spec) return undefined;
  const special = manifest.specialTokens[side];
  if (!special) throw new Error(`${path} at /specialTokens/${side}: required with tokenizers.${side}`);
  return loadTokenizer(spec, base, specialIdsFromManifest(special, `${path} /specialTokens/${side}`), { manifestPath: path, side, specialTokens: special });
}

/** The decoder roles whose logits index each tokenizer's ids. */
const LOGITS_ROLES: readonly { readonly role: GraphRole; readonly side: 'text' | 'llm' }[] = [
  { role: 'text_decoder', side: 'text' },
  { role: 'answer_decoder', side: 'text' },
  { role: 'llm_decoder', side: 'llm' },
];

/**
 * A tokenizer with more ids than the decoder has logits belongs to another (larger) model: its
 * ids would index past the embedding table, or be scored against the wrong rows, at run time.
 * Fewer ids than logits is normal (T5 and OPT pad their tables), so only "more" is an error.
 */
function checkLogitsCoverTokenizers(path: string, manifest: ModelManifest, graphs: ReadonlyMap<GraphRole, GraphSession>, tokenizers: Record<'text' | 'llm', TextTokenizer | undefined>): void {
  for (const { role, side } of LOGITS_ROLES) {
    const graph = graphs.get(role);
    const tokenizer = tokenizers[side];
    const width = graph ? fixedDim(graph, 'output', 'logits', -1) : null;
    if (!graph || width === null) continue;
    checkInsertedIds(path, manifest, side, role, graph.file, width);
    if (!tokenizer || tokenizer.vocabularySize <= width) continue;
    throw new ManifestError(
      path,
      `/tokenizers/${side}/file`,
      `${resolve(dirname(path), manifest.tokenizers[side]!.file)} has ${tokenizer.vocabularySize} ids (added tokens included), but ${role} (${graph.file}) ` +
        `outputs logits over ${width}; the tokenizer belongs to another model: point /tokenizers/${side}/file at the tokenizer exported with this checkpoint`,
    );
  }
}

/** Ids the runtime inserts (INSERTED_BY_ID: not the tokenizer's) must still index the decoder's table. */
function checkInsertedIds(path: string, manifest: ModelManifest, side: 'text' | 'llm', role: GraphRole, file: string, width: number): void {
  const special: Readonly<Record<string, number | null | undefined>> = manifest.specialTokens[side] ?? {};
  for (const name of INSERTED_BY_ID) {
    const id = special[name];
    if (typeof id !== 'number' || id < width) continue;
    throw new ManifestError(path, `/specialTokens/${side}/${name}`, `special token '${name}' is id ${id}, but ${role} (${file}) outputs logits over ${width} ids (0..${width - 1}); set it to the id the checkpoint's embedding table gives it`);
  }
}

/** Folder of the bundled tiny reference models (models/tiny/<name>/model.json). */
export const BUNDLED_MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'tiny');

/** Registered names of the bundled tiny reference models -> manifest path (absolute). */
export function bundledModels(): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  if (!existsSync(BUNDLED_MODELS_DIR)) return found;
  for (const entry of readdirSync(BUNDLED_MODELS_DIR).sort()) {
    const path = join(BUNDLED_MODELS_DIR, entry, 'model.json');
    if (!existsSync(path)) continue;
    const name = (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string') found.set(name, path);
  }
  return found;
}
