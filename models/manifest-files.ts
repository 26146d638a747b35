/**
 * The files a model.json names, checked without opening a graph: every graph file, external-data
 * file and tokenizer file exists and is not a Git LFS pointer, and the tokenizers load against
 * the manifest (kind, special ids). `vlbench validate` runs it so that a model whose run would
 * stop at load is reported before one starts. Nothing is hashed here: checking the sha256
 * digests reads every byte of multi-gigabyte weights, so it stays a load-time check.
 */
import { dirname, resolve } from 'node:path';
import { ManifestError, type LoadedManifest } from './manifest.js';
import type { GraphRole } from './manifest-types.js';
import { fileProblem } from './file-problems.js';
import { loadTokenizer, specialIdsFromManifest } from './tokenizers/load.js';

/** Every problem with the files `loaded` names, each with the model.json pointer to fix; empty when all are usable. */
export function manifestFileProblems(loaded: LoadedManifest): ManifestError[] {
  const { manifest, path } = loaded;
  const base = dirname(path);
  const problems: ManifestError[] = [];
  const check = (file: string, pointer: string): boolean => {
    const problem = fileProblem(resolve(base, file));
    if (problem !== null) problems.push(new ManifestError(path, pointer, problem));
    return problem === null;
  };
  for (const [role, graph] of Object.entries(manifest.graphs) as [GraphRole, NonNullable<(typeof manifest.graphs)[GraphRole]>][]) {
    check(graph.file, `/graphs/${role}/file`);
    (graph.externalData ?? []).forEach((data, i) => check(data.file, `/graphs/${role}/externalData/${i}/file`));
  }
  for (const side of ['text', 'llm'] as const) {
    const spec = manifest.tokenizers[side];
    if (!spec) continue;
    const usable = check(spec.file, `/tokenizers/${side}/file`) && (spec.config === undefined || check(spec.config, `/tokenizers/${side}/config`));
    const special = manifest.specialTokens[side];
    if (!special) problems.push(new ManifestError(path, `/specialTokens/${side}`, `required with /tokenizers/${side}; give the tokenizer's special-token ids`));
    if (!usable || !special) continue;
    try {
      loadTokenizer(spec, base, specialIdsFromManifest(special, `${path} /specialTokens/${side}`), { manifestPath: path, side, specialTokens: special });
    } catch (error) {
      problems.push(error instanceof ManifestError ? error : new ManifestError(path, `/tokenizers/${side}/file`, (error as Error).message));
    }
  }
  return problems;
}
