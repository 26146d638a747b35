// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const reportCommand: Command = {
  summary: 'Render tables, Vega-Lite charts and an HTML report from run directories',
  async run() {
    throw new Error('vlbench report is not implemented yet');
  },
};
