/**
 * BLIP VQA's optional `inference_method: generate` on the `answer_decoder` role, which has no KV
 * cache (models/CONTRACT.md section 2): every step recomputes the whole sequence. Answers are
 * short (LAVIS: max_length 10), so the quadratic cost does not matter. Decoder kind
 * 'bert-decoder': the start id ([DEC]) counts in the lengths. LAVIS passes an all-ones encoder
 * mask here (model-contracts §3.5), so callers pass ones unless they want the padding honoured.
 */
import type * as ort from 'onnxruntime-node';
import type { StepDecoder, StepDecoderFactory, StepLogits } from '../decoder.js';
import { asInputType, expandedRows, gatherRows, int64, lastPositionLogits, requireOutput } from './tensors.js';

export interface AnswerGenerationInputs {
  /** [questions, encSeq, hidden]: the question states of the fusion encoder. */
  readonly questionStates: ort.Tensor;
  /** [questions][encSeq]. */
  readonly questionMask: readonly (readonly number[])[];
  /** The ids generate starts from, per question (BLIP: [[DEC]]), one length for all. */
  readonly promptIds: readonly (readonly number[])[];
}

export function answerGenerationFactory(session: ort.InferenceSession, inputs: AnswerGenerationInputs): StepDecoderFactory {
  return {
    kind: 'bert-decoder',
    inputs: inputs.promptIds.length,
    initialIds: inputs.promptIds,
    open: async (expansion) => new RecomputingStep(session, inputs, expansion),
  };
}

class RecomputingStep implements StepDecoder {
  readonly rows: number;
  private sequences: number[][];
  private readonly states: ort.Tensor;
  private readonly mask: ort.Tensor;

  constructor(
    private readonly session: ort.InferenceSession,
    inputs: AnswerGenerationInputs,
    expansion: number,
  ) {
    const rowsOf = expandedRows(inputs.promptIds.length, expansion);
    this.rows = rowsOf.length;
    this.sequences = rowsOf.map((r) => [...inputs.promptIds[r]!]);
    this.states = gatherRows(asInputType(session, 'encoder_hidden_states', inputs.questionStates), rowsOf);
    this.mask = int64(rowsOf.map((r) => inputs.questionMask[r]!));
  }

  private async run(): Promise<StepLogits> {
    const outputs = await this.session.run({
      input_ids: int64(this.sequences),
      attention_mask: int64(this.sequences.map((seq) => seq.map(() => 1))),
      encoder_hidden_states: this.states,
      encoder_attention_mask: this.mask,
    });
    return lastPositionLogits(requireOutput(outputs, 'logits', 'answer_decoder'), 'answer_decoder');
  }

  first(): Promise<StepLogits> {
    return this.run();
  }

  next(sourceRows: readonly number[] | null, tokens: readonly number[]): Promise<StepLogits> {
    const previous = this.sequences;
    this.sequences = (sourceRows ?? previous.map((_, r) => r)).map((s, r) => [...previous[s]!, tokens[r]!]);
    return this.run();
  }

  dispose(): void {
    // Nothing cached between steps.
  }
}
