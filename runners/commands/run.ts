// Placeholder until the runner lands.
import type { Command } from './command.js';

export const runCommand: Command = {
  summary: 'Run suites: every model on every task it supports; writes a run directory',
  async run() {
    throw new Error('vlbench run is not implemented yet');
  },
};

export const startCommand: Command = {
  summary: 'The main job: the default suite over the bundled benchmark, then the report',
  async run() {
    throw new Error('vlbench start is not implemented yet');
  },
};
