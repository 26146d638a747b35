/**
 * The manifest's prompts (models/CONTRACT.md section 4, `prompts`): checked at load, so a prompt
 * that cannot be filled fails before any task runs instead of on every sample.
 */
import { ManifestError } from './manifest-error.js';
import type { ModelManifest } from './manifest-types.js';

/**
 * Instruction tasks build their prompt from the suite task's `template` (default `{question}`,
 * suites/settings.ts); nothing reads `prompts.instruction`. The exporters and the tiny models
 * write `{question}`, which is what happens anyway, so only that value is accepted: any other
 * text would be ignored without a word.
 */
const INSTRUCTION_PROMPT = '{question}';

export function checkPrompts(file: string, m: ModelManifest): void {
  const instruction = m.prompts.instruction;
  if (instruction !== undefined && instruction !== INSTRUCTION_PROMPT) {
    throw new ManifestError(
      file,
      '/prompts/instruction',
      `instruction prompts come from the suite task's 'template' (suites/README.md), not from model.json; set that template in the suite and remove /prompts/instruction (only "${INSTRUCTION_PROMPT}", the default, is accepted here)`,
    );
  }
}
