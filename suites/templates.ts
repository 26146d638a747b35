/**
 * Registered prompt templates (the LAVIS evaluation prompts, model-contracts §4-§6), so suites
 * name a template instead of carrying code. A suite may also give an inline template: any text
 * that is not a registered name, a one-word fixed instruction such as "Describe." included
 * (suites/check.ts reports a name-shaped word close to a registered name as a misspelt name).
 * Placeholders: `{question}`, `{context}`, `{options}` for prompts; `{choice}` for candidates,
 * which a candidate template must write. LAVIS's positional `{}` is filled as its
 * `predict_answers` fills it: one `{}` is the question, two are the question then the options
 * (`prompt.format(question, "(a) x (b) y")`); more than two is an error, as in Python.
 */

export type TemplateRole = 'prompt' | 'candidate';

export interface PromptTemplate {
  readonly text: string;
  readonly role: TemplateRole;
  readonly source: string;
}

export const TEMPLATES: Readonly<Record<string, PromptTemplate>> = {
  question: { text: '{question}', role: 'prompt', source: 'ALBEF/BLIP VQA ranking: the processed question alone' },
  'vqa-short-answer': { text: 'Question: {question} Short answer:', role: 'prompt', source: 'BLIP-2 zero-shot VQA YAMLs; InstructBLIP GQA/VizWiz/MSVD (paper appendix)' },
  'vqa-short-answer-capital': { text: 'Question: {question} Short Answer:', role: 'prompt', source: 'InstructBLIP LAVIS YAMLs (MSVD-QA run.prompt)' },
  'vqa-answer': { text: 'Question: {question} Answer:', role: 'prompt', source: 'BLIP-2 paper (OPT); X-InstructBLIP audio/video QA' },
  scienceqa: { text: 'Context: {context} Question: {question} Options: {options}. Answer:', role: 'prompt', source: 'InstructBLIP ScienceQA-IMG (author, LAVIS#326)' },
  iconqa: { text: 'Question: {question} Options: {options}. Short answer:', role: 'prompt', source: 'InstructBLIP IconQA (paper appendix, unverified)' },
  'xinstructblip-respond': { text: 'based on the given the image respond to {question}', role: 'prompt', source: 'X-InstructBLIP 7B GQA/OK-VQA YAMLs (sic)' },
  'xinstructblip-respond-vizwiz': { text: 'based on the given image respond to {question}', role: 'prompt', source: 'X-InstructBLIP VizWiz YAML' },
  'xinstructblip-respond-video': { text: 'based on the given video respond to {question}', role: 'prompt', source: 'X-InstructBLIP MSVD/MSRVTT QA YAMLs' },
  'describe-3d': { text: 'describe the 3d model.', role: 'prompt', source: 'X-InstructBLIP 7B ModelNet40 classification' },
  'describe-audio': { text: 'describe the audio', role: 'prompt', source: 'X-InstructBLIP ESC-50 classification' },
  choice: { text: '{choice}', role: 'candidate', source: 'the option text itself (InstructBLIP vocabulary ranking)' },
  // LAVIS's candidates carry the leading space (a sentencepiece LLM tokenizes it); a BPE LLM's
  // candidates get one anyway (llm-bridge.ts continuationText), so its ids are the same either way.
  'a-3d-model-of': { text: ' a 3d model of a {choice}', role: 'candidate', source: 'X-InstructBLIP ModelNet40 candidates' },
  'an-audio-of': { text: 'an audio of {choice}', role: 'candidate', source: 'X-InstructBLIP ESC-50 candidates' },
};

export const PLACEHOLDERS: Readonly<Record<TemplateRole, readonly string[]>> = {
  prompt: ['question', 'context', 'options', ''],
  candidate: ['choice'],
};

/** Whether a template value is inline text: anything that is not a registered name (names are single words). */
function isInlineTemplate(value: string): boolean {
  return !Object.hasOwn(TEMPLATES, value);
}

/**
 * Placeholder names used in a template text (`{}` gives ''). Every `{...}` counts, so a name the
 * templates do not know (`{Question}`, `{question }`, `{0}`) is reported rather than sent to the
 * model as literal text.
 */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** What each positional `{}` of a prompt template stands for, in order (LAVIS predict_answers). */
export function positionalFields(text: string): ('question' | 'options')[] {
  const count = placeholdersOf(text).filter((name) => name === '').length;
  if (count > 2) throw new TemplateError(`prompt template '${text}' has ${count} '{}' placeholders; LAVIS fills at most two (the question, then the options): name them {question}, {context}, {options}`);
  return count === 2 ? ['question', 'options'] : count === 1 ? ['question'] : [];
}

/** Whether a prompt template writes the question (`{question}`, or the first `{}`, as LAVIS's `format` fills it). */
export function templateWritesQuestion(nameOrText: string): boolean {
  const names = placeholdersOf(templateText(nameOrText));
  return names.includes('question') || names.includes('');
}

/** Whether a prompt template writes the options (`{options}`, or the second of two `{}`). */
export function templateUsesOptions(nameOrText: string): boolean {
  const text = templateText(nameOrText);
  return placeholdersOf(text).includes('options') || positionalFields(text).includes('options');
}

/** The template text of a registered name or inline template (validated by suites/check.ts). */
export function templateText(nameOrText: string): string {
  return isInlineTemplate(nameOrText) ? nameOrText : TEMPLATES[nameOrText]!.text;
}

/** Options as LAVIS writes them into prompts: `(a) first (b) second`. */
export function formatOptions(choices: readonly string[]): string {
  return choices.map((choice, i) => `(${String.fromCharCode(97 + i)}) ${choice}`).join(' ');
}

export interface PromptFields {
  readonly question: string;
  readonly context?: string;
  readonly choices?: readonly string[];
}

export function applyPromptTemplate(nameOrText: string, fields: PromptFields): string {
  const text = templateText(nameOrText);
  const positional = positionalFields(text);
  let next = 0;
  return text.replace(PLACEHOLDER, (_, placeholder: string) => {
    const name = placeholder === '' ? positional[next++]! : placeholder;
    if (name === 'question') return fields.question;
    if (name === 'context') return fields.context ?? '';
    if (name === 'options') return formatOptions(fields.choices ?? []);
    throw new TemplateError(`prompt template '${text}': unknown placeholder '{${name}}'; a prompt template may use {question}, {context}, {options}`);
  });
}

export function applyCandidateTemplate(nameOrText: string, choice: string): string {
  // A function replacer: as a replacement string, a choice's '$$', '$&' or "$'" (prices, "US$")
  // would be expanded as a pattern and another text ranked than the option shown.
  return templateText(nameOrText).replace(/\{choice\}/g, () => choice);
}
