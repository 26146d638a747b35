// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const gateCommand: Command = {
  summary: 'Gate a run against floors, ceilings and a baseline (CI)',
  async run() {
    throw new Error('vlbench gate is not implemented yet');
  },
};
