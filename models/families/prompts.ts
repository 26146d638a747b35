/** Filling prompt templates: `{question}` and friends, as LAVIS's `prompt.format(...)` does with `{}`. */

/** Replaces `{question}` (and a bare `{}`, LAVIS style) with the processed question. */
export function fillTemplate(template: string, question: string): string {
  if (!template.includes('{question}') && !template.includes('{}')) {
    throw new Error(`prompt template '${template}' has no {question} placeholder`);
  }
  return template.replaceAll('{question}', question).replaceAll('{}', question);
}
