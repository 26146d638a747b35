/**
 * `--models` in a project of one's own whose suite names a model by path
 * (`../exports/my-blip/model.json`): the model's id, which the summary table shows and by which
 * a task's `models` and gates may name it, selects it too; a name that selects nothing lists
 * each model as written with its id.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { UsageError } from '../../../runners/errors.js';
import { modelsNamed, notAModelOfTheSuites, sharedIdProblem, type SelectableModel } from '../../../runners/run/task-selection.js';
import { tempDirFactory } from '../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);

/** A copy of tiny-blip named `my-blip`, as the suite's path and as the registered tiny-blip. */
function models(): SelectableModel[] {
  const project = tempDir(join(tmpdir(), 'vlbench-models-by-id-'));
  const blip = bundledModels().get('tiny-blip')!;
  const mine = join(project, 'exports', 'my-blip');
  cpSync(join(blip, '..'), mine, { recursive: true });
  const manifest = join(mine, 'model.json');
  writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), name: 'my-blip' }));
  return [
    { reference: '../exports/my-blip/model.json', resolved: '../exports/my-blip/model.json', manifestPath: manifest },
    { reference: 'tiny-blip', resolved: 'tiny-blip', manifestPath: blip },
  ];
}

test('a model given by path is selected by its id as well as by its spelling', () => {
  const [mine, tiny] = models();
  assert.equal(modelsNamed([mine!, tiny!], 'my-blip'), [mine]);
  assert.equal(modelsNamed([mine!, tiny!], '../exports/my-blip/model.json'), [mine]);
  assert.equal(modelsNamed([mine!, tiny!], 'tiny-blip'), [tiny]);
  assert.equal(modelsNamed([mine!, tiny!], 'your-blip'), []);
});

test('a spelling wins over another model whose id is that word', () => {
  const [mine, tiny] = models();
  // A path model whose model.json calls itself tiny-blip: --models tiny-blip means the suite's tiny-blip.
  writeFileSync(mine!.manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(mine!.manifestPath, 'utf8')), name: 'tiny-blip' }));
  assert.equal(modelsNamed([mine!, tiny!], 'tiny-blip'), [tiny]);
});

test('a name that selects nothing lists each model with its id where that is another word', () => {
  const error = notAModelOfTheSuites(models(), 'my-blp');
  assert.instance(error, UsageError);
  assert.is(error.message, "--models: 'my-blp' is not a model of the suites (did you mean 'my-blip'?); models: ../exports/my-blip/model.json (id my-blip), tiny-blip");
});

test('selecting one of two models that share an id is refused, naming both (planning sees only the chosen one)', () => {
  const [mine, tiny] = models();
  writeFileSync(mine!.manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(mine!.manifestPath, 'utf8')), name: 'tiny-blip' }));
  const chosen = new Set(modelsNamed([mine!, tiny!], 'tiny-blip'));
  assert.equal([...chosen], [tiny]);
  const problem = sharedIdProblem([mine!, tiny!], chosen);
  assert.instance(problem, UsageError);
  assert.match(problem!.message, "--models: tiny-blip and ../exports/my-blip/model.json both have the id 'tiny-blip'");
  assert.is(sharedIdProblem([mine!, tiny!], new Set([mine!, tiny!])), undefined, 'both chosen: planning reports it');
});

test.run();
