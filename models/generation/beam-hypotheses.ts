/**
 * Finished-hypothesis bookkeeping of one input's beam search, as transformers 4.33's
 * BeamHypotheses: score = sum of (processed) log-probs / len^lengthPenalty, where len is by
 * default the length of the sequence `generate` holds when the hypothesis ends (EOS not counted);
 * callers following another transformers release pass the length that release uses (beam-era.ts).
 */

export interface Hypothesis {
  readonly score: number;
  /** The sequence as generate holds it (initial ids included); EOS excluded (4.x) or included (5.x, beam-era.ts). */
  readonly ids: readonly number[];
}

export class BeamHypotheses {
  private readonly beams: Hypothesis[] = [];
  private worstScore = 1e9;

  constructor(
    private readonly numBeams: number,
    private readonly lengthPenalty: number,
    private readonly earlyStopping: boolean,
  ) {}

  get size(): number {
    return this.beams.length;
  }

  /** Python's float semantics: 0 ** negative or a zero denominator raise in HF; so do we. */
  static lengthNormalised(sumLogProbs: number, length: number, lengthPenalty: number): number {
    const denominator = length ** lengthPenalty;
    if (denominator === 0 || !Number.isFinite(denominator)) {
      throw new Error(
        `beam search: a hypothesis of length 0 cannot be length-normalised with lengthPenalty ${lengthPenalty} ` +
          '(transformers raises ZeroDivisionError here too); use minLength >= 1 so EOS cannot end an empty sequence',
      );
    }
    return sumLogProbs / denominator;
  }

  add(ids: readonly number[], sumLogProbs: number, normalisedLength: number = ids.length): void {
    const score = BeamHypotheses.lengthNormalised(sumLogProbs, normalisedLength, this.lengthPenalty);
    if (this.beams.length < this.numBeams || score > this.worstScore) {
      this.beams.push({ score, ids: [...ids] });
      if (this.beams.length > this.numBeams) {
        // Python's sorted() over (score, index) pairs: ties broken by insertion index.
        const ranked = this.beams.map((beam, index) => ({ score: beam.score, index })).sort((a, b) => a.score - b.score || a.index - b.index);
        this.beams.splice(ranked[0]!.index, 1);
        this.worstScore = ranked[1]!.score;
      } else {
        this.worstScore = Math.min(score, this.worstScore);
      }
    }
  }

  /**
   * early_stopping=false (what LAVIS uses): done when the best running beam, normalised with the
   * current length, cannot beat the worst kept hypothesis. `currentLength` is the length of the
   * sequences including this step's token (4.33's `input_ids.shape[-1] + 1`), while `add` divides
   * by the finished hypothesis' own length without EOS; 4.36+ changed both (generated length only).
   */
  isDone(bestSumLogProbs: number, currentLength: number): boolean {
    if (this.beams.length < this.numBeams) return false;
    if (this.earlyStopping) return true;
    const highestAttainable = bestSumLogProbs / currentLength ** this.lengthPenalty;
    return this.worstScore >= highestAttainable;
  }

  /** The best hypothesis (the last of a stable ascending sort, as Python's sorted(...).pop()). */
  best(): Hypothesis {
    if (this.beams.length === 0) throw new Error('beam search: no finished hypothesis');
    const ranked = this.beams.map((beam, index) => ({ beam, index })).sort((a, b) => a.beam.score - b.beam.score || a.index - b.index);
    return ranked[ranked.length - 1]!.beam;
  }
}
