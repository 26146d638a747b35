/**
 * The error every manifest check throws: the file, the JSON pointer and the problem (with its
 * fix) in one message. Its own module so the check modules can throw it without importing
 * manifest.ts, which imports them.
 */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    readonly file: string,
    readonly pointer: string,
    problem: string,
  ) {
    super(`${file}${pointer ? ` at ${pointer}` : ''}: ${problem}`);
  }
}
