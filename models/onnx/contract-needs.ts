/**
 * The inputs and outputs the family adapters and the generation drivers actually feed and read,
 * per role and per declared capability (models/CONTRACT.md sections 2, 3 and 5). The I/O check
 * only compares a graph with its own declaration; this says what the declaration must contain
 * for the model's capabilities to run, so a graph without them fails at load, not per sample.
 */
import type { FamilyName } from '../capabilities.js';
import type { Capability, GraphRole, ModelManifest } from '../manifest-types.js';
import { rolesNeeded } from '../manifest.js';

export interface RoleNeed {
  readonly role: GraphRole;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Why the role is read: a capability, or a modality for X-InstructBLIP's encoders. */
  readonly because: string;
  /** The other way out: the manifest entry that asks for it. */
  readonly orDrop: string;
}

const LLM_CAPABILITIES: readonly Capability[] = ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank'];

/** What `llm_decoder` is fed, per /llm/kind (decoder-only: OPT, Vicuna; encoder-decoder: T5). */
export const LLM_DECODER_INPUTS = {
  'decoder-only': ['inputs_embeds', 'attention_mask', 'position_ids'],
  'encoder-decoder': ['input_ids', 'encoder_hidden_states', 'encoder_attention_mask'],
} as const;

interface RoleIo {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

type RoleIoRule = RoleIo | ((family: FamilyName, capability: Capability, manifest: ModelManifest) => RoleIo);

const QFORMER_MODALITY: RoleIo = { inputs: ['encoder_embeds'], outputs: ['language_embeds'] };

/** What each role is fed and what is read from it; a function where that depends on the family, the capability or /llm/kind. */
const ROLE_IO: Record<GraphRole, RoleIoRule> = {
  // ALBEF/BLIP retrieval reads the contrastive feature from the vision graph
  vision_encoder: (family, capability) => ({
    inputs: ['pixel_values'],
    outputs: capability === 'retrieval' && (family === 'albef' || family === 'blip') ? ['image_embeds', 'image_feat'] : ['image_embeds'],
  }),
  audio_encoder: { inputs: ['fbank'], outputs: ['audio_embeds'] },
  pointcloud_encoder: { inputs: ['points'], outputs: ['pointcloud_embeds'] },
  // ALBEF fuses the text encoder's states (retrieval re-ranking, VQA questions)
  text_encoder: (family, capability) => ({
    inputs: ['input_ids', 'attention_mask'],
    outputs: [...(capability === 'retrieval' ? ['text_feat'] : []), ...(family === 'albef' ? ['text_embeds'] : [])],
  }),
  // ALBEF fuses text states, BLIP re-reads the ids with [ENC] first
  fusion_encoder: (family, capability) => ({
    inputs: family === 'albef' ? ['text_embeds', 'attention_mask', 'image_embeds'] : ['input_ids', 'attention_mask', 'image_embeds'],
    outputs: capability === 'retrieval' ? ['itm_logits'] : ['multimodal_embeds'],
  }),
  text_decoder: { inputs: ['input_ids', 'attention_mask', 'encoder_hidden_states'], outputs: ['logits'] },
  answer_decoder: { inputs: ['input_ids', 'attention_mask', 'encoder_hidden_states', 'encoder_attention_mask'], outputs: ['logits'] },
  qformer: (_family, capability) => ({ inputs: ['encoder_embeds'], outputs: capability === 'retrieval' ? ['image_feat'] : ['language_embeds'] }),
  qformer_audio: QFORMER_MODALITY,
  qformer_video: QFORMER_MODALITY,
  qformer_pointcloud: QFORMER_MODALITY,
  qformer_text: { inputs: ['input_ids', 'attention_mask'], outputs: ['text_feat'] },
  qformer_itm: { inputs: ['encoder_embeds', 'input_ids', 'attention_mask'], outputs: ['itm_score'] },
  llm_embed: { inputs: ['input_ids'], outputs: ['inputs_embeds'] },
  llm_encoder: { inputs: ['inputs_embeds', 'attention_mask'], outputs: ['encoder_hidden_states'] },
  llm_decoder: (_family, _capability, manifest) => ({ inputs: LLM_DECODER_INPUTS[manifest.llm?.kind ?? 'decoder-only'], outputs: ['logits'] }),
};

function ioOf(role: GraphRole, capability: Capability, manifest: ModelManifest): RoleIo {
  const rule = ROLE_IO[role];
  return typeof rule === 'function' ? rule(manifest.family, capability, manifest) : rule;
}

/** X-InstructBLIP's extra roles, read only for the modalities the manifest declares. */
const MODALITY_ROLES: Readonly<Record<string, readonly GraphRole[]>> = {
  audio: ['audio_encoder', 'qformer_audio'],
  video: ['qformer_video'],
  pointcloud: ['pointcloud_encoder', 'qformer_pointcloud'],
};

/** Every (role, what it must have, why) the declared capabilities and modalities read. */
export function roleNeeds(manifest: ModelManifest): RoleNeed[] {
  const family = manifest.family;
  const needs: RoleNeed[] = [];
  for (const capability of manifest.capabilities) {
    for (const role of rolesNeeded(family, capability, manifest)) {
      needs.push({ role, ...ioOf(role, capability, manifest), because: `capability '${capability}'`, orDrop: `remove '${capability}' from /capabilities` });
    }
  }
  if (family === 'xinstructblip' && manifest.capabilities.some((c) => LLM_CAPABILITIES.includes(c))) {
    for (const modality of manifest.modalities) {
      for (const role of MODALITY_ROLES[modality] ?? []) {
        needs.push({ role, ...ioOf(role, 'captioning', manifest), because: `modality '${modality}'`, orDrop: `remove '${modality}' from /modalities` });
      }
    }
  }
  return needs;
}
