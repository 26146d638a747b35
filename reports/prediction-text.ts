/** A prediction as one line of text, for the sample browser and `vlbench diff`. */
import type { PredictionRecord } from './records.js';

export function predictionText(p: PredictionRecord): string {
  switch (p.kind) {
    case 'captioning': return p.caption;
    case 'vqa': return p.answer;
    case 'instruction': return p.mode === 'multiple-choice' && p.chosenIndex >= 0 ? `(${String.fromCharCode(97 + p.chosenIndex)}) ${p.answer}` : p.answer;
    case 'retrieval': return `ground truth at rank ${p.rank + 1}${p.top.length ? `; top: ${p.top.slice(0, 3).join(', ')}` : ''}`;
    case 'failed': return `failed: ${p.reason}`;
    default: {
      const never: never = p;
      return never;
    }
  }
}
