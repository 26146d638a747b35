/**
 * Checks across manifest fields that the schema cannot express: settings that contradict each
 * other or that the family's adapter would ignore or only trip over per sample. Each would
 * otherwise load and then run wrongly or fail sample by sample, so each is an error at load.
 */
import type { MediaModality } from './capabilities.js';
import { checkGenerationConfig, HF_DEFAULT_GENERATION } from './generation/config.js';
import { ManifestError } from './manifest-error.js';
import { checkPreprocess } from './manifest-preprocess.js';
import type { Capability, GraphRole, ModelManifest } from './manifest-types.js';

export function checkConsistency(file: string, m: ModelManifest): void {
  checkGenerationUse(file, m);
  checkGenerationLimits(file, m);
  checkAnswerCandidates(file, m);
  checkPreprocess(file, m);
  checkModalities(file, m);
  checkInstructionAwareness(file, m);
  checkFloat16(file, m);
  checkLlmTokenizer(file, m);
}

/**
 * The capability that decodes with each generation block (families/defaults.ts, suites/settings.ts):
 * ranking answers or instruction candidates decodes nothing, so vqa-rank and instruction-rank read none.
 */
const GENERATION_READER: Readonly<Record<string, Capability>> = { caption: 'captioning', vqa: 'vqa-generate', instruction: 'instruction-generate' };

/**
 * A block no capability reads would load and never be used (nor checked, so even contradictory
 * values passed); a block that is read is checked here, not on the first sample it decodes.
 */
function checkGenerationUse(file: string, m: ModelManifest): void {
  for (const [task, config] of Object.entries(m.generation)) {
    const reader = GENERATION_READER[task]!;
    if (!m.capabilities.includes(reader)) {
      throw new ManifestError(file, `/generation/${task}`, `decoding settings for '${task}', but only the capability '${reader}' decodes with them and the model does not have it, so they would never be used; remove /generation/${task} (vlbench's exporters wrote such blocks until 2026-11-28: delete the key, or export again)`);
    }
    const effective = { ...HF_DEFAULT_GENERATION, ...config };
    try {
      checkGenerationConfig(effective, 'model.json');
    } catch (error) {
      throw new ManifestError(file, `/generation/${task}`, (error as Error).message.replace(/^model\.json: generation\./, ''));
    }
    // minLength counts at most one id more than the new tokens (T5's decoder start, BLIP's [DEC];
    // CONTRACT section 6), except BLIP's caption prompt, whose length only the tokenizer knows.
    const promptCounts = task === 'caption' && m.family === 'blip' && effective.maxNewTokens !== undefined;
    const limit = effective.maxNewTokens === undefined ? effective.maxLength : effective.maxNewTokens + 1;
    if (!promptCounts && effective.minLength > limit) {
      const key = effective.maxNewTokens === undefined ? 'maxLength' : 'maxNewTokens';
      throw new ManifestError(file, `/generation/${task}/minLength`, `minLength ${effective.minLength} can never be reached under ${key} ${effective[key]} (end-of-sequence would be forbidden to the last token); lower minLength or raise ${key}`);
    }
  }
}

/** Only ranking reads the candidate count; a model that only generates answers would ignore it. */
function checkAnswerCandidates(file: string, m: ModelManifest): void {
  if (m.vqa?.numAnswerCandidates === undefined || m.capabilities.includes('vqa-rank')) return;
  throw new ManifestError(file, '/vqa/numAnswerCandidates', `only ranking answers reads it, and the model has no 'vqa-rank' capability (it generates answers); remove numAnswerCandidates (vlbench's exporters wrote it until 2026-11-28: delete the key, or export again)`);
}

/**
 * The length limit is one setting written two ways (suites/README.md); the engine applies
 * maxNewTokens and ignores maxLength when both are set (generation/search.ts). The exporters
 * write both, equal, for T5 (LAVIS's max_len passed as max_new_tokens), so only a disagreement,
 * where the maxLength would be silently dropped, is an error.
 */
