/**
 * Loading a model from its manifest (model.json, models/CONTRACT.md) into a family adapter.
 * The runner only uses this entry point and the capability interfaces.
 */
import type { FamilyAdapter, FamilyName } from './capabilities.js';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export interface LoadOptions {
  readonly device: DeviceRequest;
  /** Check every graph file's sha256 against the manifest (opt out only deliberately). */
  readonly verifyDigests: boolean;
}

export interface ProviderReport {
  readonly requested: DeviceRequest;
  /** The execution provider that actually ran (cpu, cuda, webgpu). */
  readonly used: string;
  readonly skipped: readonly { readonly provider: string; readonly reason: string }[];
}

export interface LoadedModel {
  readonly adapter: FamilyAdapter;
  readonly id: string;
  readonly family: FamilyName;
  readonly variant: string;
  readonly manifestPath: string;
  readonly manifestSha256: string;
  /** Graph role -> sha256 of its ONNX file. */
  readonly graphs: Readonly<Record<string, string>>;
  readonly provider: ProviderReport;
}

export async function loadModel(manifestPath: string, options: LoadOptions): Promise<LoadedModel> {
  void options;
  throw new Error(`Loading ${manifestPath}: model loading is not implemented yet`);
}

/** Registered names of the bundled tiny reference models -> manifest path (absolute). */
export function bundledModels(): ReadonlyMap<string, string> {
  return new Map();
}
