/**
 * What planning needs to know about a model: its identity, what it can do and its task defaults.
 * The runner takes it from the loaded adapter; `vlbench validate` reads it from model.json alone
 * (no graph is opened), so both decide applicability and effective settings the same way.
 */
import type { FamilyAdapter, FamilyName, MediaModality } from '../models/capabilities.js';
import { taskDefaultsOf } from '../models/families/defaults.js';
import type { ModelManifest } from '../models/manifest-types.js';
import type { ModelFacts } from './settings.js';

export interface ModelProfile extends ModelFacts {
  /** The model id runs are keyed by (the manifest's name). */
  readonly id: string;
  readonly family: FamilyName;
  readonly modalities: readonly MediaModality[];
  readonly canRetrieve: boolean;
  readonly canCaption: boolean;
  readonly canFollowInstructions: boolean;
}

export function profileOfAdapter(adapter: FamilyAdapter): ModelProfile {
  return {
    id: adapter.id, family: adapter.family, modalities: adapter.modalities, defaults: adapter.defaults,
    canRetrieve: adapter.retrieval !== undefined, canCaption: adapter.captioning !== undefined,
    canRankAnswers: adapter.answerRanking !== undefined, canGenerateAnswers: adapter.answerGeneration !== undefined,
    canFollowInstructions: adapter.instruction !== undefined,
  };
}

/** The same facts from model.json: each adapter serves exactly the capabilities its manifest declares. */
export function profileOfManifest(manifest: ModelManifest): ModelProfile {
  const has = (...capabilities: ModelManifest['capabilities']): boolean => capabilities.some((c) => manifest.capabilities.includes(c));
  return {
    id: manifest.name, family: manifest.family, modalities: manifest.modalities, defaults: taskDefaultsOf(manifest),
    canRetrieve: has('retrieval'), canCaption: has('captioning'),
    canRankAnswers: has('vqa-rank'), canGenerateAnswers: has('vqa-generate'),
    canFollowInstructions: has('instruction-generate', 'instruction-rank'),
  };
}
