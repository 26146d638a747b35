/**
 * Execution providers. onnxruntime-node does not fall back by itself (a session asked for
 * ['cuda', 'cpu'] throws when CUDA is missing), so `auto` is done here: try each provider in
 * order, keep the first that opens, and record why the others were skipped. An explicitly
 * requested provider that cannot load is an error, never a silent CPU run.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { DeviceRequest } from '../load.js';

export type ProviderName = 'cpu' | 'cuda' | 'webgpu';

/** `auto` prefers a GPU: CUDA first (needs the CUDA build, see README), then WebGPU, then CPU. */
export function candidateProviders(device: DeviceRequest): ProviderName[] {
  switch (device) {
    case 'auto':
      return ['cuda', 'webgpu', 'cpu'];
    case 'cpu':
    case 'cuda':
    case 'webgpu':
      return [device];
    default: {
      const never: never = device;
      throw new Error(`unknown device '${String(never)}'; use auto, cpu, cuda or webgpu`);
    }
  }
}

export class ProviderError extends Error {
  override name = 'ProviderError';
}

/** Native ORT logging would otherwise print provider-library errors we already report. */
ort.env.logLevel = 'fatal';

export function sessionOptions(provider: ProviderName): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    logSeverityLevel: 4,
    graphOptimizationLevel: 'all',
  };
}

/** First line of a native error, without the source-location noise. */
export function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0] ?? text;
  const withoutLocation = firstLine.replace(/^\/onnxruntime_src\/\S+\s+/, '');
  return withoutLocation.length > 300 ? `${withoutLocation.slice(0, 300)}…` : withoutLocation;
}

export function explainUnavailable(provider: ProviderName, reason: string): string {
  switch (provider) {
    case 'cuda':
      return `the CUDA execution provider could not load (${reason}). Install onnxruntime-node's CUDA binaries (README, "GPU support") or use --device cpu`;
    case 'webgpu':
      return `the WebGPU execution provider could not load (${reason}). It needs a GPU with a Vulkan driver (libvulkan1); use --device cpu otherwise`;
    case 'cpu':
      return `the CPU execution provider could not open the graph (${reason})`;
    default: {
      const never: never = provider;
      return String(never);
    }
  }
}

/**
 * Why `auto` need not even try a GPU provider here, or null when it should try. Probing WebGPU
 * without a GPU makes Dawn print Vulkan errors to stderr that no log level silences, so `auto`
 * first looks for a GPU device node (an explicit --device always tries).
 */
export function autoSkipReason(provider: ProviderName): string | null {
  if (provider === 'cpu') return null;
  const nvidia = existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl');
  const render = existsSync('/dev/dri') && readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  if (provider === 'cuda' && !nvidia) return 'no NVIDIA device node (/dev/nvidia0) on this machine';
  if (provider === 'webgpu' && !nvidia && !render) return 'no GPU device node (/dev/nvidia0 or /dev/dri/renderD*) on this machine';
  return null;
}
