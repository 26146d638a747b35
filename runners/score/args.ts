/** Flag parsing shared by the `vlbench score` subcommands: node:util parseArgs, strict. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { parseErrorText, rejectRepeats } from '../args.js';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags {
  readonly values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * Parses `argv` strictly; any unknown flag, missing value or positional is a UsageError, and so is
 * a single-value flag given twice (as for every command: runners/args.ts).
 */
export function parseFlags(subcommand: string, argv: readonly string[], options: Options): ParsedFlags {
  const hint = `. Run \`vlbench score ${subcommand} --help\``;
  let parsed;
  const withHelp = { ...options, help: { type: 'boolean', short: 'h' } } satisfies Options;
  try {
    parsed = parseArgs({ args: [...argv], options: withHelp, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError(`${subcommand}: ${parseErrorText(error as Error, withHelp)}${hint}`);
  }
  try {
    rejectRepeats(parsed.tokens, options, hint);
  } catch (error) {
    throw new UsageError(`${subcommand}: ${(error as Error).message}`);
  }
  return { values: parsed.values as ParsedFlags['values'] };
}

export function requiredString(subcommand: string, flags: ParsedFlags, name: string): string {
  const value = flags.values[name];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`${subcommand}: --${name} is required. Run \`vlbench score ${subcommand} --help\``);
  }
  return value;
}

export function optionalString(flags: ParsedFlags, name: string): string | undefined {
  const value = flags.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** `--metrics a,b --metrics c` -> ['a', 'b', 'c']; undefined when the flag is absent. */
export function metricsList(flags: ParsedFlags): string[] | undefined {
  const value = flags.values.metrics;
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value : [String(value)];
  return raw.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}
