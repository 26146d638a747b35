/**
 * Answer normalisation of the VQAv2 evaluation code exactly as LAVIS ships it
 * (`lavis/common/vqa_tools/vqa_eval.py` @ salesforce/LAVIS 506965b, which is the official
 * GT-Vision-Lab/VQA `vqaEval.py` @ 458a8b2 ported to Python 3). Every quirk is kept on purpose,
 * because published BLIP-family VQA numbers were computed with them:
 *
 * - `processPunctuation` decides per punctuation mark from the ORIGINAL text: the mark is deleted
 *   when it touches a space somewhere in the text ("p " or " p"), otherwise replaced by a space.
 *   If the text contains a digit-comma-digit anywhere ("1,000"), every listed mark is deleted.
 * - The period rule `(?!<=\d)(\.)(?!\d)` was meant as a lookbehind but is a lookahead for the
 *   literal "<=" + digit, which can never match at a period; only "not followed by a digit"
 *   has an effect. So "3.5" keeps its period, "a.m." becomes "am", "5." becomes "5".
 * - `re.UNICODE` (= 32) is passed as the positional `count` of `Pattern.sub`, so at most 32
 *   periods are removed per call (the leftmost 32).
 * - `processDigitArticle` lowercases, maps number words (none/zero..ten), drops articles AFTER
 *   the number mapping, then maps contraction spellings. Keys `Im`, `Ive`, `Id've`, `I'dve` are
 *   capitalised and so never match after lowercasing; `somebody'd` maps backwards to
 *   `somebodyd`.
 *
 * Differences from Python that cannot be removed, documented rather than hidden:
 * - `\d` is Python 3's Unicode decimal digit; here `\p{Nd}`. Both follow their runtime's Unicode
 *   version (Python 3.11: Unicode 14; Node 20: ICU's), which differ only for digits added since.
 * - `str.lower()` vs `String.prototype.toLowerCase()`: both apply the full Unicode default case
 *   mapping (including final sigma); they differ only across Unicode versions.
 * - Python's `str.split()` / `str.strip()` whitespace set is reproduced exactly below (it is not
 *   JavaScript's `\s`: Python adds U+001C..U+001F and U+0085 and omits U+FEFF).
 */

/** The 21 marks of `self.punct`, in the official order (the order does not change results). */
export const VQA_PUNCTUATION: readonly string[] = [
  ';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!',
];

/** `self.manualMap`: number words to digits ("none" counts as zero). */
export const VQA_NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['none', '0'], ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'],
  ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'],
]);

export const VQA_ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/**
 * `self.contractions` (120 entries), verbatim including the entries that can never fire
 * (capitalised keys) and the backwards `somebody'd` entry. A Map, not an object, so that words
 * like "constructor" never hit Object.prototype.
 */
