/**
 * What a tokenizer.json holds, read from the file itself rather than trusted from the manifest:
 * how many ids it can produce (the size an embedding table or a logits axis must cover). A
 * special id past it still encodes without complaint, so it is checked when the model loads.
 */

/** Number of ids the tokenizer can emit: highest id in the vocabulary or the added tokens, plus one. */
export function vocabularySize(tokenizerJson: Record<string, unknown>): number {
  let highest = -1;
  const vocab = (tokenizerJson['model'] as { vocab?: unknown } | undefined)?.vocab;
  if (Array.isArray(vocab)) highest = vocab.length - 1; // Unigram: [piece, score] rows, the id is the row
  else if (vocab !== null && typeof vocab === 'object') {
    for (const id of Object.values(vocab)) if (typeof id === 'number' && id > highest) highest = id;
  }
  const added = tokenizerJson['added_tokens'];
  if (Array.isArray(added)) {
    for (const token of added) {
      const id = (token as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && id > highest) highest = id;
    }
  }
  // The highest id, not the number of entries: trimmed vocabularies (test fixtures) are sparse.
  return highest + 1;
}
