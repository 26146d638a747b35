// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const lsCommand: Command = {
  summary: 'List registered models, datasets or tasks',
  async run() {
    throw new Error('vlbench ls is not implemented yet');
  },
};
