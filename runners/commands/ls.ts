/** `vlbench ls models|datasets|tasks`: what a suite may name. */
import { parse } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { DATASET_LOADERS } from '../../datasets/registry.js';
import { bundledModels } from '../../models/load.js';
import { allowedMetrics } from '../../suites/metric-names.js';
import { TEMPLATES } from '../../suites/templates.js';
import type { TaskSpec } from '../../suites/schema/suite.js';
import type { Command } from './command.js';

const HELP = 'Usage: vlbench ls models|datasets|tasks';

function listModels(): string[] {
  const models = [...bundledModels()];
  if (models.length === 0) return ['(no bundled models registered)'];
  return models.map(([name, path]) => `${name.padEnd(24)} ${path}`);
}

function listDatasets(): string[] {
  return [...DATASET_LOADERS.values()].flatMap((loader) => [
    `${loader.name.padEnd(20)} ${loader.produces.join('/')} (${loader.modality}) — ${loader.description}`,
    ...Object.entries(loader.files).map(([role, f]) => `    file ${role}${f.required ? '' : ' (optional)'}: ${f.description}`),
    ...Object.entries(loader.options).map(([name, o]) => `    option ${name}: ${o.type}${o.default === undefined ? '' : ` = ${JSON.stringify(o.default)}`} — ${o.description}`),
  ]);
}

function listTasks(): string[] {
  const kinds: { label: string; spec: TaskSpec }[] = [
    { label: 'retrieval', spec: { kind: 'retrieval', id: 'x', dataset: { loader: '', files: {} } } },
    { label: 'captioning', spec: { kind: 'captioning', id: 'x', dataset: { loader: '', files: {} } } },
    { label: 'vqa', spec: { kind: 'vqa', id: 'x', dataset: { loader: '', files: {} } } },
    { label: 'instruction (open)', spec: { kind: 'instruction', mode: 'open', id: 'x', dataset: { loader: '', files: {} } } },
    { label: 'instruction (multiple-choice)', spec: { kind: 'instruction', mode: 'multiple-choice', id: 'x', dataset: { loader: '', files: {} } } },
  ];
  return [
    'Task kinds and their metrics:',
    ...kinds.map(({ label, spec }) => `  ${label.padEnd(30)} ${allowedMetrics(spec).join(', ')}`),
    '',
    'Prompt templates (`template`, `candidateTemplate`):',
    ...Object.entries(TEMPLATES).map(([name, t]) => `  ${name.padEnd(30)} ${t.role.padEnd(9)} ${JSON.stringify(t.text)}  — ${t.source}`),
  ];
}

export const lsCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('ls', argv, { help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    const what = positionals[0];
    const lines = what === 'models' ? listModels() : what === 'datasets' ? listDatasets() : what === 'tasks' ? listTasks() : undefined;
    if (lines === undefined || positionals.length !== 1) throw new UsageError(`${HELP} (got '${positionals.join(' ')}')`);
    process.stdout.write(lines.join('\n') + '\n');
    return EXIT.ok;
  },
};
