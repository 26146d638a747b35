/**
 * The vlbench CLI with the test-double models wired in, for tests that run it as a child
 * process (kill -9 and resume): `node --import tsx test/unit/runners/helpers/cli-with-double.ts run ...`.
 * Same command code as runners/cli.ts; only the model loader differs.
 */
import { createRunCommand } from '../../../../runners/commands/run.js';
import { mergeCommand } from '../../../../runners/commands/merge.js';
import { doubleModels, loadDouble } from './double-model.js';

const [name, ...rest] = process.argv.slice(2);
const command = name === 'merge' ? mergeCommand : createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels });
process.exitCode = await command.run(rest);
