import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, ManifestError, rolesNeeded } from '../../../models/manifest.js';

const SHA = 'a'.repeat(64);
const graph = { file: 'g.onnx', sha256: SHA, inputs: { x: { dtype: 'float32', shape: ['batch', 3] } }, outputs: { y: { dtype: 'float32', shape: ['batch', 3] } } };

function albef(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formatVersion: 1,
    name: 'test-albef',
    family: 'albef',
    variant: 'test',
    llm: null,
    modalities: ['image'],
    capabilities: ['retrieval'],
    graphs: { vision_encoder: graph, text_encoder: graph, fusion_encoder: graph },
    tokenizers: {},
    specialTokens: {},
    preprocess: {},
    prompts: {},
    generation: {},
    ...overrides,
  };
}

function write(json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-manifest-'));
  const path = join(dir, 'model.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

function errorOf(json: unknown): ManifestError {
  const path = write(json);
  try {
    readManifest(path);
  } catch (error) {
    assert.instance(error, ManifestError);
    assert.ok((error as ManifestError).message.startsWith(path), 'message names the file');
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

test('a well-formed manifest loads, with the digest of its bytes', () => {
  const path = write(albef());
  const loaded = readManifest(path);
  assert.is(loaded.manifest.family, 'albef');
  assert.match(loaded.sha256, /^[0-9a-f]{64}$/);
});

test('unknown keys are errors naming the key and the pointer', () => {
  const error = errorOf(albef({ capabilites: ['retrieval'] }));
  assert.is(error.pointer, '');
  assert.match(error.message, /unknown key 'capabilites'/);
  const nested = errorOf(albef({ graphs: { vision_encoder: { ...graph, shape: [] }, text_encoder: graph, fusion_encoder: graph } }));
  assert.is(nested.pointer, '/graphs/vision_encoder');
});

test('a zero or negative normalisation std is an error at its pointer, not NaN scores later', () => {
  const image = { size: 64, resize: 'stretch', mean: [0.5, 0.5, 0.5], std: [0.2, 0, 0.2] };
  const error = errorOf(albef({ preprocess: { image } }));
  assert.is(error.pointer, '/preprocess/image/std/1');
  assert.ok(readManifest(write(albef({ preprocess: { image: { ...image, std: [0.2, 0.3, 0.2] } } }))));
});

test('a misspelt prompt key is an error with did-you-mean, not an empty prompt', () => {
  const error = errorOf(albef({ prompts: { captoin: 'a picture of ' } }));
  assert.is(error.pointer, '/prompts');
  assert.match(error.message, /unknown key 'captoin' \(did you mean 'caption'\?\)/);
});

test('prompts.instruction is refused unless it is the default the suite applies anyway', () => {
  const llm = { family: 'instructblip', llm: { kind: 'decoder-only', name: 'opt' }, capabilities: ['instruction-generate'], graphs: { vision_encoder: graph, qformer: graph, llm_embed: graph, llm_decoder: graph } };
  const error = errorOf(albef({ ...llm, prompts: { instruction: 'Answer: {question}' } }));
  assert.is(error.pointer, '/prompts/instruction');
  assert.match(error.message, /suite task's 'template'/);
});

test('an unknown special-token role is an error with did-you-mean', () => {
  const error = errorOf(albef({ specialTokens: { llm: { bos: 2, eso: 14, pad: 1 } } }));
  assert.is(error.pointer, '/specialTokens/llm');
  assert.match(error.message, /unknown key 'eso' \(did you mean 'eos'\?\)/);
  assert.match(errorOf(albef({ specialTokens: { text: { pad: 0, clss: 2 } } })).message, /did you mean 'cls'/);
});

test('a misspelt graph role or generation task names the key first, with did-you-mean', () => {
  const role = errorOf(albef({ graphs: { vision_encoder: graph, text_encoder: graph, fusion_encodr: graph } }));
  assert.is(role.pointer, '/graphs');
  assert.match(role.message, /^[^:]+ at \/graphs: unknown key 'fusion_encodr' \(did you mean 'fusion_encoder'\?\)/);
  assert.not.match(role.message, /more problem/, 'the enum error of the same key is not a second problem');
  const task = errorOf(albef({ generation: { captoin: { numBeams: 3 } } }));
  assert.is(task.pointer, '/generation');
  assert.match(task.message, /unknown key 'captoin' \(did you mean 'caption'\?\)/);
});

test('a renamed top-level key is reported as unknown, not as the missing one', () => {
  const { generation, ...rest } = albef();
  const error = errorOf({ ...rest, generaton: generation });
  assert.match(error.message, /unknown key 'generaton' \(did you mean 'generation'\?\)/);
});

test('a misspelt enum value gets a did-you-mean', () => {
  assert.match(errorOf(albef({ family: 'blip-2' })).message, /"blip-2" is not allowed \(did you mean 'blip2'\?\); must be one of/);
});

test('ALBEF cannot declare captioning: it has no decoder', () => {
  const error = errorOf(albef({ capabilities: ['retrieval', 'captioning'] }));
  assert.is(error.pointer, '/capabilities/1');
  assert.match(error.message, /cannot have capability 'captioning'/);
});

test('a default VQA method the capabilities do not include is an error at /vqa/method', () => {
  const error = errorOf(albef({ vqa: { method: 'generate', numAnswerCandidates: 128 } }));
  assert.is(error.pointer, '/vqa/method');
  assert.match(error.message, /default VQA method 'generate' needs the capability 'vqa-generate'/);
});

test('a capability without its roles names the missing roles', () => {
  const error = errorOf(albef({ graphs: { vision_encoder: graph, text_encoder: graph } }));
  assert.match(error.message, /needs graph role\(s\) fusion_encoder/);
});

test('a role the family does not use is rejected', () => {
  const error = errorOf(albef({ graphs: { vision_encoder: graph, text_encoder: graph, fusion_encoder: graph, qformer: graph } }));
  assert.is(error.pointer, '/graphs/qformer');
});

test('LLM families need an llm entry; others must not have one', () => {
  assert.match(errorOf(albef({ llm: { kind: 'decoder-only', name: 'opt' } })).message, /has no LLM/);
  const retrievalOnly = albef({ family: 'blip2', graphs: { vision_encoder: graph, qformer: graph, qformer_text: graph, qformer_itm: graph } });
  assert.is(readManifest(write(retrievalOnly)).manifest.llm, null, 'a Q-Former retrieval model has no LLM');
  const captioner = albef({ family: 'blip2', capabilities: ['captioning'], graphs: { vision_encoder: graph, qformer: graph, llm_embed: graph, llm_decoder: graph } });
  assert.match(errorOf(captioner).message, /needs an 'llm' entry/);
});

test('KV pairs must cover every layer and name declared tensors', () => {
  const kv = { layers: 1, heads: 1, headDim: 1, pairs: [['past_key_values.0.key', 'present.0.key']] };
  const error = errorOf(albef({ graphs: { vision_encoder: { ...graph, kvCache: kv }, text_encoder: graph, fusion_encoder: graph } }));
  assert.match(error.message, /expected 2 pairs/);
});

test('a newer format version is refused with the fix', () => {
  assert.match(errorOf(albef({ formatVersion: 2 })).message, /newer than this vlbench reads.*upgrade/);
});

test('invalid JSON and missing files are reported with the path', () => {
  assert.match(errorOf('{ not json').message, /not valid JSON/);
  assert.throws(() => readManifest('/nonexistent/model.json'), /cannot read the manifest/);
});

test('a JSON syntax error says where (line, column) and names the usual mistake: a comment, a trailing comma, a BOM', () => {
  // It used to give V8's character offset and no hint; CONTRACT.md shows model.json as JSONC.
  const text = JSON.stringify(albef(), null, 2);
  const comment = errorOf(text.replace('"name": "test-albef",', '"name": "test-albef", // mine'));
  assert.match(comment.message, /: not valid JSON at line 3, column 25: JSON has no comments .*remove it/);
  assert.match(errorOf(text.replace(/\n}$/, ',\n}')).message, /: not valid JSON at line \d+, column 1: a trailing comma; remove it$/);
  assert.match(errorOf(`\uFEFF${text}`).message, /the file starts with a byte-order mark \(U\+FEFF\); save it as UTF-8 without a BOM/);
  // V8 quotes the document when it gives no position; the message stays short.
  assert.is(errorOf('{"a": [1,],}').message.includes('is not valid JSON'), false);
});

test('VQA ranking needs the text encoder for ALBEF only', () => {
  assert.ok(rolesNeeded('albef', 'vqa-rank', { llm: null }).includes('text_encoder'));
  assert.not.ok(rolesNeeded('blip', 'vqa-rank', { llm: null }).includes('text_encoder'));
});

test('roles needed by encoder-decoder captioning include the LLM encoder', () => {
  const roles = rolesNeeded('blip2', 'captioning', { llm: { kind: 'encoder-decoder', name: 't5' } });
  assert.ok(roles.includes('llm_encoder'));
  assert.not.ok(rolesNeeded('blip2', 'captioning', { llm: { kind: 'decoder-only', name: 'opt' } }).includes('llm_encoder'));
});

test.run();
