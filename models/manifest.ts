/**
 * Reading and checking model.json (models/CONTRACT.md section 4). Structural errors come from
 * the JSON Schema; semantic errors (a capability without the roles it needs, a role the family
 * does not use, KV pairs naming undeclared tensors) from the checks below. Every error names the
 * manifest file and the JSON pointer, and says how to fix it.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject } from 'ajv';
import { MANIFEST_SCHEMA } from './manifest-schema.js';
import { MANIFEST_FORMAT_VERSION, type Capability, type GraphRole, type ModelManifest } from './manifest-types.js';
import type { FamilyName } from './capabilities.js';
import { ManifestError } from './manifest-error.js';
import { checkKvCache } from './manifest-kv.js';
import { checkPrompts } from './manifest-prompts.js';
import { checkConsistency, checkLlmKind } from './manifest-consistency.js';
import { didYouMean } from './did-you-mean.js';

export { ManifestError };

// verbose: errors carry their schema, so an unknown key can be matched against the known ones.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateSchema = ajv.compile(MANIFEST_SCHEMA);

export interface LoadedManifest {
  readonly manifest: ModelManifest;
  readonly path: string;
  readonly sha256: string;
}

export function readManifest(path: string): LoadedManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(path, '', `cannot read the manifest (${(error as Error).message}); pass the path of a model.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(path, '', jsonSyntaxProblem(text, (error as Error).message));
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > MANIFEST_FORMAT_VERSION) {
    throw new ManifestError(path, '/formatVersion', `format version ${version} is newer than this vlbench reads (${MANIFEST_FORMAT_VERSION}); upgrade vlbench`);
  }
  if (!validateSchema(json)) {
    // A bad key name also fails the names schema's enum, reported with `propertyName`: one problem, not two.
    const errors = (validateSchema.errors ?? []).filter((e) => e.propertyName === undefined || e.keyword === 'propertyNames');
    const chosen = mostSpecific(errors);
    throw new ManifestError(path, chosen?.instancePath ?? '', describeSchemaError(chosen, errors.length));
  }
  const manifest = json as unknown as ModelManifest;
  checkSemantics(path, manifest);
  return { manifest, path, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * V8 gives a character offset (and for some mistakes none); people fix a line and column. The
 * hints name the mistakes hand-edited model.json files make: comments (CONTRACT.md shows the
 * format as JSONC), trailing commas and a BOM. (suites/json-text.ts scans further, but models/
 * must not import suites/.)
 */
export function jsonSyntaxProblem(text: string, message: string): string {
  if (text.startsWith('\uFEFF')) return 'not valid JSON: the file starts with a byte-order mark (U+FEFF); save it as UTF-8 without a BOM';
  const at = /at position (\d+)/.exec(message);
  // Without a position V8 quotes the start of the document: noise for a model.json of 300 lines.
  if (!at) return `not valid JSON (${message.replace(/, ".*" is not valid JSON$/s, '')}); JSON has no comments or trailing commas`;
  const offset = Number(at[1]);
  const before = text.slice(0, offset);
  const where = `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
  const rest = text.slice(offset);
  const hint = rest.startsWith('//') || rest.startsWith('/*')
    ? 'JSON has no comments (the JSONC in models/CONTRACT.md only annotates the format); remove it (notes belong in "description")'
    : /,\s*$/.test(before) && /^[}\]]/.test(rest) ? 'a trailing comma; remove it' : message.replace(/ in JSON at position \d+.*$/, '');
  return `not valid JSON at ${where}: ${hint}`;
}

/**
 * The error to report when several fire. A renamed key ('qformer_txt', 'generaton') also sets
 * off the key's value schema and 'required' errors elsewhere; Ajv lists those first, and they
 * hide the one thing to fix, so an unknown-key error wins.
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword === 'propertyNames') ?? errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
}

function describeSchemaError(error: ErrorObject | undefined, count: number): string {
  if (!error) return 'does not match the model.json schema';
  const more = count > 1 ? ` (and ${count - 1} more problem${count > 2 ? 's' : ''})` : '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown key '${key}'${didYouMean(key, known)}; allowed keys here: ${known.join(', ')} (models/CONTRACT.md section 4)${more}`;
    }
    case 'propertyNames': {
      // The names schema is an enum (graph roles, generation tasks, modalities).
      const key = String(error.params.propertyName);
      const known = ((error.schema as { enum?: unknown[] } | undefined)?.enum ?? []).map(String);
      return `unknown key '${key}'${didYouMean(key, known)}; allowed keys here: ${known.join(', ')} (models/CONTRACT.md)${more}`;
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return `${JSON.stringify(error.data)} is not allowed${hint}; must be one of ${JSON.stringify(error.params.allowedValues)}${more}`;
    }
    case 'required':
      return `missing required key '${String(error.params.missingProperty)}'${more}`;
    default:
      return `${error.message ?? 'invalid'}${more}`;
  }
}

