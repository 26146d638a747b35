/**
 * The beam-search rules that changed between transformers releases. LAVIS pinned old releases
 * (BLIP: < 4.27; BLIP-2 / InstructBLIP: 4.33.2), while a checkpoint exported today is checked
 * against transformers 5.x (models/export/verify_tiny_random.py), so the engine follows each.
 *
 * - 'pre-4.27': a finished hypothesis is normalised by the length generate holds (prompt
 *   included, EOS excluded); the stopping test divides the best candidate score by that length.
 * - '4.29-4.35': the same, but the stopping test uses the held length + 1 (PRs #21993, #23127).
 *   4.27-4.28 added the 1 once per batch member, a bug that made stopping depend on batch
 *   position; it is not reproduced.
 * - '5.x' (read from, and checked against, transformers 5.17's vectorised `_beam_search`): lengths
 *   count generated tokens only, the finishing token included (EOS or the max-length token); the
 *   stopping test uses the best beam that continues, not the best candidate; at the max-length
 *   step exactly the top numBeams candidates finish, EOS or not; a hypothesis ends on the EOS id
 *   that was generated (4.x appends the first EOS id instead).
 */
export type TransformersEra = 'pre-4.27' | '4.29-4.35' | '5.x';

export const TRANSFORMERS_ERAS: readonly TransformersEra[] = ['pre-4.27', '4.29-4.35', '5.x'];

export interface BeamEraRules {
  /** Length a hypothesis finishing this step is normalised by; `held` excludes this step's token. */
  finishedLength(held: number, initial: number): number;
  /** Length the best running score is normalised by when testing whether an input is done. */
  doneLength(held: number, initial: number): number;
  /** true: the stopping test uses the best continuing beam; false: the best candidate, EOS included. */
  readonly doneFromContinuingBeam: boolean;
  /** true: at the step reaching max length, candidates of rank < numBeams finish, EOS or not. */
  readonly topRanksFinishAtMaxLength: boolean;
  /**
   * true (5.x): a hypothesis keeps the EOS id it ended on, as 5.x returns the generated tokens;
   * false (4.x): it is stored without EOS and `finalize` appends `eos_token_id[0]` whichever EOS
   * id ended it.
   */
  readonly hypothesisKeepsEos: boolean;
}

export function beamEraRules(era: TransformersEra): BeamEraRules {
  switch (era) {
    case 'pre-4.27':
      return { finishedLength: (held) => held, doneLength: (held) => held, doneFromContinuingBeam: false, topRanksFinishAtMaxLength: false, hypothesisKeepsEos: false };
    case '4.29-4.35':
      return { finishedLength: (held) => held, doneLength: (held) => held + 1, doneFromContinuingBeam: false, topRanksFinishAtMaxLength: false, hypothesisKeepsEos: false };
    case '5.x':
      return {
        finishedLength: (held, initial) => held + 1 - initial,
        doneLength: (held, initial) => held + 1 - initial,
        doneFromContinuingBeam: true,
        topRanksFinishAtMaxLength: true,
        hypothesisKeepsEos: true,
      };
    default: {
      const never: never = era;
      throw new Error(`unknown transformers era ${String(never)}; use one of ${TRANSFORMERS_ERAS.join(', ')}`);
    }
  }
}
