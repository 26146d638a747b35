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

function inputsOf(role: GraphRole, family: FamilyName, manifest: ModelManifest): readonly string[] {
  switch (role) {
    case 'vision_encoder':
      return ['pixel_values'];
    case 'audio_encoder':
      return ['fbank'];
    case 'pointcloud_encoder':
      return ['points'];
    case 'fusion_encoder': // ALBEF fuses text states, BLIP re-reads the ids with [ENC] first
      return family === 'albef' ? ['text_embeds', 'attention_mask', 'image_embeds'] : ['input_ids', 'attention_mask', 'image_embeds'];
    case 'text_decoder':
      return ['input_ids', 'attention_mask', 'encoder_hidden_states'];
    case 'answer_decoder':
      return ['input_ids', 'attention_mask', 'encoder_hidden_states', 'encoder_attention_mask'];
    case 'qformer':
    case 'qformer_audio':
    case 'qformer_video':
    case 'qformer_pointcloud':
      return ['encoder_embeds'];
    case 'qformer_itm':
      return ['encoder_embeds', 'input_ids', 'attention_mask'];
    case 'llm_encoder':
      return ['inputs_embeds', 'attention_mask'];
    case 'llm_decoder':
      return LLM_DECODER_INPUTS[manifest.llm?.kind ?? 'decoder-only'];
    default: // text_encoder, qformer_text, llm_embed
      return role === 'llm_embed' ? ['input_ids'] : ['input_ids', 'attention_mask'];
  }
}

function outputsOf(role: GraphRole, family: FamilyName, capability: Capability): readonly string[] {
  const retrieval = capability === 'retrieval';
  switch (role) {
    case 'vision_encoder': // ALBEF/BLIP retrieval reads the contrastive feature from the vision graph
      return retrieval && (family === 'albef' || family === 'blip') ? ['image_embeds', 'image_feat'] : ['image_embeds'];
    case 'text_encoder': // ALBEF fuses the text encoder's states (retrieval re-ranking, VQA questions)
      return [...(retrieval ? ['text_feat'] : []), ...(family === 'albef' ? ['text_embeds'] : [])];
    case 'fusion_encoder':
      return retrieval ? ['itm_logits'] : ['multimodal_embeds'];
    case 'qformer':
      return retrieval ? ['image_feat'] : ['language_embeds'];
    case 'qformer_text':
      return ['text_feat'];
    case 'qformer_itm':
      return ['itm_score'];
    case 'qformer_audio':
    case 'qformer_video':
    case 'qformer_pointcloud':
      return ['language_embeds'];
    case 'audio_encoder':
      return ['audio_embeds'];
    case 'pointcloud_encoder':
      return ['pointcloud_embeds'];
    case 'llm_embed':
      return ['inputs_embeds'];
    case 'llm_encoder':
      return ['encoder_hidden_states'];
    default: // text_decoder, answer_decoder, llm_decoder
      return ['logits'];
  }
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
      needs.push({ role, inputs: inputsOf(role, family, manifest), outputs: outputsOf(role, family, capability), because: `capability '${capability}'`, orDrop: `remove '${capability}' from /capabilities` });
    }
  }
  if (family === 'xinstructblip' && manifest.capabilities.some((c) => LLM_CAPABILITIES.includes(c))) {
    for (const modality of manifest.modalities) {
      for (const role of MODALITY_ROLES[modality] ?? []) {
        needs.push({ role, inputs: inputsOf(role, family, manifest), outputs: outputsOf(role, family, 'captioning'), because: `modality '${modality}'`, orDrop: `remove '${modality}' from /modalities` });
      }
    }
  }
  return needs;
}
