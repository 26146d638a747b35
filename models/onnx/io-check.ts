/**
 * Compares a graph's declared inputs/outputs (model.json) with what the ONNX file itself says,
 * and lists every difference at once: missing, extra, wrong dtype, wrong rank, wrong dimension.
 */
import type * as ort from 'onnxruntime-node';
import type { Dim, GraphSpec, TensorSpec } from '../manifest-types.js';

export interface IoProblem {
  readonly direction: 'input' | 'output';
  readonly name: string;
  readonly problem: string;
}

export function checkGraphIo(spec: GraphSpec, session: Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>): IoProblem[] {
  return [...compareSide('input', spec.inputs, session.inputMetadata), ...compareSide('output', spec.outputs, session.outputMetadata)];
}

function compareSide(
  direction: 'input' | 'output',
  declared: Readonly<Record<string, TensorSpec>>,
  actual: readonly ort.InferenceSession.ValueMetadata[],
): IoProblem[] {
  const problems: IoProblem[] = [];
  const byName = new Map(actual.map((meta) => [meta.name, meta]));
  for (const [name, spec] of Object.entries(declared)) {
    const meta = byName.get(name);
    if (!meta) {
      problems.push({ direction, name, problem: `declared but not in the graph (graph has: ${[...byName.keys()].join(', ')})` });
      continue;
    }
    if (!meta.isTensor) {
      problems.push({ direction, name, problem: 'is not a tensor in the graph' });
      continue;
    }
    problems.push(...compareTensor(direction, name, spec, meta));
  }
  for (const name of byName.keys()) {
    if (!(name in declared)) problems.push({ direction, name, problem: 'in the graph but not declared in model.json' });
  }
  return problems;
}

function compareTensor(direction: 'input' | 'output', name: string, spec: TensorSpec, meta: ort.InferenceSession.TensorValueMetadata): IoProblem[] {
  if (meta.type !== spec.dtype) return [{ direction, name, problem: `dtype is ${meta.type} in the graph, ${spec.dtype} in model.json` }];
  if (meta.shape.length === 0 && spec.shape.length > 0) return []; // the file records no shape: nothing to compare
  if (meta.shape.length !== spec.shape.length) {
    return [{ direction, name, problem: `rank ${meta.shape.length} [${meta.shape.join(', ')}] in the graph, ${spec.shape.length} [${spec.shape.join(', ')}] in model.json` }];
  }
  const problems: IoProblem[] = [];
  spec.shape.forEach((declared, axis) => {
    const mismatch = dimensionMismatch(declared, meta.shape[axis]);
    if (mismatch) problems.push({ direction, name, problem: `axis ${axis}: ${mismatch}` });
  });
  return problems;
}

/** A declared fixed size must match; a declared symbolic axis must not be fixed in the file. */
function dimensionMismatch(declared: Dim, actual: Dim | undefined): string | null {
  if (typeof declared === 'number') {
    return typeof actual === 'number' && actual !== declared ? `size ${actual} in the graph, ${declared} in model.json` : null;
  }
  return typeof actual === 'number' && actual >= 0 ? `fixed to ${actual} in the graph but declared dynamic ('${declared}') in model.json; re-export with a dynamic axis` : null;
}

export function formatIoProblems(file: string, role: string, problems: readonly IoProblem[]): string {
  const lines = problems.map((p) => `  - ${p.direction} '${p.name}': ${p.problem}`);
  return `${file} (role ${role}) does not match its declaration in model.json:\n${lines.join('\n')}`;
}
