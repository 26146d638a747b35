/**
 * Command-line parsing shared by the commands: node's util.parseArgs in strict mode (an unknown
 * flag is a usage error, never ignored; so is a single-value flag given twice, where parseArgs
 * would keep the last one), plus the `--data NAME=PATH`, `--shard i/N` and `a,b` list forms.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../suites/did-you-mean.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * @param help the command's help text, appended to a parse error (else a pointer to `--help`)
 */
export function parse<T extends Options>(command: string, argv: readonly string[], options: T, help?: string) {
  const hint = help === undefined ? `. Run \`vlbench ${command} --help\`.` : `\n\n${help}`;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${parseErrorText(error as Error, options)}${hint}`);
  }
  rejectRepeats(parsed.tokens, options, hint);
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * parseArgs's message, except for an unknown flag: its own text advises passing the flag as a
 * positional after `--`, which a typo never wants; this one names the closest known flag and
 * lists them all.
 */
export function parseErrorText(error: Error, options: Options): string {
  const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '([^']+)'/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return error.message;
  const flags = Object.entries(options).map(([name, option]) => (option.short === undefined ? `--${name}` : `--${name} (-${option.short})`));
  const names = [...Object.keys(options).map((name) => `--${name}`), ...Object.values(options).flatMap((o) => (o.short === undefined ? [] : [`-${o.short}`]))];
  return `unknown option '${unknown}'${didYouMean(unknown, names)}; the options are ${flags.join(', ')}`;
}

export type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * A single-value flag given twice (`--limit 1 --limit 2`, often a default and an override in a
 * script) is ambiguous: parseArgs would silently keep the last. Booleans repeat harmlessly.
 */
export function rejectRepeats(tokens: readonly Token[], options: Options, hint: string): void {
  const seen = new Map<string, string | undefined>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option?.type !== 'string' || option.multiple === true) continue;
    if (seen.has(token.name)) {
      throw new UsageError(`--${token.name} is given twice ('${seen.get(token.name)}', then '${token.value}'); give it once${hint}`);
    }
    seen.set(token.name, token.value);
  }
}

/**
 * `--data NAME=PATH`, repeatable for different names. The same NAME twice, or an empty PATH (an
 * unset shell variable), is a usage error here rather than a later "file not found".
 */
export function parseData(values: readonly string[] | undefined): Record<string, string> {
  const data: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`--data expects NAME=PATH (e.g. --data coco=/data/coco), got '${value}'`);
    const [name, path] = [value.slice(0, at), value.slice(at + 1)];
    if (path === '') throw new UsageError(`--data ${value}: the path is empty (an unset variable?); give --data ${name}=PATH`);
    if (name in data) throw new UsageError(`--data ${name} is given twice ('${data[name]}', then '${path}'); give each data location once`);
    data[name] = path;
  }
  return data;
}

/**
 * A list flag (`--models a,b`, repeatable: `--models a --models b` is a,b) -> its items, in order,
 * each once; absent -> null; given but empty (an unset CI variable) -> a usage error, not "nothing".
 */
export function parseList(flag: string, values: readonly string[] | undefined): string[] | null {
  if (values === undefined) return null;
  const lists = values.map((value) => value.split(',').map((x) => x.trim()).filter(Boolean));
  // Each occurrence counts: `--models "$A" --models "$B"` with B unset must not run A alone.
  if (lists.some((items) => items.length === 0)) throw new UsageError(`${flag} is empty; name at least one, or leave ${flag} out for all`);
  return [...new Set(lists.flat())];
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

/**
 * Digits only: Number() also reads '1e1', '0x10', ' 7 ' and '10.0' as integers, which a help text
 * promising "a positive integer" does not; a typo such as '1e1' for 11 must not pass as 10.
 */
export function parsePositiveInt(flag: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`${flag} expects a positive integer (digits only), got '${value}'`);
  return number;
}
