// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const preprocessCommand: Command = {
  summary: 'Write the tensor a model would see for one input (debug preprocessing)',
  async run() {
    throw new Error('vlbench preprocess is not implemented yet');
  },
};
