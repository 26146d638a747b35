/**
 * LAVIS's text processors at evaluation time (lavis/processors/blip_processors.py and
 * instruction_text_processors.py), reproduced character for character:
 * - `blip_caption` (pre_caption): lowercase; each of . ! " ( ) * # : ; ~ becomes a space; runs of
 *   two or more whitespace characters become one space; rstrip "\n"; strip " "; keep the first
 *   `maxWords` space-separated words; prepend the prompt.
 * - `blip_question` (pre_question): lowercase; DELETE each of . ! " ( ) * # : ; ~ (no space);
 *   rstrip " " only (no collapsing, no lstrip); keep the first `maxWords` words. No prompt.
 * - `blip_instruction` with task "eval" (X-InstructBLIP): "" returns the prompt verbatim, anything
 *   else goes through pre_caption (no prompt prepended, no further lowercasing or stripping).
 */

export type TextProcessor =
  | { readonly kind: 'blip_caption'; readonly prompt?: string; readonly maxWords?: number }
  | { readonly kind: 'blip_question'; readonly maxWords?: number }
  | { readonly kind: 'blip_instruction'; readonly prompt?: string; readonly maxWords?: number };

export const DEFAULT_MAX_WORDS = 50;

const PUNCTUATION = /[.!"()*#:;~]/g;
/**
 * Python's `\s` on str (characters for which str.isspace() is true). JavaScript's `\s` differs:
 * it lacks U+001C..U+001F and U+0085 and adds U+FEFF.
 */
const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PYTHON_WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE}]{2,}`, 'g');
const PYTHON_WHITESPACE_ENDS = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, 'g');

/** Python's str.strip(), exactly (LAVIS strips generated text with it: `[text.strip() for text in output_text]`). */
export function pythonStrip(text: string): string {
  return text.replace(PYTHON_WHITESPACE_ENDS, '');
}

/** Keep the first `maxWords` words of a string split on single spaces (Python str.split(" ")). */
function truncateWords(text: string, maxWords: number): string {
  const words = text.split(' ');
  return words.length > maxWords ? words.slice(0, maxWords).join(' ') : text;
}

function stripChar(text: string, char: string, side: 'both' | 'right'): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  let start = 0;
  if (side === 'both') while (start < end && text[start] === char) start++;
  return text.slice(start, end);
}

/** BLIP's pre_caption (the body of `blip_caption` and of `blip_instruction`). */
export function preCaption(caption: string, maxWords = DEFAULT_MAX_WORDS): string {
  let text = caption.toLowerCase().replace(PUNCTUATION, ' ');
  text = text.replace(PYTHON_WHITESPACE_RUN, ' ');
  text = stripChar(text, '\n', 'right');
  text = stripChar(text, ' ', 'both');
  return truncateWords(text, maxWords);
}

/** BLIP's pre_question (`blip_question`). */
export function preQuestion(question: string, maxWords = DEFAULT_MAX_WORDS): string {
  const text = stripChar(question.toLowerCase().replace(PUNCTUATION, ''), ' ', 'right');
  return truncateWords(text, maxWords);
}

/** Apply one of LAVIS's eval-time text processors. */
export function processText(processor: TextProcessor, text: string): string {
  switch (processor.kind) {
    case 'blip_caption':
      return (processor.prompt ?? '') + preCaption(text, processor.maxWords);
    case 'blip_question':
      return preQuestion(text, processor.maxWords);
    case 'blip_instruction':
      return text === '' ? (processor.prompt ?? '') : preCaption(text, processor.maxWords);
    default: {
      const never: never = processor;
      throw new Error(`unknown text processor ${JSON.stringify(never)}`);
    }
  }
}
