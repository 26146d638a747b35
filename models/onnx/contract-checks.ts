/**
 * Load-time checks of the manifest against its opened graphs, beyond "the graph matches its own
 * declaration" (io-check.ts): the roles have the inputs and outputs the capabilities read, in the
 * dtypes the adapters feed; /llm/kind fits the decoder's inputs; the KV-cache sizes and the
 * preprocessing sizes agree with the graphs' fixed axes. Each of these otherwise passes load and
 * then fails on every sample (or scores garbage).
 */
import type { GraphRole, ModelManifest } from '../manifest-types.js';
import { ManifestError } from '../manifest.js';
import { LLM_DECODER_INPUTS, roleNeeds, type RoleNeed } from './contract-needs.js';
import type { GraphSession } from './graphs.js';

type Graphs = ReadonlyMap<GraphRole, GraphSession>;

export function checkContract(manifestPath: string, manifest: ModelManifest, graphs: Graphs): void {
  const fail = (pointer: string, problem: string): never => {
    throw new ManifestError(manifestPath, pointer, problem);
  };
  checkLlmKind(manifest, graphs, fail);
  for (const need of roleNeeds(manifest)) {
    const graph = graphs.get(need.role);
    if (graph) checkNeed(need, graph, fail);
  }
  checkDtypes(graphs, fail);
  checkKvCache(graphs, fail);
  checkPreprocessSizes(manifest, graphs, fail);
  checkTextLength(manifest, graphs, fail);
}

type Fail = (pointer: string, problem: string) => never;

/** A fixed size of `name`'s axis (negative: from the end), from the graph file or else the declaration; null when symbolic or unknown. */
export function fixedDim(graph: GraphSession, direction: 'input' | 'output', name: string, axis: number): number | null {
  const metadata = direction === 'input' ? graph.session.inputMetadata : graph.session.outputMetadata;
  const meta = metadata.find((m) => m.name === name);
  const fromFile = meta?.isTensor ? meta.shape.at(axis) : undefined;
  if (typeof fromFile === 'number' && fromFile >= 0) return fromFile;
  const declared = (direction === 'input' ? graph.spec.inputs : graph.spec.outputs)[name]?.shape.at(axis);
  return typeof declared === 'number' ? declared : null;
}

/** The decoder's inputs say which kind of LLM the graphs were exported as. */
function checkLlmKind(manifest: ModelManifest, graphs: Graphs, fail: Fail): void {
  const decoder = graphs.get('llm_decoder');
  const kind = manifest.llm?.kind;
  if (!decoder || !kind) return;
  const missing = LLM_DECODER_INPUTS[kind].filter((name) => !decoder.has(name));
  if (missing.length === 0) return;
  const other = kind === 'decoder-only' ? 'encoder-decoder' : 'decoder-only';
  const looksOther = LLM_DECODER_INPUTS[other].every((name) => decoder.has(name));
  const fix = looksOther
    ? `the graph is an ${other} export: set /llm/kind to '${other}' (with the roles and tokenizer of that LLM), or point /graphs/llm_decoder/file at the ${kind} export`
    : `re-export llm_decoder with the ${kind} inputs (models/CONTRACT.md section 2)`;
  fail('/llm/kind', `is '${kind}', whose llm_decoder is fed ${LLM_DECODER_INPUTS[kind].join(', ')}, but ${decoder.file} (role llm_decoder) has no input ${missing.map((m) => `'${m}'`).join(', ')} (its inputs: ${Object.keys(decoder.spec.inputs).filter((n) => !n.startsWith('past_')).join(', ')}); ${fix}`);
}

function checkNeed(need: RoleNeed, graph: GraphSession, fail: Fail): void {
  for (const name of need.inputs) {
    if (!graph.has(name)) fail(`/graphs/${need.role}/inputs`, `${graph.file} (role ${need.role}) has no input '${name}', which ${need.because} feeds (its inputs: ${names(graph.spec.inputs)}); re-export the graph as models/CONTRACT.md section 2 lays it out`);
  }
  for (const name of need.outputs) {
    if (!graph.produces(name)) {
      fail(
        `/graphs/${need.role}/outputs`,
        `${graph.file} (role ${need.role}) has no output '${name}', which ${need.because} reads (its outputs: ${names(graph.spec.outputs)}); re-export the graph with it, or ${need.orDrop}`,
      );
    }
  }
}

const names = (tensors: Readonly<Record<string, unknown>>): string =>
  Object.keys(tensors)
    .filter((n) => !n.startsWith('past_') && !n.startsWith('present'))
    .join(', ') || 'none';

/**
 * Ids and masks are fed as int64 and everything else is exchanged as floating point; which roles
 * may be float16 rather than float32 is the manifest's own rule (manifest-consistency.ts).
 */
