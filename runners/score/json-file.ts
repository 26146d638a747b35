/**
 * Reading the JSON inputs of `vlbench score`: every failure names the file and says what is
 * wrong (missing, empty, not JSON, NaN written by Python's json.dump).
 */
import { readFileSync } from 'node:fs';
import { MetricInputError } from '../../reports/metrics/input-error.js';

/** Python's json.dump writes these for non-finite floats; JSON (and JSON.parse) has no such tokens. */
const NON_FINITE_TOKEN = /(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/;

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a JSON file' : `cannot be read (${code ?? String(error)})`;
    throw new MetricInputError(path, '', problem);
  }
  if (text.trim() === '') throw new MetricInputError(path, '', 'the file is empty', 'Expected a JSON document');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const nonFinite = NON_FINITE_TOKEN.exec(text);
    if (nonFinite) {
      const { line, column } = lineAndColumn(text, nonFinite.index);
      throw new MetricInputError(path, `line ${line}, column ${column}`, `${nonFinite[0]} is not valid JSON (Python's json.dump writes it for a non-finite float)`, 'Scores must be finite numbers; fix the producer of this file');
    }
    throw new MetricInputError(path, '', `invalid JSON: ${(error as Error).message}`);
  }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}
