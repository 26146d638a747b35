/**
 * Builds a TextTokenizer from a manifest's tokenizer entry: reads tokenizer.json (and the
 * optional tokenizer_config.json) relative to the manifest's folder.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsonSyntaxProblem, ManifestError } from '../manifest.js';
import { fileProblem } from '../file-problems.js';
import type { TokenizerSpec } from '../manifest-types.js';
import { HfTextTokenizer } from './text-tokenizer.js';
import type { SpecialTokenIds, TextTokenizer } from './types.js';
import { kindMismatch, vocabularySize } from './vocabulary.js';

/** A load error at `pointer` of the manifest when there is one, else a plain one (a bare tokenizer file). */
function failAt(origin: TokenizerOrigin | undefined, pointer: string, problem: string): never {
  throw origin ? new ManifestError(origin.manifestPath, pointer, problem) : new Error(problem);
}

function readJsonObject(path: string, what: string, origin: TokenizerOrigin | undefined, key: 'file' | 'config'): Record<string, unknown> {
  const fail = (problem: string): never => failAt(origin, `/tokenizers/${origin?.side}/${key}`, problem);
  // Within a manifest: validate's wording for a missing file, a folder or a Git LFS pointer, so that run says the same.
  const unusable = origin ? fileProblem(path) : null;
  if (unusable !== null) fail(unusable);
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`${path}: cannot read the ${what} (${(error as Error).message}); ${origin ? 'make it readable or export the file again' : "check the manifest's tokenizer file paths"}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`${path}: the ${what} is ${jsonSyntaxProblem(text, (error as Error).message)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`${path}: the ${what} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Where a tokenizer entry sits in its manifest, so that load errors name the JSON pointer to fix. */
export interface TokenizerOrigin {
  readonly manifestPath: string;
  readonly side: 'text' | 'llm';
  /** The manifest's `specialTokens.<side>`, by role name (pad, eos, dec, decoderStart, ...). */
  readonly specialTokens: Readonly<Record<string, number | null>>;
}

/**
 * @param spec the manifest's `tokenizers.text` or `tokenizers.llm`
 * @param baseDir the folder of model.json (spec paths are relative to it)
 * @param specialIds the manifest's `specialTokens.text` / `.llm` for the same tokenizer
 * @param origin the manifest entry, for errors that name its pointers (absent: a bare tokenizer file)
 */
export function loadTokenizer(spec: TokenizerSpec, baseDir: string, specialIds: SpecialTokenIds, origin?: TokenizerOrigin): TextTokenizer {
  const jsonPath = resolve(baseDir, spec.file);
  const tokenizerJson = readJsonObject(jsonPath, 'tokenizer.json', origin, 'file');
  if (typeof tokenizerJson['model'] !== 'object') {
    failAt(origin, `/tokenizers/${origin?.side}/file`, `${jsonPath}: /model is missing; this is not a Hugging Face tokenizer.json (export it with tokenizer.save_pretrained)`);
  }
  const size = vocabularySize(tokenizerJson);
  checkAgainstManifest(spec, jsonPath, tokenizerJson, size, specialIds, origin);
  const tokenizerConfig = spec.config === undefined ? {} : readJsonObject(resolve(baseDir, spec.config), 'tokenizer_config.json', origin, 'config');
  return new HfTextTokenizer({
    kind: spec.kind,
    tokenizerJson,
    tokenizerConfig,
    vocabularySize: size,
    specialIds,
    truncationSide: spec.truncationSide,
    maxLength: spec.maxLength,
    source: jsonPath,
  });
}

/**
 * Ids the runtime writes into the input itself rather than getting from the tokenizer: BLIP's
 * [DEC]/[ENC] (Hugging Face's BLIP tokenizers are plain bert-base-uncased, and the exporter takes
 * [DEC] from the text config's bos id and may write [ENC] as [DEC] + 1) and T5's decoder start.
 * They must fit the model's tables, not the tokenizer: load.ts checks them against the logits.
 */
export const INSERTED_BY_ID: ReadonlySet<string> = new Set(['dec', 'enc', 'decoderStart']);

/**
 * A tokenizer of another kind or model runs and gives garbage scores, and a special id past the
 * vocabulary fails mid-evaluation (or never stops generating), so both are load errors.
 */
function checkAgainstManifest(spec: TokenizerSpec, jsonPath: string, json: Record<string, unknown>, size: number, ids: SpecialTokenIds, origin: TokenizerOrigin | undefined): void {
  const fail = (pointer: string, problem: string): never => failAt(origin, pointer, problem);
  const side = origin?.side ?? '<side>';
  // An LLM-side kind the manifest check already matched to /llm/name is right; the file is not.
  const fixed = side === 'llm' && spec.kind !== 'bert';
  const mismatch = kindMismatch(spec.kind, json, jsonPath, `/tokenizers/${side}`, fixed ? `the LLM (/llm/name) reads '${spec.kind}' and` : undefined);
  if (mismatch !== null) fail(`/tokenizers/${side}/${fixed ? 'file' : 'kind'}`, mismatch);
  const named: Record<string, number | null | undefined> = origin?.specialTokens ?? { pad: ids.pad, cls: ids.cls, sep: ids.sep, bos: ids.bos, eos: ids.eos };
  for (const [role, id] of Object.entries(named)) {
    if (typeof id !== 'number' || id < size || INSERTED_BY_ID.has(role)) continue;
    fail(
      `/specialTokens/${side}/${role}`,
      `special token '${role}' is id ${id}, outside the vocabulary of ${jsonPath}: ${size} ids (0..${size - 1}, added tokens included); ` +
        `set /specialTokens/${side}/${role} to the id this tokenizer gives that token (tokenizer.convert_tokens_to_ids), or point /tokenizers/${side}/file at the tokenizer exported with the checkpoint`,
    );
  }
}

/** The manifest's special-token record (numbers or null by role name) as SpecialTokenIds. */
export function specialIdsFromManifest(record: Readonly<Record<string, number | null>>, source: string): SpecialTokenIds {
  const pick = (role: string): number | null | undefined => record[role];
  const pad = pick('pad');
  if (typeof pad !== 'number') throw new Error(`${source}: specialTokens needs a numeric 'pad' id`);
  const structural = new Set(['pad', 'cls', 'sep', 'bos', 'eos']);
  const extra = Object.entries(record)
    .filter(([role, id]) => !structural.has(role) && typeof id === 'number')
    .map(([, id]) => id as number);
  return { pad, cls: pick('cls'), sep: pick('sep'), bos: pick('bos'), eos: pick('eos'), extra };
}