function checkDtypes(graphs: Graphs, fail: Fail): void {
  for (const [role, graph] of graphs) {
    for (const [direction, tensors] of [['inputs', graph.spec.inputs], ['outputs', graph.spec.outputs]] as const) {
      for (const [name, spec] of Object.entries(tensors)) {
        const integer = /(^|_)(ids|mask)$/.test(name);
        if (integer ? spec.dtype === 'int64' : spec.dtype === 'float32' || spec.dtype === 'float16') continue;
        const why = integer ? 'token ids and masks are fed as int64' : 'the adapters exchange embeddings, features and logits as float32';
        fail(`/graphs/${role}/${direction}/${name}/dtype`, `${graph.file} (role ${role}) has '${name}' as ${spec.dtype}, but ${why}; re-export ${role} with ${integer ? 'int64' : 'float32'} ${direction} (models/CONTRACT.md section 1)`);
      }
    }
  }
}

/**
 * kvCache.heads / headDim size the empty first-step past; they must be the graph's own. Each
 * pair's present output is fed back unconverted as the next step's past, so their dtypes must
 * agree too (a partial fp16 conversion otherwise fails every sample at step 2).
 */
function checkKvCache(graphs: Graphs, fail: Fail): void {
  for (const [role, graph] of graphs) {
    const kv = graph.spec.kvCache;
    if (!kv) continue;
    kv.pairs.forEach(([past, present], index) => {
      const from = graph.spec.outputs[present]?.dtype;
      const to = graph.spec.inputs[past]?.dtype;
      if (from === undefined || to === undefined || from === to) return;
      fail(`/graphs/${role}/kvCache/pairs/${index}`, `pairs '${present}' (${from}) with '${past}' (${to}), but ${graph.file} (role ${role}) gets each step's present back as the next past unconverted; re-export ${role} with the cache in one dtype (past and present both float32, or both float16)`);
    });
    for (const [past] of kv.pairs) {
      for (const [axis, key, value] of [[1, 'heads', kv.heads], [3, 'headDim', kv.headDim]] as const) {
        const fixed = fixedDim(graph, 'input', past, axis);
        if (fixed === null || fixed === value) continue;
        fail(`/graphs/${role}/kvCache/${key}`, `is ${value}, but ${graph.file} (role ${role}) fixes axis ${axis} of '${past}' to ${fixed} ([batch, heads, past_seq, head_dim]); set ${key} to ${fixed}`);
      }
    }
  }
}

/** Preprocessing sizes against the encoders' fixed input axes (a checkpoint is exported at one resolution). */
function checkPreprocessSizes(manifest: ModelManifest, graphs: Graphs, fail: Fail): void {
  const { image, video, audio } = manifest.preprocess;
  const checks: [GraphRole, string, number, number | undefined, string][] = [
    ['vision_encoder', 'pixel_values', 2, image?.size, '/preprocess/image/size'],
    ['vision_encoder', 'pixel_values', 3, image?.size, '/preprocess/image/size'],
    ['vision_encoder', 'pixel_values', 2, video?.size, '/preprocess/video/size'],
    ['vision_encoder', 'pixel_values', 3, video?.size, '/preprocess/video/size'],
    ['audio_encoder', 'fbank', 1, audio?.framesPerClip, '/preprocess/audio/framesPerClip'],
    ['audio_encoder', 'fbank', 2, audio?.melBins, '/preprocess/audio/melBins'],
  ];
  for (const [role, input, axis, value, pointer] of checks) {
    const graph = graphs.get(role);
    const fixed = graph && value !== undefined ? fixedDim(graph, 'input', input, axis) : null;
    if (fixed === null || fixed === value) continue;
    fail(pointer, `is ${value}, but ${graph!.file} (role ${role}) takes '${input}' with axis ${axis} fixed to ${fixed}; set it to ${fixed}, the size the graph was exported for (or re-export the graph with a dynamic axis)`);
  }
}

/** Retrieval texts are padded to exactly maxTextLength ids: a graph with a fixed text axis takes only that length. */
function checkTextLength(manifest: ModelManifest, graphs: Graphs, fail: Fail): void {
  const textLength = manifest.retrieval?.maxTextLength;
  for (const role of ['text_encoder', 'fusion_encoder', 'qformer_text', 'qformer_itm'] as const) {
    const graph = graphs.get(role);
    const fixed = graph && textLength !== undefined && graph.has('input_ids') ? fixedDim(graph, 'input', 'input_ids', 1) : null;
    if (fixed === null || textLength === fixed) continue;
    fail('/retrieval/maxTextLength', `is ${textLength}, but ${graph!.file} (role ${role}) takes 'input_ids' with axis 1 fixed to ${fixed}, and retrieval texts are padded to exactly maxTextLength ids; set it to ${fixed} (or re-export the graph with a dynamic sequence axis)`);
  }
}
