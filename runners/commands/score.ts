// Placeholder until the command lands; see the issue that owns it.
import type { Command } from './command.js';

export const scoreCommand: Command = {
  summary: 'Score predictions from any source: caption, vqa or retrieval (no model needed)',
  async run() {
    throw new Error('vlbench score is not implemented yet');
  },
};