function checkGenerationLimits(file: string, m: ModelManifest): void {
  for (const [task, config] of Object.entries(m.generation)) {
    if (config.maxLength !== undefined && config.maxNewTokens !== undefined && config.maxLength !== config.maxNewTokens) {
      throw new ManifestError(file, `/generation/${task}`, `maxLength ${config.maxLength} and maxNewTokens ${config.maxNewTokens} are one length limit written two ways, and maxNewTokens would win; keep one of them`);
    }
  }
}

/**
 * What an LLM name fixes (CONTRACT sections 2 and 4): the architecture (OPT and Vicuna are
 * decoder-only, T5 encoder-decoder) and the tokenizer (OPT byte-level BPE, GPT-2's; Vicuna/LLaMA
 * SentencePiece BPE; T5 Unigram).
 */
const LLM_FACTS = {
  opt: { kind: 'decoder-only', tokenizer: 'gpt2-bpe' },
  vicuna: { kind: 'decoder-only', tokenizer: 'llama-sp' },
  t5: { kind: 'encoder-decoder', tokenizer: 't5-unigram' },
} as const;

/** Exported apart: the roles a capability needs depend on the kind, so this runs before those checks. */
export function checkLlmKind(file: string, m: ModelManifest): void {
  if (!m.llm) return;
  const kind = LLM_FACTS[m.llm.name].kind;
  if (m.llm.kind !== kind) {
    throw new ManifestError(file, '/llm', `llm '${m.llm.name}' is ${kind}, but /llm/kind says '${m.llm.kind}'; set "kind": "${kind}" (or the name of the LLM the graphs hold)`);
  }
}

/**
 * The LLM fixes its tokenizer's kind. Another model's tokenizer whose ids fit the logits runs
 * without an error and scores zero; the loader checks the file against `kind`, this `kind`
 * against the LLM, so together the file must be the LLM's own.
 */
function checkLlmTokenizer(file: string, m: ModelManifest): void {
  const spec = m.tokenizers.llm;
  if (!m.llm || !spec) return;
  const wanted = LLM_FACTS[m.llm.name].tokenizer;
  if (spec.kind === wanted) return;
  const fix = `point /tokenizers/llm/file at the tokenizer.json exported with this checkpoint's LLM (tokenizer.save_pretrained) and set /tokenizers/llm/kind to '${wanted}'`;
  if (spec.kind === 'bert') {
    throw new ManifestError(file, '/tokenizers/llm/file', `llm '${m.llm.name}' (${m.llm.kind}) reads a '${wanted}' tokenizer, but 'bert' (WordPiece) is the kind of the text tokenizer (/tokenizers/text), never an LLM's; ${fix}`);
  }
  // The tokenizer may be right and /llm wrong: name the LLM that reads this kind too.
  const other = (Object.keys(LLM_FACTS) as (keyof typeof LLM_FACTS)[]).find((name) => LLM_FACTS[name].tokenizer === spec.kind)!;
  throw new ManifestError(
    file,
    '/tokenizers/llm/file',
    `llm '${m.llm.name}' (${m.llm.kind}) reads a '${wanted}' tokenizer, but /tokenizers/llm/kind says '${spec.kind}', the tokenizer of ${other}; ${fix} (or, if the checkpoint's LLM is ${other}, set /llm to {"kind": "${LLM_FACTS[other].kind}", "name": "${other}"})`,
  );
}

/** Graph roles that must be declared for X-InstructBLIP to take a modality (CONTRACT section 3). */
const MODALITY_ROLES: Record<MediaModality, readonly GraphRole[]> = {
  image: ['vision_encoder', 'qformer'],
  video: ['vision_encoder', 'qformer_video'],
  audio: ['audio_encoder', 'qformer_audio'],
  pointcloud: ['pointcloud_encoder', 'qformer_pointcloud'],
};

/**
 * X-InstructBLIP reads every modality, each with its roles and cue; InstructBLIP also reads video
 * as LAVIS does, its frames through the image graphs (model-contracts §5.2 step 5); the other
 * families read images only.
 */
