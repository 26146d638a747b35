/**
 * The loader contract: a registered name, the file roles and options it accepts (described as
 * data, so suites are validated before anything is read), the sample kind it yields, and `load`,
 * an async iterable that streams samples and failures in dataset order.
 */
import type { LoaderItem, Modality, SampleKind } from './samples.js';

export type OptionValue = string | number | boolean;

export interface LoaderOption {
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  /** Allowed values of a string option, when closed. */
  readonly values?: readonly string[];
  readonly default?: OptionValue;
}

export interface LoaderFileRole {
  readonly required: boolean;
  readonly description: string;
}

/** What `load` receives: every path absolute, options checked against the loader's description. */
export interface LoaderInput {
  readonly files: Readonly<Record<string, string>>;
  /** Folder media paths are relative to (absolute); '' when the loader needs none. */
  readonly mediaRoot: string;
  readonly options: Readonly<Record<string, OptionValue>>;
}

export interface DatasetLoader {
  readonly name: string;
  readonly description: string;
  /** The sample kinds `load` can yield; generic loaders pick one with their `kind` option. */
  readonly produces: readonly SampleKind[];
  /** The modality of the media it yields; generic loaders take it from the `modality` option. */
  readonly modality: Modality | 'configurable';
  readonly files: Readonly<Record<string, LoaderFileRole>>;
  readonly options: Readonly<Record<string, LoaderOption>>;
  readonly mediaRoot: 'required' | 'optional';
  load(input: LoaderInput): AsyncIterable<LoaderItem>;
}

/** A loader input error that is the suite's fault (a missing required option value, a bad file). */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

export function optionString(input: LoaderInput, loader: DatasetLoader, name: string): string {
  const value = input.options[name] ?? loader.options[name]?.default;
  if (value === undefined) throw new DatasetError(`${loader.name}: option '${name}' is required`);
  return String(value);
}

export function optionNumber(input: LoaderInput, loader: DatasetLoader, name: string): number {
  const value = input.options[name] ?? loader.options[name]?.default;
  if (typeof value !== 'number') throw new DatasetError(`${loader.name}: option '${name}' must be a number`);
  return value;
}

export function optionBoolean(input: LoaderInput, loader: DatasetLoader, name: string): boolean {
  const value = input.options[name] ?? loader.options[name]?.default;
  if (typeof value !== 'boolean') throw new DatasetError(`${loader.name}: option '${name}' must be true or false`);
  return value;
}

export function requiredFile(input: LoaderInput, loader: DatasetLoader, role: string): string {
  const path = input.files[role];
  if (path === undefined) throw new DatasetError(`${loader.name}: file role '${role}' is required`);
  return path;
}
