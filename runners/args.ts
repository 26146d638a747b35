/**
 * Command-line parsing shared by the commands: node's util.parseArgs in strict mode (an unknown
 * flag is a usage error, never ignored), plus the `--data NAME=PATH` and `--shard i/N` forms.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run \`vlbench ${command} --help\`.`);
  }
}

export function parseData(values: readonly string[] | undefined): Record<string, string> {
  const data: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`--data expects NAME=PATH (e.g. --data coco=/data/coco), got '${value}'`);
    data[value.slice(0, at)] = value.slice(at + 1);
  }
  return data;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new UsageError(`--shard expects i/N with 0 <= i < N (e.g. --shard 0/4), got '${value}'`);
  return { index, count };
}

export function parsePositiveInt(flag: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} expects a positive integer, got '${value}'`);
  return number;
}