function checkModalities(file: string, m: ModelManifest): void {
  m.modalities.forEach((modality, index) => {
    const pointer = `/modalities/${index}`;
    if (m.family === 'instructblip' && modality === 'video') {
      if (!m.preprocess.video) throw new ManifestError(file, '/preprocess/video', "modality 'video' needs /preprocess/video (frames, sampling, size, channelOrder); add it or remove the modality");
      return;
    }
    if (m.family !== 'xinstructblip' && modality !== 'image') {
      throw new ManifestError(file, pointer, `family '${m.family}' reads ${m.family === 'instructblip' ? 'images and video' : 'images only'}; remove '${modality}' (only xinstructblip takes ${m.family === 'instructblip' ? 'audio' : 'video, audio'} and point clouds)`);
    }
    if (m.family !== 'xinstructblip') return;
    const missing = MODALITY_ROLES[modality].filter((role) => !(role in m.graphs));
    if (missing.length > 0) throw new ManifestError(file, pointer, `modality '${modality}' needs graph role(s) ${missing.join(', ')}; add them under /graphs or remove the modality`);
    if (m.xinstruct && m.xinstruct.cues[modality] === undefined) throw new ManifestError(file, '/xinstruct/cues', `modality '${modality}' has no cue; add "${modality}": "<cue text>"`);
  });
  if (m.family === 'xinstructblip' && !m.xinstruct) throw new ManifestError(file, '/xinstruct', 'xinstructblip needs /xinstruct (cues, cleanTokenization, addSpace, prefix, postfix)');
}

const QFORMER_ROLES: readonly GraphRole[] = ['qformer', 'qformer_audio', 'qformer_video', 'qformer_pointcloud'];
const INSTRUCTION_INPUTS = ['qformer_input_ids', 'qformer_attention_mask'];

/**
 * InstructBLIP's Q-Former reads the instruction (CONTRACT section 2); BLIP-2's does not. The
 * family decides whether the runtime feeds it, so graphs declared under the other family would
 * fail (or run without their instruction) on every sample.
 */
function checkInstructionAwareness(file: string, m: ModelManifest): void {
  const wantsInstruction = m.family === 'instructblip' || m.family === 'xinstructblip';
  for (const role of QFORMER_ROLES) {
    const graph = m.graphs[role];
    if (!graph) continue;
    const declared = INSTRUCTION_INPUTS.filter((name) => name in graph.inputs);
    if (!wantsInstruction && declared.length > 0) {
      throw new ManifestError(file, `/graphs/${role}/inputs/${declared[0]}`, `an instruction-aware Q-Former is InstructBLIP's; family '${m.family}' never feeds ${declared.join(', ')}: set "family": "instructblip" (or export the BLIP-2 Q-Former)`);
    }
    const missing = INSTRUCTION_INPUTS.filter((name) => !(name in graph.inputs));
    if (wantsInstruction && missing.length > 0) {
      throw new ManifestError(file, `/graphs/${role}/inputs`, `family '${m.family}' feeds the instruction to its Q-Formers, but ${role} declares no ${missing.join(', ')}; these look like BLIP-2 graphs: set "family": "blip2", or declare the inputs`);
    }
  }
}

const FLOAT16_ROLES: readonly GraphRole[] = ['llm_embed', 'llm_decoder'];

/** CONTRACT section 1: float16 for the decoder-only LLM roles only (the runtime converts there); T5 overflows in float16. */
function checkFloat16(file: string, m: ModelManifest): void {
  for (const [role, graph] of Object.entries(m.graphs) as [GraphRole, NonNullable<ModelManifest['graphs'][GraphRole]>][]) {
    for (const side of ['inputs', 'outputs'] as const) {
      const half = Object.entries(graph[side]).find(([, spec]) => spec.dtype === 'float16');
      if (!half) continue;
      const pointer = `/graphs/${role}/${side}/${half[0]}/dtype`;
      if (!FLOAT16_ROLES.includes(role)) throw new ManifestError(file, pointer, `float16 is allowed for the LLM roles (${FLOAT16_ROLES.join(', ')}) only; export ${role} in float32`);
      if (m.llm?.kind === 'encoder-decoder') throw new ManifestError(file, pointer, `float16 T5 overflows (CONTRACT section 1); export the T5 roles in float32`);
    }
  }
}
