// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const mergeCommand: Command = {
  summary: 'Merge the run directories of a sharded run into one',
  async run() {
    throw new Error('vlbench merge is not implemented yet');
  },
};
