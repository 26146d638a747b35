// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const validateCommand: Command = {
  summary: 'Validate suites without running anything',
  async run() {
    throw new Error('vlbench validate is not implemented yet');
  },
};