/** Roles a family may declare at all (CONTRACT section 3). */
const FAMILY_ROLES: Record<FamilyName, readonly GraphRole[]> = {
  albef: ['vision_encoder', 'text_encoder', 'fusion_encoder', 'answer_decoder'],
  blip: ['vision_encoder', 'text_encoder', 'fusion_encoder', 'text_decoder', 'answer_decoder'],
  blip2: ['vision_encoder', 'qformer', 'qformer_text', 'qformer_itm', 'llm_embed', 'llm_encoder', 'llm_decoder'],
  instructblip: ['vision_encoder', 'qformer', 'llm_embed', 'llm_encoder', 'llm_decoder'],
  xinstructblip: ['vision_encoder', 'audio_encoder', 'pointcloud_encoder', 'qformer', 'qformer_audio', 'qformer_video', 'qformer_pointcloud', 'llm_embed', 'llm_decoder'],
};

const LLM_FAMILIES: readonly FamilyName[] = ['blip2', 'instructblip', 'xinstructblip'];

/** Roles each capability needs (CONTRACT section 5). */
export function rolesNeeded(family: FamilyName, capability: Capability, manifest: Pick<ModelManifest, 'llm'>): GraphRole[] {
  const llmRoles: GraphRole[] = manifest.llm?.kind === 'encoder-decoder' ? ['qformer', 'llm_embed', 'llm_encoder', 'llm_decoder'] : ['qformer', 'llm_embed', 'llm_decoder'];
  const usesLlm = LLM_FAMILIES.includes(family);
  switch (capability) {
    case 'retrieval':
      return usesLlm ? ['vision_encoder', 'qformer', 'qformer_text', 'qformer_itm'] : ['vision_encoder', 'text_encoder', 'fusion_encoder'];
    case 'captioning':
      return usesLlm ? ['vision_encoder', ...llmRoles] : ['vision_encoder', 'text_decoder'];
    case 'vqa-rank':
      // ALBEF encodes the question with the text encoder first; BLIP feeds ids to the fusion encoder.
      if (usesLlm) return ['vision_encoder', ...llmRoles];
      return family === 'albef' ? ['vision_encoder', 'text_encoder', 'fusion_encoder', 'answer_decoder'] : ['vision_encoder', 'fusion_encoder', 'answer_decoder'];
    case 'vqa-generate':
      return usesLlm ? ['vision_encoder', ...llmRoles] : ['vision_encoder', 'fusion_encoder', 'answer_decoder'];
    case 'instruction-generate':
    case 'instruction-rank':
      return usesLlm ? ['vision_encoder', ...llmRoles] : [];
    default: {
      const never: never = capability;
      throw new Error(`unknown capability ${String(never)}`);
    }
  }
}

/** Capabilities a family can have at all: ALBEF has no decoder, so no captioning. */
const FAMILY_CAPABILITIES: Record<FamilyName, readonly Capability[]> = {
  albef: ['retrieval', 'vqa-rank'],
  blip: ['retrieval', 'captioning', 'vqa-rank', 'vqa-generate'],
  blip2: ['retrieval', 'captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank'],
  instructblip: ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank'],
  xinstructblip: ['captioning', 'vqa-generate', 'instruction-generate', 'instruction-rank'],
};

function checkSemantics(file: string, m: ModelManifest): void {
  const declared = Object.keys(m.graphs) as GraphRole[];
  for (const role of declared) {
    if (!FAMILY_ROLES[m.family].includes(role)) {
      throw new ManifestError(file, `/graphs/${role}`, `family '${m.family}' has no role '${role}'; its roles are ${FAMILY_ROLES[m.family].join(', ')}`);
    }
  }
  // A BLIP-2 retrieval-only model (the Q-Former checkpoints) has no LLM; every other LLM-family capability needs one.
  const needsLlm = LLM_FAMILIES.includes(m.family) && m.capabilities.some((c) => c !== 'retrieval');
  if (!LLM_FAMILIES.includes(m.family) && m.llm !== null) throw new ManifestError(file, '/llm', `family '${m.family}' has no LLM; set "llm": null`);
  if (needsLlm && m.llm === null) throw new ManifestError(file, '/llm', `family '${m.family}' with capabilities ${m.capabilities.join(', ')} needs an 'llm' entry ({kind, name})`);
  checkLlmKind(file, m);
  m.capabilities.forEach((capability, index) => {
    if (!FAMILY_CAPABILITIES[m.family].includes(capability)) {
      throw new ManifestError(file, `/capabilities/${index}`, `family '${m.family}' cannot have capability '${capability}'; possible: ${FAMILY_CAPABILITIES[m.family].join(', ')}`);
    }
    const missing = rolesNeeded(m.family, capability, m).filter((role) => !declared.includes(role));
    if (missing.length > 0) {
      throw new ManifestError(file, `/capabilities/${index}`, `capability '${capability}' needs graph role(s) ${missing.join(', ')}; add them under /graphs or drop the capability`);
    }
  });
  if (m.vqa && !m.capabilities.includes(`vqa-${m.vqa.method}`)) {
    throw new ManifestError(file, '/vqa/method', `the default VQA method '${m.vqa.method}' needs the capability 'vqa-${m.vqa.method}'; add it to /capabilities or change the method`);
  }
  for (const role of declared) checkKvCache(file, role, m.graphs[role]!);
  checkPrompts(file, m);
  checkConsistency(file, m);
}
