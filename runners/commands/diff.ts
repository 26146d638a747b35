// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const diffCommand: Command = {
  summary: 'Show the samples whose predictions or scores changed between two runs',
  async run() {
    throw new Error('vlbench diff is not implemented yet');
  },
};
