/**
 * JSON Schema of model.json (models/CONTRACT.md section 4), mirroring manifest-types.ts.
 * Closed objects everywhere: an unknown key is an error, never ignored.
 */
import { CAPABILITIES, GRAPH_ROLES, LLM_SPECIAL_ROLES, PROMPT_KINDS, TEXT_SPECIAL_ROLES, TOKENIZER_KINDS } from './manifest-types.js';

const closed = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

const dim = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', minLength: 1 }] };
const tensor = closed(
  { dtype: { enum: ['float32', 'float16', 'int64', 'int32', 'bool'] }, shape: { type: 'array', items: dim } },
  ['dtype', 'shape'],
);
const id = { type: 'integer', minimum: 0 };
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const fileRef = closed({ file: { type: 'string', minLength: 1 }, sha256 }, ['file', 'sha256']);

const graph = closed(
  {
    file: { type: 'string', minLength: 1 },
    sha256,
    externalData: { type: 'array', items: fileRef },
    inputs: { type: 'object', additionalProperties: tensor, minProperties: 1 },
    outputs: { type: 'object', additionalProperties: tensor, minProperties: 1 },
    kvCache: closed(
      {
        layers: { type: 'integer', minimum: 1 },
        heads: { type: 'integer', minimum: 1 },
        headDim: { type: 'integer', minimum: 1 },
        pairs: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } },
      },
      ['layers', 'heads', 'headDim', 'pairs'],
    ),
  },
  ['file', 'sha256', 'inputs', 'outputs'],
);

const tokenizer = closed(
  {
    file: { type: 'string', minLength: 1 },
    config: { type: 'string', minLength: 1 },
    kind: { enum: [...TOKENIZER_KINDS] },
    truncationSide: { enum: ['left', 'right'] },
    maxLength: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
  },
  ['file', 'kind', 'truncationSide', 'maxLength'],
);

const triple = { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 };
// Pixels are divided by it: a zero or negative std gives infinite or flipped inputs.
const positiveTriple = { ...triple, items: { type: 'number', exclusiveMinimum: 0 } };
const generation = closed(
  {
    numBeams: { type: 'integer', minimum: 1 },
    doSample: { type: 'boolean' },
    maxLength: { type: 'integer', minimum: 1 },
    maxNewTokens: { type: 'integer', minimum: 1 },
    minLength: { type: 'integer', minimum: 0 },
    lengthPenalty: { type: 'number' },
    repetitionPenalty: { type: 'number', exclusiveMinimum: 0 },
    noRepeatNgramSize: { type: 'integer', minimum: 0 },
    earlyStopping: { type: 'boolean' },
    topK: { type: 'integer', minimum: 0 },
    topP: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    temperature: { type: 'number', exclusiveMinimum: 0 },
    seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
  },
  [],
);
const modality = { enum: ['image', 'audio', 'video', 'pointcloud'] };

export const MANIFEST_SCHEMA = closed(
  {
    $schema: { type: 'string' },
    formatVersion: { const: 1 },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
    family: { enum: ['albef', 'blip', 'blip2', 'instructblip', 'xinstructblip'] },
    variant: { type: 'string' },
    description: { type: 'string' },
    llm: {
      anyOf: [{ type: 'null' }, closed({ kind: { enum: ['decoder-only', 'encoder-decoder'] }, name: { enum: ['opt', 'vicuna', 't5'] } }, ['kind', 'name'])],
    },
    modalities: { type: 'array', items: modality, minItems: 1, uniqueItems: true },
    capabilities: { type: 'array', items: { enum: [...CAPABILITIES] }, minItems: 1, uniqueItems: true },
    graphs: { type: 'object', propertyNames: { enum: [...GRAPH_ROLES] }, additionalProperties: graph, minProperties: 1 },
    tokenizers: closed({ text: tokenizer, llm: tokenizer }, []),
    specialTokens: closed(
      {
        text: closed(Object.fromEntries(TEXT_SPECIAL_ROLES.map((role) => [role, id])), []),
        llm: closed(Object.fromEntries(LLM_SPECIAL_ROLES.map((role) => [role, { anyOf: [id, { type: 'null' }] }])), []),
      },
      [],
    ),
    preprocess: closed(
      {
        image: closed({ size: { type: 'integer', minimum: 1 }, resize: { enum: ['stretch', 'crop'] }, mean: triple, std: positiveTriple }, ['size', 'resize', 'mean', 'std']),
        video: closed(
          {
            frames: { type: 'integer', minimum: 1 },
            sampling: { enum: ['uniform', 'head-tail'] },
            size: { type: 'integer', minimum: 1 },
            channelOrder: { enum: ['rgb', 'bgr'] },
          },
          ['frames', 'sampling', 'size', 'channelOrder'],
        ),
        audio: closed(
          {
            sampleRate: { type: 'integer', minimum: 1 },
            clips: { type: 'integer', minimum: 1 },
            clipSeconds: { type: 'number', exclusiveMinimum: 0 },
            melBins: { type: 'integer', minimum: 1 },
            framesPerClip: { type: 'integer', minimum: 1 },
          },
          ['sampleRate', 'clips', 'clipSeconds', 'melBins', 'framesPerClip'],
        ),
        pointcloud: closed({ points: { type: 'integer', minimum: 1 }, mode: { enum: ['modelnet', 'ulip'] }, seed: { type: 'integer', minimum: 0, maximum: 0xffffffff } }, ['points', 'mode', 'seed']),
      },
      [],
    ),
    prompts: closed(Object.fromEntries(PROMPT_KINDS.map((kind) => [kind, { type: 'string' }])), []),
    generation: { type: 'object', propertyNames: { enum: ['caption', 'vqa', 'instruction'] }, additionalProperties: generation },
    retrieval: { anyOf: [{ type: 'null' }, closed({ kTest: { type: 'integer', minimum: 1 }, maxTextLength: { type: 'integer', minimum: 1 } }, ['kTest', 'maxTextLength'])] },
    // numAnswerCandidates: optional, as only ranking reads it (manifest-consistency.ts forbids it without vqa-rank).
    vqa: { anyOf: [{ type: 'null' }, closed({ method: { enum: ['rank', 'generate'] }, numAnswerCandidates: { type: 'integer', minimum: 1 } }, ['method'])] },
    xinstruct: {
      anyOf: [
        { type: 'null' },
        closed(
          {
            cues: { type: 'object', propertyNames: modality, additionalProperties: { type: 'string' } },
            cleanTokenization: { type: 'boolean' },
            addSpace: { type: 'boolean' },
            prefix: { type: 'string' },
            postfix: { type: 'string' },
            qformerText: { type: 'string', minLength: 1 },
          },
          ['cues', 'cleanTokenization', 'addSpace', 'prefix', 'postfix'],
        ),
      ],
    },
  },
  ['formatVersion', 'name', 'family', 'variant', 'llm', 'modalities', 'capabilities', 'graphs', 'tokenizers', 'specialTokens', 'preprocess', 'prompts', 'generation'],
);