export const VQA_CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ['aint', "ain't"], ['arent', "aren't"], ['cant', "can't"], ['couldve', "could've"],
  ['couldnt', "couldn't"], ["couldn'tve", "couldn't've"], ["couldnt've", "couldn't've"],
  ['didnt', "didn't"], ['doesnt', "doesn't"], ['dont', "don't"], ['hadnt', "hadn't"],
  ["hadnt've", "hadn't've"], ["hadn'tve", "hadn't've"], ['hasnt', "hasn't"], ['havent', "haven't"],
  ['hed', "he'd"], ["hed've", "he'd've"], ["he'dve", "he'd've"], ['hes', "he's"], ['howd', "how'd"],
  ['howll', "how'll"], ['hows', "how's"], ["Id've", "I'd've"], ["I'dve", "I'd've"], ['Im', "I'm"],
  ['Ive', "I've"], ['isnt', "isn't"], ['itd', "it'd"], ["itd've", "it'd've"], ["it'dve", "it'd've"],
  ['itll', "it'll"], ["let's", "let's"], ['maam', "ma'am"], ['mightnt', "mightn't"],
  ["mightnt've", "mightn't've"], ["mightn'tve", "mightn't've"], ['mightve', "might've"],
  ['mustnt', "mustn't"], ['mustve', "must've"], ['neednt', "needn't"], ['notve', "not've"],
  ['oclock', "o'clock"], ['oughtnt', "oughtn't"], ["ow's'at", "'ow's'at"], ["'ows'at", "'ow's'at"],
  ["'ow'sat", "'ow's'at"], ['shant', "shan't"], ["shed've", "she'd've"], ["she'dve", "she'd've"],
  ["she's", "she's"], ['shouldve', "should've"], ['shouldnt', "shouldn't"],
  ["shouldnt've", "shouldn't've"], ["shouldn'tve", "shouldn't've"], ["somebody'd", 'somebodyd'],
  ["somebodyd've", "somebody'd've"], ["somebody'dve", "somebody'd've"], ['somebodyll', "somebody'll"],
  ['somebodys', "somebody's"], ['someoned', "someone'd"], ["someoned've", "someone'd've"],
  ["someone'dve", "someone'd've"], ['someonell', "someone'll"], ['someones', "someone's"],
  ['somethingd', "something'd"], ["somethingd've", "something'd've"],
  ["something'dve", "something'd've"], ['somethingll', "something'll"], ['thats', "that's"],
  ['thered', "there'd"], ["thered've", "there'd've"], ["there'dve", "there'd've"],
  ['therere', "there're"], ['theres', "there's"], ['theyd', "they'd"], ["theyd've", "they'd've"],
  ["they'dve", "they'd've"], ['theyll', "they'll"], ['theyre', "they're"], ['theyve', "they've"],
  ['twas', "'twas"], ['wasnt', "wasn't"], ["wed've", "we'd've"], ["we'dve", "we'd've"],
  ['weve', "we've"], ['werent', "weren't"], ['whatll', "what'll"], ['whatre', "what're"],
  ['whats', "what's"], ['whatve', "what've"], ['whens', "when's"], ['whered', "where'd"],
  ['wheres', "where's"], ['whereve', "where've"], ['whod', "who'd"], ["whod've", "who'd've"],
  ["who'dve", "who'd've"], ['wholl', "who'll"], ['whos', "who's"], ['whove', "who've"],
  ['whyll', "why'll"], ['whyre', "why're"], ['whys', "why's"], ['wont', "won't"],
  ['wouldve', "would've"], ['wouldnt', "wouldn't"], ["wouldnt've", "wouldn't've"],
  ["wouldn'tve", "wouldn't've"], ['yall', "y'all"], ["yall'll", "y'all'll"], ["y'allll", "y'all'll"],
  ["yall'd've", "y'all'd've"], ["y'alld've", "y'all'd've"], ["y'all'dve", "y'all'd've"],
  ['youd', "you'd"], ["youd've", "you'd've"], ["you'dve", "you'd've"], ['youll', "you'll"],
  ['youre', "you're"], ['youve', "you've"],
]);

/** Python 3 `str.isspace()` characters: what `str.split()` and `str.strip()` use. */
const PY_WHITESPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'u');
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE_CLASS}]+|[${PY_WHITESPACE_CLASS}]+$`, 'gu');

/** `commaStrip` `(\d)(,)(\d)`, only ever used as a search. */
const DIGIT_COMMA_DIGIT = /\p{Nd},\p{Nd}/u;
/** `periodStrip` as it really behaves: a period not followed by a digit. */
const PERIOD_NOT_BEFORE_DIGIT = /\.(?!\p{Nd})/gu;
/** `re.UNICODE` passed as `count` to `Pattern.sub`. */
const PERIOD_STRIP_MAX_REPLACEMENTS = 32;

/** Python `str.split()` with no argument: split on whitespace runs, no empty strings. */
export function pythonSplit(text: string): string[] {
  return text.split(PY_WHITESPACE_RUN).filter((word) => word.length > 0);
}

/** Python `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** `VQAEval.processPunctuation`, quirks included (see the module comment). */
export function processPunctuation(inText: string): string {
  const deleteEverywhere = DIGIT_COMMA_DIGIT.test(inText);
  let outText = inText;
  for (const p of VQA_PUNCTUATION) {
    const touchesSpace = inText.includes(p + ' ') || inText.includes(' ' + p);
    outText = outText.replaceAll(p, touchesSpace || deleteEverywhere ? '' : ' ');
  }
  let removed = 0;
  return outText.replace(PERIOD_NOT_BEFORE_DIGIT, (period) => {
    if (removed >= PERIOD_STRIP_MAX_REPLACEMENTS) return period;
    removed += 1;
    return '';
  });
}

/** `VQAEval.processDigitArticle`: lowercase, number words, drop articles, contractions. */
export function processDigitArticle(inText: string): string {
  const kept: string[] = [];
  for (const word of pythonSplit(inText.toLowerCase())) {
    const mapped = VQA_NUMBER_WORDS.get(word) ?? word;
    if (!VQA_ARTICLES.has(mapped)) kept.push(mapped);
  }
  return kept.map((word) => VQA_CONTRACTIONS.get(word) ?? word).join(' ');
}

/**
 * What `VQAEval.evaluate` does to every prediction before matching: newlines and tabs become
 * spaces, strip, then punctuation and digit/article processing.
 */
export function normalizeVqaPrediction(prediction: string): string {
  const cleaned = pythonStrip(prediction.replaceAll('\n', ' ').replaceAll('\t', ' '));
  return processDigitArticle(processPunctuation(cleaned));
}
