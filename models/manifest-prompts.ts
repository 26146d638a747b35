/**
 * The manifest's prompts (models/CONTRACT.md section 4, `prompts`): checked at load, so a prompt
 * that cannot be filled fails before any task runs instead of on every sample.
 */
import { didYouMean } from './did-you-mean.js';
import { ManifestError } from './manifest-error.js';
import type { Capability, ModelManifest } from './manifest-types.js';

/** The capabilities that read each prompt (families/defaults.ts); a prompt none of them reads is unused. */
const PROMPT_READERS: Readonly<Record<string, readonly Capability[]>> = {
  caption: ['captioning'],
  vqa: ['vqa-rank', 'vqa-generate'],
  instruction: ['instruction-generate', 'instruction-rank'],
};

/** A prompt for a capability the model lacks would load and never be used (a retrieval export's caption prompt). */
function checkPromptUse(file: string, m: ModelManifest): void {
  for (const kind of Object.keys(m.prompts)) {
    const readers = PROMPT_READERS[kind] ?? [];
    if (readers.length === 0 || readers.some((c) => m.capabilities.includes(c))) continue;
    throw new ManifestError(file, `/prompts/${kind}`, `only ${readers.map((c) => `'${c}'`).join(' or ')} reads this prompt, and the model has none of them, so it would never be used; remove /prompts/${kind} (vlbench's exporters wrote such prompts until 2026-11-28: delete the key, or export again)`);
  }
}

/**
 * Placeholders each prompt kind is filled with, from the code that fills it: VQA templates go
 * through families/prompts.ts `fillTemplate` (`{question}`, LAVIS's bare `{}` as its alias; the
 * VQA request carries no context or options); the caption prompt is passed as it is written
 * (BLIP tokenizes it, the LLM families feed it), so a brace there would reach the model.
 */
const PLACEHOLDERS = {
  caption: { accepts: [] as string[], required: false },
  vqa: { accepts: ['question', ''], required: true },
} as const;

/** Every `{name}` in a text (`{}` gives ''), anything between braces so `{Question}` is caught too. */
function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '');
}

function checkTemplate(file: string, kind: keyof typeof PLACEHOLDERS, text: string): void {
  const { accepts, required } = PLACEHOLDERS[kind];
  const pointer = `/prompts/${kind}`;
  const allowed = accepts.length === 0 ? 'the caption prompt takes no placeholders (it is fed as written)' : 'allowed: {question} (or {})';
  for (const name of placeholdersOf(text)) {
    if (!(accepts as readonly string[]).includes(name)) {
      const hint = didYouMean(name, accepts.filter((a) => a !== ''));
      throw new ManifestError(file, pointer, `unknown placeholder {${name}} in "${text}"${hint.replace(/'([^']+)'/, '{$1}')}; ${allowed}`);
    }
  }
  if (required && placeholdersOf(text).length === 0) {
    throw new ManifestError(file, pointer, `"${text}" has no {question} placeholder, so every question would be dropped; write the template text with {question} where the question goes, e.g. "Question: {question} Short answer:"`);
  }
}

/**
 * Instruction tasks build their prompt from the suite task's `template` (default `{question}`,
 * suites/settings.ts); nothing reads `prompts.instruction`. The exporters and the tiny models
 * write `{question}`, which is what happens anyway, so only that value is accepted: any other
 * text would be ignored without a word.
 */
const INSTRUCTION_PROMPT = '{question}';

export function checkPrompts(file: string, m: ModelManifest): void {
  checkPromptUse(file, m);
  if (m.prompts.caption !== undefined) checkTemplate(file, 'caption', m.prompts.caption);
  if (m.prompts.vqa !== undefined) checkTemplate(file, 'vqa', m.prompts.vqa);
  const instruction = m.prompts.instruction;
  if (instruction !== undefined && instruction !== INSTRUCTION_PROMPT) {
    throw new ManifestError(
      file,
      '/prompts/instruction',
      `instruction prompts come from the suite task's 'template' (suites/README.md), not from model.json; set that template in the suite and remove /prompts/instruction (only "${INSTRUCTION_PROMPT}", the default, is accepted here)`,
    );
  }
}
